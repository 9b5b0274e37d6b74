"""The venue pages: venues with their summary counts, and one venue's papers of a year."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from tests.factories import make_paper, make_summary, make_user
from tests.utils import queries_for

pytestmark = pytest.mark.django_db


def test_urls_take_any_venue_name():
    assert reverse("papers:venues") == "/venue/"
    assert reverse("papers:venue_year", args=["NIPS", 2016]) == "/venue/NIPS/2016/"
    assert reverse("papers:venue_year", args=["ACM/IEEE CS", 2016]) == "/venue/ACM/IEEE%20CS/2016/"


def venue_rows(client):
    """The venue list's rows as printed: name, count, and each year's link and title."""
    response = client.get("/venue/")
    assert response.status_code == 200
    body = response.content.decode().split("<tbody>")[-1].split("</tbody>")[0]
    return [
        (
            re.search(r'class="venue-name"><a [^>]*>([^<]*)</a>', row)[1],
            re.search(r'class="venue-count">([^<]*)<', row)[1],
            re.findall(r'<a href="[^"]*" title="([^"]*)">(\d+)</a>', row),
        )
        for row in body.split("</tr>")[:-1]
    ]


def test_list_counts_public_summaries_only(client):
    nips16 = make_paper(venue="NIPS", year=2016)
    make_summary(paper=nips16)
    make_summary(paper=nips16)
    make_summary(paper=nips16, is_private=True)
    make_summary(paper=make_paper(venue="nips", year=2017))
    make_summary(paper=make_paper(venue="ICML", year=2015), is_private=True)
    make_summary(paper=make_paper(venue="", year=2015))
    make_paper(venue="CVPR", year=2017)  # no summaries at all

    # One row per venue whatever its case, printed in one of its spellings.
    assert venue_rows(client) == [("NIPS", "3", [("1 summary", "2017"), ("2 summaries", "2016")])]
    html = client.get("/venue/").content.decode()
    assert 'href="/venue/NIPS/2016/"' in html and 'href="/venue/NIPS/2017/"' in html
    assert "ICML" not in html and "CVPR" not in html


def test_list_counts_papers_without_year_but_links_no_year(client):
    make_summary(paper=make_paper(venue="Workshop", year=None))
    make_summary(paper=make_paper(venue="Workshop", year=2019))
    assert venue_rows(client) == [("Workshop", "2", [("1 summary", "2019")])]


def test_list_query_count_is_constant(client):
    make_summary(paper=make_paper(venue="Venue 0", year=2020))
    one = queries_for(client, "/venue/")
    for n in range(1, 30):
        paper = make_paper(venue=f"Venue {n}", year=2000 + n % 5)
        make_summary(paper=paper)
        make_summary(paper=paper, is_private=True)
    assert len(venue_rows(client)) == 30
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
    make_summary(paper=make_paper(venue="ACM/IEEE CS & AI?", year=2016))
    year_url = reverse("papers:venue_year", args=["ACM/IEEE CS & AI?", 2016])
    assert client.get(year_url).status_code == 200
    # The lists make the year's address from the venue's: the same as reverse() gives.
    venue_url = reverse("papers:venue", args=["ACM/IEEE CS & AI?"])
    for page in ("/venue/", venue_url):
        html = client.get(page).content.decode()
        assert f'href="{escape(year_url)}"' in html
        assert f'href="{escape(venue_url)}"' in html or page == venue_url


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


# A venue across its years --------------------------------------------------------------


def test_venue_page_lists_papers_with_public_summaries_newest_first(client):
    old = make_paper(venue="NeurIPS", year=2016, title="Old one")
    make_summary(paper=old)
    new = make_paper(venue="NeurIPS", year=2020, title="New one")
    make_summary(paper=new)
    make_summary(paper=new)
    make_summary(paper=make_paper(venue="NeurIPS", year=2018, title="Private"), is_private=True)
    make_paper(venue="NeurIPS", year=2019, title="Unsummarized")
    make_summary(paper=make_paper(venue="ICML", year=2020, title="Elsewhere"))

    response = client.get("/venue/NeurIPS/")
    assert response.status_code == 200
    assert [p.title for p in response.context["page"]] == ["New one", "Old one"]
    html = response.content.decode()
    assert "<title>NeurIPS · " in html
    assert "Conference on Neural Information Processing Systems" in html  # its full name
    assert "3 summaries of papers from 2 years." in html
    assert 'href="/venue/NeurIPS/2020/"' in html and 'href="/venue/NeurIPS/2016/"' in html
    assert "2 summaries" in html and "1 summary" in html
    assert "Private" not in html and "Unsummarized" not in html and "Elsewhere" not in html
    # "NeurIPS 2020", the year once.
    assert 'href="/venue/NeurIPS/">NeurIPS</a> 2020<' in html


def test_venue_page_redirects_other_spellings_to_the_venues_name(client):
    long_name = "Advances%20in%20Neural%20Information%20Processing%20Systems"
    for path in ["/venue/NIPS/", "/venue/nips/", "/venue/neurips/", f"/venue/{long_name}/"]:
        response = client.get(path)
        assert response.status_code == 301, path
        assert response["Location"] == "/venue/NeurIPS/"
    assert client.get("/venue/nips/?page=2")["Location"] == "/venue/NeurIPS/?page=2"


def test_year_page_redirects_other_spellings_when_they_find_nothing(client):
    make_summary(paper=make_paper(venue="NeurIPS", year=2016))
    response = client.get("/venue/nips/2016/")
    assert response.status_code == 301
    assert response["Location"] == "/venue/NeurIPS/2016/"
    assert client.get("/venue/NeurIPS/2016/").status_code == 200


def test_known_venue_without_summaries_says_so(client):
    make_paper(venue="CoRL", year=2020)
    response = client.get("/venue/CoRL/")
    assert response.status_code == 200
    assert "No paper from CoRL has a summary yet." in response.content.decode()


def test_unknown_venue_is_a_clear_404(client):
    make_paper(venue="My Workshop", year=2020)  # no public summary
    response = client.get("/venue/My%20Workshop/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "No paper from “My Workshop” has a summary here." in html
    assert "<title>My Workshop · " in html
    assert client.get("/venue/Nothing%20at%20all/").status_code == 404


def test_venue_outside_the_table_with_a_slash_has_a_page(client):
    make_summary(paper=make_paper(venue="ACM/IEEE CS", year=2016))
    make_summary(paper=make_paper(venue="acm/ieee cs", year=2017))
    assert reverse("papers:venue", args=["ACM/IEEE CS"]) == "/venue/ACM/IEEE%20CS/"
    response = client.get("/venue/ACM/IEEE%20CS/")
    assert response.status_code == 200
    assert len(response.context["page"]) == 2  # whatever their case
    # Still the year page where the address ends in a year.
    assert client.get("/venue/ACM/IEEE%20CS/2016/").context["year"] == 2016


def test_venue_page_is_paginated_and_its_query_count_is_constant(client, monkeypatch):
    monkeypatch.setattr("papers.views.VENUE_PAGE_SIZE", 3)
    make_summary(paper=make_paper(venue="ICLR", year=2015, title="Paper 0"))
    one = queries_for(client, "/venue/ICLR/")
    for n in range(1, 8):
        paper = make_paper(venue="ICLR", year=2015 + n, title=f"Paper {n}")
        make_summary(paper=paper)
        make_summary(paper=paper, is_private=True)
    assert queries_for(client, "/venue/ICLR/") == one
    assert queries_for(client, "/venue/ICLR/?page=3") == one
    # The alias lookup, the years, the ids, the page's papers.
    assert one == 4
    first = client.get("/venue/ICLR/")
    assert [p.title for p in first.context["page"]] == ["Paper 7", "Paper 6", "Paper 5"]
    last = client.get("/venue/ICLR/?page=3").content.decode()  # cached: no context
    assert "Paper 1<" in last and "Paper 0<" in last and "Paper 2<" not in last
    html = first.content.decode()
    assert "page 1 of 3" in html and 'href="/venue/ICLR/?page=2"' in html


def test_venue_page_lists_at_most_its_newest_papers(client, monkeypatch):
    monkeypatch.setattr("papers.views.VENUE_MAX_PAPERS", 2)
    for n in range(3):
        make_summary(paper=make_paper(venue="ICLR", year=2015 + n, title=f"Paper {n}"))
    html = client.get("/venue/ICLR/").content.decode()
    assert "Paper 2<" in html and "Paper 1<" in html and "Paper 0<" not in html
    assert "The newest 2 papers are listed here" in html


def test_venue_page_is_cached_for_visitors_until_a_summary_changes(client):
    summary = make_summary(paper=make_paper(venue="ICLR", year=2016, title="Kept"))
    assert queries_for(client, "/venue/ICLR/") == 4
    assert queries_for(client, "/venue/ICLR/", cached=True) == 1  # the alias lookup
    summary.is_private = True
    summary.save()
    assert "Kept" not in client.get("/venue/ICLR/").content.decode()


# Venue names as links --------------------------------------------------------------------

VENUE_LINK = '<a class="venue-link" href="/venue/NeurIPS/">NeurIPS</a> 2020'


def test_venue_links_on_the_pages_that_show_papers(client):
    from tests.factories import make_user

    paper = make_paper(venue="NeurIPS", year=2020, title="Linked paper")
    summary = make_summary(paper=paper, author=make_user("ada"), body="Linked summary " * 10)
    pages = [
        paper.get_absolute_url(),
        summary.get_absolute_url(),
        "/",  # the feed's cards
        "/user/ada/",  # the profile's cards
        "/search?q=linked",
        "/venue/NeurIPS/2020/",
        "/venue/NeurIPS/",
    ]
    for path in pages:
        html = client.get(path).content.decode()
        assert VENUE_LINK in html, path
    # The year page's breadcrumb leads to the venue across years.
    html = client.get("/venue/NeurIPS/2020/").content.decode()
    assert '<a href="/venue/NeurIPS/">NeurIPS<span class="visually-hidden">, all years' in html
    # And the list of venues links each.
    assert '<a href="/venue/NeurIPS/">NeurIPS</a>' in client.get("/venue/").content.decode()


def test_a_venue_that_names_its_year_shows_it_once(client):
    paper = make_paper(venue="ICML 2019 Workshop", year=2019)
    assert "2019 Workshop</a> 2019" in client.get(paper.get_absolute_url()).content.decode()
    paper = make_paper(venue="Workshop ICML 2019", year=2019)
    html = client.get(paper.get_absolute_url()).content.decode()
    assert "Workshop ICML 2019</a>" in html and "Workshop ICML 2019</a> 2019" not in html


def test_feed_of_another_spelling_finds_the_venue(client):
    make_summary(paper=make_paper(venue="NeurIPS", year=2020, title="In the feed"))
    response = client.get("/feeds/rss/venue/nips/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "In the feed" in body and "<link>http://testserver/venue/NeurIPS/</link>" in body


def test_a_reader_s_venue_page_reads_only_its_papers_until_a_summary_changes(client):
    summary = make_summary(paper=make_paper(venue="ICLR", year=2016, title="Kept"))
    client.force_login(make_user())

    def venue_reads():
        """The page's reads of the venue: its years, its ids, its page."""
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/venue/ICLR/").status_code == 200
        tables = ('FROM "papers_paper"', 'FROM "papers_venueyear"')
        return [q["sql"] for q in queries if any(table in q["sql"] for table in tables)]

    assert len(venue_reads()) == 3
    # The years and the ids from the cache: only the page's papers are read.
    (page,) = venue_reads()
    assert '"papers_paper"."id" IN (' in page
    make_summary(paper=make_paper(venue="ICLR", year=2017, title="Newer"))
    html = client.get("/venue/ICLR/").content.decode()
    assert "Newer" in html and "/venue/ICLR/2017/" in html
    summary.is_private = True
    summary.save()
    assert "Kept" not in client.get("/venue/ICLR/").content.decode()


def test_a_reader_s_venue_list_is_kept_until_a_summary_changes(client):
    make_summary(paper=make_paper(venue="NIPS", year=2016))
    client.force_login(make_user())

    def reads_venue_years():
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/venue/").status_code == 200
        return sum('FROM "papers_venueyear"' in q["sql"] for q in queries)

    assert reads_venue_years() == 1
    assert reads_venue_years() == 0  # the table from the cache
    make_summary(paper=make_paper(venue="ICML", year=2017))
    assert reads_venue_years() == 1
    assert [name for name, _, _ in venue_rows(client)] == ["ICML", "NIPS"]
