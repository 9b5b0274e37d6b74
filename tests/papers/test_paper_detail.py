import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from summaries.models import Summary
from tests.factories import make_comment, make_paper, make_summary, make_user
from tests.utils import queries_for

pytestmark = pytest.mark.django_db


def test_url_keeps_slashes_in_key():
    assert reverse("papers:detail", args=["conf/nips/RenHGS15"]) == "/paper/conf/nips/RenHGS15/"


def test_shows_metadata_and_summaries(client):
    paper = make_paper(
        "conf/nips/RenHGS15",
        title="Faster R-CNN",
        authors="Shaoqing Ren, Kaiming He",
        venue="NIPS",
        year=2015,
        abstract="Region proposals, *fast*.",
        url="https://example.org/paper.pdf",
        arxiv_id="1506.01497",
    )
    make_summary(paper=paper, author=make_user("ada"), body="The RPN shares features.")
    response = client.get("/paper/conf/nips/RenHGS15/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Faster R-CNN" in html
    assert "Shaoqing Ren, Kaiming He" in html and 'href="/venue/NIPS/">NIPS</a> 2015' in html
    assert "Region proposals" in html
    assert 'href="https://example.org/paper.pdf"' in html
    assert 'href="https://arxiv.org/abs/1506.01497"' in html
    assert 'id="ada"' in html
    assert "The RPN shares features." in html
    assert "1 summary<" in html


def test_summaries_best_first_with_comments_oldest_first(client):
    paper = make_paper()
    low = make_summary(paper=paper, body="the lower one")
    high = make_summary(paper=paper, body="the higher one")
    Summary.objects.filter(pk=high.pk).update(score=5)
    make_comment(low, body="first remark")
    make_comment(low, body="second remark")
    html = client.get(paper.get_absolute_url()).content.decode()
    assert html.index("the higher one") < html.index("the lower one")
    assert html.index("first remark") < html.index("second remark")
    assert "2 summaries<" in html
    assert "2 comments<" in html


def test_anonymous_summary_gets_stable_id_without_author(client):
    paper = make_paper()
    summary = make_summary(paper=paper, author=make_user("hidden_hand"), is_anonymous=True)
    html = client.get(paper.get_absolute_url()).content.decode()
    assert f'id="anonymous-{summary.pk}"' in html
    assert "hidden_hand" not in html


def test_private_summary_only_for_its_author(client):
    paper = make_paper()
    author = make_user()
    make_summary(paper=paper, author=author, is_private=True, body="my private notes")
    html = client.get(paper.get_absolute_url()).content.decode()
    assert "my private notes" not in html
    assert "Nobody has summarized this paper yet" in html
    client.force_login(author)
    html = client.get(paper.get_absolute_url()).content.decode()
    assert "my private notes" in html
    assert "only you can see it" in html
    assert "1 summary<" not in html  # a private summary is not counted


def test_key_matches_case_insensitively_and_redirects_to_canonical(client):
    paper = make_paper("conf/nips/RenHGS15")
    response = client.get("/paper/CONF/NIPS/renhgs15/")
    assert response.status_code == 301
    assert response["Location"] == paper.get_absolute_url()


def test_unknown_key_is_a_404_that_says_so(client):
    response = client.get("/paper/conf/nips/Nobody99/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "This paper is not known here" in html
    assert "conf/nips/Nobody99" in html


def test_malformed_key_is_a_404_that_says_so(client):
    response = client.get("/paper/bad%20key%3Cscript%3E/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "does not look like a BibTeX key" in html
    assert "<script>" not in html


@pytest.mark.parametrize(
    ("query", "location"),
    [
        ("bibtexKey=conf/nips/RenHGS15", "/paper/conf/nips/RenHGS15/"),
        # A paper the site does not know: no summary to look for.
        ("bibtexKey=conf/nips/RenHGS15&a=ada", "/paper/conf/nips/RenHGS15/#ada"),
        ("bibtexKey=journals%2Fcorr%2F1608.06993", "/paper/journals/corr/1608.06993/"),
        ("", "/"),
    ],
)
def test_legacy_links_redirect_permanently(client, query, location):
    response = client.get(f"/paper?{query}")
    assert response.status_code == 301
    assert response["Location"] == location


def test_legacy_link_lands_on_the_page(client):
    paper = make_paper("journals/corr/1608.06993")
    response = client.get("/paper?bibtexKey=journals/corr/1608.06993", follow=True)
    assert response.status_code == 200
    assert response.context["paper"] == paper


def test_query_count_does_not_grow_with_summaries(client):
    paper = make_paper()
    # One comment: a page whose summaries have none reads no comments (one query less).
    make_comment(make_summary(paper=paper))
    one = queries_for(client, paper.get_absolute_url())
    for n in range(29):
        # Long ones too: their excerpt is chosen in the same query.
        summary = make_summary(
            paper=paper, body="Words and $x$. " + "More words. " * (200 if n % 2 else 1)
        )
        make_comment(summary)
        make_comment(summary)
    # Once they fill more than a page, a COUNT too (a short list's first page is its
    # own count, shortscience.pagination.paginate); then no more, whatever the page.
    many = queries_for(client, paper.get_absolute_url())
    assert many == one + 1
    assert queries_for(client, paper.get_absolute_url() + "?page=3") == many
    # paper, page of summaries, their comments, summaries citing the paper, its topics,
    # its follower count
    assert one <= 6


def test_query_count_logged_in(client):
    paper = make_paper()
    viewer = make_user()
    make_comment(make_summary(paper=paper))
    client.force_login(viewer)
    one = queries_for(client, paper.get_absolute_url())
    for _ in range(99):
        make_comment(make_summary(paper=paper))
    make_summary(paper=paper, author=viewer, is_private=True)
    # One COUNT more once the summaries fill more than a page (paginate).
    assert queries_for(client, paper.get_absolute_url()) == one + 1
    assert queries_for(client, paper.get_absolute_url() + "?page=2") == one + 1


def test_authors_link_to_a_search_for_their_name(client):
    paper = make_paper(authors="Gao Huang, Laurens van der Maaten")
    html = client.get(paper.get_absolute_url()).content.decode()
    assert '<a href="/search?q=%22Gao%20Huang%22">Gao Huang</a>' in html
    maaten = "/search?q=%22Laurens%20van%20der%20Maaten%22"
    assert f'<a href="{maaten}">Laurens van der Maaten</a>' in html


def test_links_to_arxiv_pdf_and_doi(client):
    paper = make_paper(arxiv_id="1608.06993", doi="10.1109/CVPR.2017.243")
    html = client.get(paper.get_absolute_url()).content.decode()
    assert 'href="https://arxiv.org/abs/1608.06993"' in html
    assert 'href="https://arxiv.org/pdf/1608.06993"' in html
    assert 'href="https://doi.org/10.1109/CVPR.2017.243"' in html


def test_no_arxiv_or_doi_links_without_them(client):
    paper = make_paper()
    html = client.get(paper.get_absolute_url()).content.decode()
    assert "arxiv.org" not in html and "doi.org" not in html


def test_only_a_cited_paper_s_page_asks_for_the_summaries_citing_it(client):
    cited, uncited = make_paper(), make_paper()
    citing = make_summary(body=f"Builds on \\cite{{{cited.bibtex_key}}}.")

    def summary_queries(paper):
        with CaptureQueriesContext(connection) as queries:
            html = client.get(paper.get_absolute_url()).content.decode()
        joined = [q["sql"] for q in queries.captured_queries if "summaries_citation" in q["sql"]]
        return html, joined

    html, joined = summary_queries(uncited)
    assert "Summaries that cite this paper" not in html
    assert len(joined) == 1  # whether any summary cites it, and nothing more
    html, joined = summary_queries(cited)
    assert citing.get_absolute_url() in html.split("Summaries that cite this paper")[1]
    assert len(joined) == 2
