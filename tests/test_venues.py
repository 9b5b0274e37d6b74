"""The venue pages: venues with their summary counts, and one venue's papers of a year."""

import pytest
from django.urls import reverse

from .factories import make_paper, make_summary
from .utils import queries_for

pytestmark = pytest.mark.django_db


def test_urls_take_any_venue_name():
    assert reverse("papers:venues") == "/venue/"
    assert reverse("papers:venue_year", args=["NIPS", 2016]) == "/venue/NIPS/2016/"
    assert reverse("papers:venue_year", args=["ACM/IEEE CS", 2016]) == "/venue/ACM/IEEE%20CS/2016/"


def test_list_counts_public_summaries_only(client):
    nips16 = make_paper(venue="NIPS", year=2016)
    make_summary(paper=nips16)
    make_summary(paper=nips16)
    make_summary(paper=nips16, is_private=True)
    make_summary(paper=make_paper(venue="nips", year=2017))
    make_summary(paper=make_paper(venue="ICML", year=2015), is_private=True)
    make_summary(paper=make_paper(venue="", year=2015))
    make_paper(venue="CVPR", year=2017)  # no summaries at all

    response = client.get("/venue/")
    venues = response.context["venues"]
    # One row per venue whatever its case, printed in one of its spellings.
    assert [(v["name"], v["summary_count"]) for v in venues] == [("NIPS", 3)]
    assert [(row["year"], row["public_summary_count"]) for row in venues[0]["years"]] == [
        (2017, 1),
        (2016, 2),
    ]
    html = response.content.decode()
    assert 'href="/venue/NIPS/2016/"' in html and 'href="/venue/NIPS/2017/"' in html
    assert "ICML" not in html and "CVPR" not in html


def test_list_counts_papers_without_year_but_links_no_year(client):
    make_summary(paper=make_paper(venue="Workshop", year=None))
    venue = client.get("/venue/").context["venues"][0]
    assert (venue["summary_count"], venue["years"]) == (1, [])


def test_list_query_count_is_constant(client):
    make_summary(paper=make_paper(venue="Venue 0", year=2020))
    one = queries_for(client, "/venue/")
    for n in range(1, 30):
        paper = make_paper(venue=f"Venue {n}", year=2000 + n % 5)
        make_summary(paper=paper)
        make_summary(paper=paper, is_private=True)
    assert len(client.get("/venue/").context["venues"]) == 30
    assert queries_for(client, "/venue/") == one == 1


def test_list_is_cached_until_a_summary_changes(client):
    summary = make_summary(paper=make_paper(venue="NIPS", year=2016))
    assert queries_for(client, "/venue/") == 1
    assert queries_for(client, "/venue/", cached=True) == 0
    make_summary(paper=make_paper(venue="ICML", year=2017))
    assert "ICML" in client.get("/venue/").content.decode()
    summary.is_private = True
    summary.save()
    assert "NIPS" not in client.get("/venue/").content.decode()


def test_year_lists_that_years_papers_with_public_summaries(client):
    popular = make_paper(venue="NIPS", year=2016, title="Popular")
    make_summary(paper=popular)
    make_summary(paper=popular)
    quiet = make_paper(venue="nips", year=2016, title="Quiet")
    make_summary(paper=quiet)
    make_summary(paper=quiet, is_private=True)
    private_only = make_paper(venue="NIPS", year=2016, title="Private only")
    make_summary(paper=private_only, is_private=True)
    make_summary(paper=make_paper(venue="NIPS", year=2017, title="Next year"))
    make_summary(paper=make_paper(venue="ICML", year=2016, title="Elsewhere"))

    response = client.get("/venue/nips/2016/")
    assert response.status_code == 200
    papers = list(response.context["page"])
    assert [(p.title, p.public_summary_count) for p in papers] == [("Popular", 2), ("Quiet", 1)]
    html = response.content.decode()
    assert "<title>NIPS 2016" in html  # the papers' own spelling of the venue
    assert "2 summaries" in html and "1 summary" in html


def test_year_without_summaries_is_a_404_that_says_so(client):
    make_paper(venue="NeurIPS", year=2016)
    response = client.get("/venue/NeurIPS/2016/")
    assert response.status_code == 404
    assert "No paper from NeurIPS 2016 has a summary yet." in response.content.decode()


def test_year_query_count_is_constant(client):
    make_summary(paper=make_paper(venue="NIPS", year=2016))
    one = queries_for(client, "/venue/NIPS/2016/")
    for _ in range(29):
        make_summary(paper=make_paper(venue="NIPS", year=2016))
    assert len(client.get("/venue/NIPS/2016/").context["page"]) == 30
    assert queries_for(client, "/venue/NIPS/2016/") == one == 1  # the page, no count


def test_venue_with_a_slash(client):
    make_summary(paper=make_paper(venue="ACM/IEEE CS", year=2016))
    assert client.get("/venue/ACM/IEEE%20CS/2016/").status_code == 200


@pytest.mark.parametrize(
    ("query", "location"),
    [
        # Straight to the venue's name in the venue table.
        ("key=nips&year=2016", "/venue/NeurIPS/2016/"),
        ("key=ACM%20MM&year=2016", "/venue/ACM%20MM/2016/"),
        ("key=nips", "/venue/NeurIPS/"),
        ("key=nips&year=twenty", "/venue/NeurIPS/"),
        ("", "/venue/"),
    ],
)
def test_old_links_redirect_permanently(client, query, location):
    response = client.get(f"/venue?{query}")
    assert response.status_code == 301
    assert response["Location"] == location
