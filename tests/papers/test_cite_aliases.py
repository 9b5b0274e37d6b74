"""`\\cite{}` by any name a paper's page answers to: alias keys, arXiv ids in any
spelling, DOIs, whatever their case; and "Summaries that cite this paper" by all of
them, including names the paper gains after the citation was written."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from papers import services
from papers.models import Paper, PaperAlias
from papers.rendering import render_text
from papers.signals import names_added
from summaries.models import Citation, Summary
from tests.factories import make_comment, make_paper, make_summary
from tests.utils import queries_for

pytestmark = pytest.mark.django_db

KEY = "conf/cvpr/HuangLMW17"
TITLE = "Densely Connected Convolutional Networks"

NAMES = [
    "journals/corr/HuangLW16a",  # an alias
    "JOURNALS/CORR/huanglw16A",  # the same, in another case
    "1608.06993",
    "1608.06993v2",
    "arXiv:1608.06993v5",
    "ARXIV:1608.06993",
    "journals/corr/1608.06993",  # the old site's key
    "journals/corr/abs-1608-06993",  # DBLP's key for an arXiv paper it has no record of
    "10.1109/CVPR.2017.243",
    "10.1109/cvpr.2017.243",
    "doi:10.1109/CVPR.2017.243",
    "10.48550/arXiv.1608.06993",  # arXiv's own DOI
]


def densenet(**fields):
    fields = {"title": TITLE, "arxiv_id": "1608.06993", "doi": "10.1109/CVPR.2017.243", **fields}
    paper = make_paper(KEY, **fields)
    PaperAlias.objects.create(paper=paper, key="journals/corr/HuangLW16a")
    return paper


def link_to_densenet(html, text="Lovelace and Turing, 2020"):
    # The factory's authors and year by default: "Ada Lovelace, Alan Turing", 2020.
    return (
        f'<a class="citation" href="/paper/{KEY}/" title="{KEY}: {TITLE}">[{text}]</a>' in html
        and "citation-unknown" not in html
    )


@pytest.mark.parametrize("name", NAMES)
def test_any_name_links_to_the_canonical_page_under_the_canonical_key(name):
    densenet()
    summary = make_summary(body=f"Dense blocks \\cite{{{name}}}.")
    assert link_to_densenet(summary.body_html), summary.body_html


@pytest.mark.parametrize("name", NAMES)
def test_each_name_is_one_the_paper_page_answers_to(client, name):
    # The citation's promise: the same names as the page, no more, no fewer.
    densenet()
    response = client.get(f"/paper/{name}/")
    assert response.status_code == 301
    assert response["Location"] == f"/paper/{KEY}/"


def test_names_of_no_paper_stay_unknown():
    densenet()
    html = make_summary(body="\\cite{1608.06994v1} \\cite{10.1109/CVPR.2017.244}").body_html
    # Each in the text and in the references.
    assert html.count("citation-unknown") == 4
    assert 'href="/paper/1608.06994v1/"' in html  # its page offers to add the paper


def test_a_key_is_read_before_an_arxiv_id():
    # As on the page: `journals/corr/1608.06993` is first a key, here another paper's.
    densenet()
    old = make_paper("journals/corr/1608.06993", title="Kept under the old key")
    html = make_summary(body="\\cite{journals/corr/1608.06993}").body_html
    assert f'href="{old.get_absolute_url()}"' in html


def test_comments_and_abstracts_resolve_other_names_too():
    paper = densenet()
    comment = make_comment(make_summary(), body="As in \\cite{arXiv:1608.06993v3}.")
    assert link_to_densenet(comment.body_html)
    other = make_paper(abstract="Improves on \\cite{10.1109/CVPR.2017.243}.")
    assert f'href="{paper.get_absolute_url()}"' in other.abstract_html


def test_rendering_costs_one_query_whatever_the_number_of_names():
    densenet()
    make_paper("conf/nips/VaswaniSPUJGKP17", arxiv_id="1706.03762")

    def queries(text):
        with CaptureQueriesContext(connection) as captured:
            render_text(text, flavor="summary")
        return len(captured)

    one = queries("\\cite{1608.06993}")
    many = " ".join(f"\\cite{{{name}}}" for name in [*NAMES, "1706.03762v7", "x/y/Unknown"])
    assert queries(many) == one == 1


def test_paper_page_lists_summaries_citing_it_by_any_name(client):
    paper = densenet()
    by_name = {name: make_summary(body=f"See \\cite{{{name}}}.") for name in NAMES[::3]}
    twice = make_summary(body="\\cite{1608.06993} and again \\cite{" + KEY + "}")
    private = make_summary(body="\\cite{arXiv:1608.06993}", is_private=True)
    elsewhere = make_summary(body="\\cite{1706.03762}")

    citing = set(Summary.objects.citing(paper))
    assert citing == {*by_name.values(), twice, private}
    assert list(Summary.objects.citing(paper)).count(twice) == 1

    html = client.get(paper.get_absolute_url()).content.decode()
    for summary in [*by_name.values(), twice]:
        assert summary.get_absolute_url() in html
    assert private.get_absolute_url() not in html
    assert elsewhere.get_absolute_url() not in html


def test_citing_list_costs_the_same_whatever_names_are_used(client):
    paper = densenet()
    make_summary(body=f"\\cite{{{KEY}}}")
    one = queries_for(client, paper.get_absolute_url())
    for name in NAMES:
        make_summary(body=f"\\cite{{{name}}}")
    assert queries_for(client, paper.get_absolute_url()) == one


def test_an_alias_added_later_turns_earlier_citations_into_links(client):
    paper = make_paper(KEY, title=TITLE)
    summary = make_summary(body="See \\cite{Huang2017Densely}.")
    assert "citation-unknown" in summary.body_html

    PaperAlias.objects.create(paper=paper, key="huang2017densely")

    summary.refresh_from_db()
    assert link_to_densenet(summary.body_html)
    assert list(Summary.objects.citing(paper)) == [summary]
    assert summary.get_absolute_url() in client.get(paper.get_absolute_url()).content.decode()


def test_an_arxiv_paper_added_later_resolves_citations_of_its_arxiv_id_and_old_key():
    by_id = make_summary(body="\\cite{arXiv:1608.06993v2}")
    by_old_key = make_summary(body="\\cite{journals/corr/1608.06993}")
    by_dblp_key = make_summary(body="\\cite{journals/corr/HuangLW16a}")

    paper, created = services.add_paper(
        bibtex_key=KEY,
        title=TITLE,
        authors="Gao Huang",
        arxiv_id="1608.06993",
        aliases=["journals/corr/1608.06993", "journals/corr/HuangLW16a"],
    )

    assert created
    for summary in (by_id, by_old_key, by_dblp_key):
        summary.refresh_from_db()
        assert link_to_densenet(summary.body_html, "Huang"), summary.body
    assert set(Summary.objects.citing(paper)) == {by_id, by_old_key, by_dblp_key}


def test_papers_written_in_bulk_are_announced_with_names_added():
    # Imports write with bulk_create, which sends no post_save; they send names_added.
    summary = make_summary(body="\\cite{10.1109/cvpr.2017.243}")
    papers = Paper.objects.bulk_create(
        [Paper(bibtex_key=KEY, title=TITLE, authors="Gao Huang", doi="10.1109/CVPR.2017.243")]
    )
    summary.refresh_from_db()
    assert "citation-unknown" in summary.body_html

    names_added.send(sender=Paper, papers=papers, aliases=[])

    summary.refresh_from_db()
    assert link_to_densenet(summary.body_html, "Huang")


def test_an_edit_records_the_names_of_the_new_text_only():
    paper = densenet()
    summary = make_summary(body="\\cite{1608.06993v1}")
    assert list(Summary.objects.citing(paper)) == [summary]
    summary.body = "No citation any more, just 1608.06993 in prose."
    summary.save()
    assert not Summary.objects.citing(paper).exists()


@pytest.mark.parametrize("name", [KEY.upper(), *NAMES])
def test_a_paper_is_cited_by_any_of_its_names(name):
    paper = densenet()
    other = make_paper(key="conf/other/Paper1")
    assert not Citation.objects.is_cited(paper)
    make_summary(body=f"\\cite{{{name}}}")
    assert Citation.objects.is_cited(paper)
    assert not Citation.objects.is_cited(other)


def test_a_paper_page_asks_whether_it_is_cited_in_one_query(client):
    paper = densenet()
    with CaptureQueriesContext(connection) as queries:
        assert not Citation.objects.is_cited(paper)
    assert len(queries) == 1
