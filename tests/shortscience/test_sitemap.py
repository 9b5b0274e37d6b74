"""sitemap.xml (an index of sections, each paginated by the framework) and robots.txt."""

import xml.etree.ElementTree as ET
from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.sitemaps import ProfileSitemap
from summaries.models import Summary
from tests.factories import make_paper, make_summary, make_user
from tests.utils import queries_for

pytestmark = pytest.mark.django_db

NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
BASE = "http://testserver"
SECTIONS = ("papers", "venues", "venue-years", "profiles")


def section_url(section):
    return reverse("discovery:sitemap_section", args=[section])


def listed(client, section):
    """{address: lastmod} of one section's first page."""
    response = client.get(section_url(section))
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    return {url.findtext(f"{NS}loc"): url.findtext(f"{NS}lastmod") for url in root.iter(f"{NS}url")}


def test_index_lists_each_section_with_absolute_addresses(client):
    make_summary()
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    assert root.tag == f"{NS}sitemapindex"
    assert [node.findtext(f"{NS}loc") for node in root.iter(f"{NS}sitemap")] == [
        f"{BASE}/sitemap-papers.xml",
        f"{BASE}/sitemap-venues.xml",
        f"{BASE}/sitemap-venue-years.xml",
        f"{BASE}/sitemap-profiles.xml",
        f"{BASE}/sitemap-topics.xml",
    ]


def test_papers_with_public_summaries_dated_by_the_newest(client):
    paper = make_paper("conf/nips/Shown17")
    older = make_summary(paper=paper)
    newer = make_summary(paper=paper)
    hidden = make_summary(paper=paper, is_hidden=True)
    Summary.objects.filter(pk=older.pk).update(created_at=datetime(2021, 1, 1, tzinfo=UTC))
    Summary.objects.filter(pk=newer.pk).update(
        created_at=datetime(2021, 6, 1, tzinfo=UTC), edited_at=datetime(2022, 2, 3, tzinfo=UTC)
    )
    # A hidden summary written later does not date the page: nobody sees it.
    Summary.objects.filter(pk=hidden.pk).update(created_at=datetime(2023, 1, 1, tzinfo=UTC))
    make_summary(paper=make_paper("conf/nips/OnlyPrivate17"), is_private=True)
    make_summary(paper=make_paper("conf/nips/OnlyHidden17"), is_hidden=True)
    make_paper("conf/nips/NoSummary17")

    assert listed(client, "papers") == {f"{BASE}/paper/conf/nips/Shown17/": "2022-02-03"}


def test_venue_years_merge_spellings_and_skip_private_ones(client):
    make_summary(paper=make_paper(venue="NeurIPS", year=2019))
    make_summary(paper=make_paper(venue="neurips", year=2019))
    make_summary(paper=make_paper(venue="neurips", year=2020))
    make_summary(paper=make_paper(venue="ICML", year=2020), is_private=True)
    make_summary(paper=make_paper(venue="", year=2020))
    make_summary(paper=make_paper(venue="Workshop", year=None))

    # Under the spelling the venue list links: the one with the most summaries.
    expected = {f"{BASE}/venue/neurips/2019/", f"{BASE}/venue/neurips/2020/"}
    assert set(listed(client, "venue-years")) == expected
    venue_list = client.get(reverse("papers:venues")).content.decode()
    for url in expected:
        assert f'href="{url.removeprefix(BASE)}"' in venue_list
    for url in listed(client, "venue-years"):
        assert client.get(url.removeprefix(BASE)).status_code == 200


def test_venue_pages_across_years_skip_private_ones(client):
    make_summary(paper=make_paper(venue="NeurIPS", year=2019))
    make_summary(paper=make_paper(venue="NeurIPS", year=2020))
    make_summary(paper=make_paper(venue="ICML", year=2020), is_private=True)

    assert set(listed(client, "venues")) == {f"{BASE}/venue/NeurIPS/"}
    for url in listed(client, "venues"):
        assert client.get(url.removeprefix(BASE)).status_code == 200


def test_profiles_of_signed_authors_only(client):
    signed = make_user("ada")
    make_summary(author=signed)
    make_summary(author=signed, is_anonymous=True)
    make_summary(author=make_user("only-anonymous"), is_anonymous=True)
    make_summary(author=make_user("only-private"), is_private=True)
    make_summary(author=make_user("only-hidden"), is_hidden=True)
    make_summary(author=make_user("left", is_active=False))
    make_user("reader")

    assert set(listed(client, "profiles")) == {f"{BASE}/user/ada/"}
    assert b"only-anonymous" not in client.get(section_url("profiles")).content


