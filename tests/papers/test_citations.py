import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from markup.excerpt import CHARS
from papers.models import Paper
from papers.rendering import citation_targets
from summaries.models import Citation
from tests.factories import make_comment, make_paper, make_summary
from tests.utils import queries_for

pytestmark = pytest.mark.django_db


def test_known_citation_links_to_the_paper_with_its_title():
    cited = make_paper("conf/cvpr/HeZRS16", title="Deep Residual Learning")
    summary = make_summary(body="Builds on \\cite{conf/cvpr/HeZRS16}.")
    assert f'href="{cited.get_absolute_url()}"' in summary.body_html
    assert 'title="conf/cvpr/HeZRS16: Deep Residual Learning"' in summary.body_html
    assert ">[Lovelace and Turing, 2020]</a>" in summary.body_html
    assert "citation-unknown" not in summary.body_html


def test_citation_matches_any_case_and_links_the_canonical_key():
    cited = make_paper("conf/cvpr/HeZRS16")
    summary = make_summary(body="See \\cite{CONF/CVPR/hezrs16}.")
    assert f'href="{cited.get_absolute_url()}"' in summary.body_html


def test_unknown_citation_still_links_and_is_marked():
    summary = make_summary(body="See \\cite{conf/nowhere/Ghost20}.")
    assert 'href="/paper/conf/nowhere/Ghost20/"' in summary.body_html
    assert "citation-unknown" in summary.body_html


def test_citations_are_recorded_and_follow_edits():
    summary = make_summary(body="\\cite{a/b/One} and \\cite{a/b/Two} and \\cite{A/B/one}")
    assert set(Citation.objects.values_list("key", flat=True)) == {"a/b/one", "a/b/two"}
    summary.body = "Only \\cite{a/b/Two} now, and \\cite{a/b/Three}."
    summary.save()
    assert set(summary.citations.values_list("key", flat=True)) == {"a/b/two", "a/b/three"}


def test_paper_added_later_turns_unknown_citations_into_links():
    summary = make_summary(body="See \\cite{conf/later/Paper21}.")
    assert "citation-unknown" in summary.body_html
    make_paper("conf/later/Paper21", title="Arrived Later")
    summary.refresh_from_db()
    assert "citation-unknown" not in summary.body_html
    assert 'title="conf/later/Paper21: Arrived Later"' in summary.body_html


def test_paper_page_lists_summaries_that_cite_it(client):
    cited = make_paper("conf/cvpr/HeZRS16")
    citing = make_summary(body="Residual blocks as in \\cite{conf/cvpr/HeZRS16}.")
    private = make_summary(body="\\cite{conf/cvpr/HeZRS16} private", is_private=True)
    html = client.get(cited.get_absolute_url()).content.decode()
    assert "Summaries that cite this paper" in html
    assert citing.get_absolute_url() in html
    assert private.get_absolute_url() not in html


def test_no_citing_section_without_citations(client):
    paper = make_paper()
    assert (
        "Summaries that cite this paper"
        not in client.get(paper.get_absolute_url()).content.decode()
    )


def test_citing_list_costs_one_query_whatever_its_length(client):
    cited = make_paper("conf/cvpr/HeZRS16")
    make_summary(body="\\cite{conf/cvpr/HeZRS16}")
    one = queries_for(client, cited.get_absolute_url())
    for _ in range(10):
        make_summary(body="\\cite{conf/cvpr/HeZRS16}")
    assert queries_for(client, cited.get_absolute_url()) == one


def test_comments_render_citations_too():
    cited = make_paper("conf/cvpr/HeZRS16")
    comment = make_comment(make_summary(), body="Compare \\cite{conf/cvpr/HeZRS16}.")
    assert f'href="{cited.get_absolute_url()}"' in comment.body_html


def test_citation_targets_carry_authors_year_and_venue_in_one_query():
    make_paper("a/b/One", title="One", authors="Ada Lovelace, Alan Turing, others", year=1843)
    for n in range(20):
        make_paper(f"a/b/Many{n}")
    with CaptureQueriesContext(connection) as one:
        targets = citation_targets(["A/B/one"])
    with CaptureQueriesContext(connection) as many:
        citation_targets(["a/b/One", *(f"a/b/Many{n}" for n in range(20)), "x/y/Unknown"])
    assert len(one) == len(many) == 1
    paper = targets["a/b/one"]
    assert (paper.key, paper.title, paper.year, paper.venue) == ("a/b/One", "One", 1843, "NeurIPS")
    assert paper.authors == ("Ada Lovelace", "Alan Turing", "others")


def test_summaries_follow_edits_of_the_cited_paper():
    cited = make_paper("conf/cvpr/HeZRS16", title="Deep Residual Learning")
    summary = make_summary(body="Builds on \\cite{conf/cvpr/HeZRS16}.")
    assert "[Lovelace and Turing, 2020]" in summary.body_html
    # Saved whole, as the admin saves: any field may have changed.
    cited.authors = "Kaiming He, Xiangyu Zhang, Shaoqing Ren, Jian Sun"
    cited.year = 2016
    cited.save()
    summary.refresh_from_db()
    assert "[He et al., 2016]" in summary.body_html
    assert "Kaiming He, Xiangyu Zhang, Shaoqing Ren et al." in summary.body_html
    # Saved in part, as an import updates a paper.
    cited.title = "Residual Networks"
    cited.save(update_fields=["title"])
    summary.refresh_from_db()
    assert 'title="conf/cvpr/HeZRS16: Residual Networks"' in summary.body_html


def test_edits_of_what_citations_do_not_show_leave_citing_summaries_alone():
    cited = make_paper("conf/cvpr/HeZRS16")
    summary = make_summary(body="Builds on \\cite{conf/cvpr/HeZRS16}.")
    # A change no signal announces, to see whether the summary is rendered again.
    Paper.objects.filter(pk=cited.pk).update(year=1999)
    cited.abstract = "New abstract."
    cited.save(update_fields=["abstract", "abstract_html", "renderer_version"])
    summary.refresh_from_db()
    assert "[Lovelace and Turing, 2020]" in summary.body_html


def test_only_the_whole_summary_ends_with_references():
    make_paper("conf/cvpr/HeZRS16")
    body = "Builds on \\cite{conf/cvpr/HeZRS16}.\n\n" + "More text. " * (CHARS // 5)
    summary = make_summary(body=body)
    assert '<div class="references">' in summary.body_html
    assert summary.excerpt_html and "[Lovelace and Turing, 2020]" in summary.excerpt_html
    assert "references" not in summary.excerpt_html
    comment = make_comment(summary, body="As in \\cite{conf/cvpr/HeZRS16}.")
    assert "references" not in comment.body_html