def test_listed_pages_exist(client):
    make_summary(
        # Stored as the venue table names it (papers.venues: CoRR is arXiv).
        paper=make_paper("journals/corr/abs-1706-03762", venue="arXiv", year=2017),
        author=make_user("ada"),
    )
    for section in SECTIONS:
        for url in listed(client, section):
            assert client.get(url.removeprefix(BASE)).status_code == 200, url


def test_sections_paginate(client, monkeypatch):
    for n in range(3):
        make_summary(author=make_user(f"writer{n}"))
    # The framework's limit is 50,000 addresses a page; a small one shows the split.
    monkeypatch.setattr(ProfileSitemap, "limit", 2)
    root = ET.fromstring(client.get("/sitemap.xml").content)
    locations = [node.findtext(f"{NS}loc") for node in root.iter(f"{NS}sitemap")]
    assert f"{BASE}/sitemap-profiles.xml?p=2" in locations
    assert len(listed(client, "profiles")) == 2
    page_two = client.get(section_url("profiles") + "?p=2")
    assert page_two.status_code == 200 and b"/user/writer2/" in page_two.content
    assert client.get(section_url("profiles") + "?p=3").status_code == 404


def test_unknown_section_is_404(client):
    assert client.get("/sitemap-nothing.xml").status_code == 404


def test_query_count_is_constant(client):
    make_summary(paper=make_paper(venue="Venue 0", year=2020))
    urls = ["/sitemap.xml", *map(section_url, SECTIONS)]
    one = {url: queries_for(client, url) for url in urls}
    for n in range(1, 30):
        paper = make_paper(venue=f"Venue {n}", year=2000 + n % 5)
        make_summary(paper=paper)
        make_summary(paper=paper, is_anonymous=True)
    assert len(listed(client, "papers")) == 30
    assert {url: queries_for(client, url) for url in urls} == one


def test_robots_txt_points_at_the_sitemap(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert "User-agent: *" in lines
    for path in ("/accounts/", "/summaries/write/", "/admin/", "/search"):
        assert f"Disallow: {path}" in lines
    assert f"Sitemap: {BASE}/sitemap.xml" in lines
    assert "Disallow: /" not in lines


def test_robots_txt_uses_the_host_asked_for(client, settings):
    settings.ALLOWED_HOSTS = ["shortscience.example"]
    response = client.get("/robots.txt", headers={"host": "shortscience.example"}, secure=True)
    assert "Sitemap: https://shortscience.example/sitemap.xml" in response.content.decode()


def test_sections_are_kept_until_a_summary_changes(client):
    summary = make_summary(paper=make_paper("conf/x/Kept1"))
    url = f"{BASE}/paper/conf/x/Kept1/"
    assert url in listed(client, "papers")
    # Built once (above), then answered from the cache without a query.
    assert queries_for(client, section_url("papers"), cached=True) == 0
    # Made private, the paper leaves the sitemap at once, not when the kept copy ages out.
    summary.is_private = True
    summary.save()
    assert url not in listed(client, "papers")


@pytest.mark.parametrize("section", ["papers", "profiles"])
def test_a_deep_page_skips_ids_alone(client, monkeypatch, section):
    """The OFFSET runs over the ids; each address is dated by a lookup of its own
    summaries, made for the page's rows only (shortscience.sitemaps.IdsFirst)."""
    from papers.sitemaps import PaperSitemap

    for n in range(5):
        make_summary(author=make_user(f"deep{n}"))
    monkeypatch.setattr(PaperSitemap, "limit", 2)
    monkeypatch.setattr(ProfileSitemap, "limit", 2)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(section_url(section) + "?p=3")
    assert response.status_code == 200 and response.content.count(b"<url>") == 1
    dated = [q["sql"] for q in queries if "MAX(COALESCE" in q["sql"].upper()]
    assert len(dated) == 1 and "OFFSET" not in dated[0].upper()
    skipped = [q["sql"] for q in queries if "OFFSET" in q["sql"].upper()]
    assert len(skipped) == 1 and "MAX(" not in skipped[0].upper()
