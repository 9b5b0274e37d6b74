"""What pages tell other sites: OpenGraph and Twitter tags, canonical addresses, feed
autodiscovery, and the paper's schema.org data (JSON-LD)."""

import json
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from tests.factories import make_paper, make_summary, make_user

pytestmark = pytest.mark.django_db

BASE = "http://testserver"


class Head(HTMLParser):
    """The <head>'s meta tags, links and JSON-LD, and every script element's text."""

    def __init__(self, html):
        super().__init__()
        self.meta = {}
        self.links = []
        self.scripts = []
        self._in_head = False
        self._script = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "head":
            self._in_head = True
        elif tag == "meta" and self._in_head:
            key = attrs.get("property") or attrs.get("name")
            if key:
                assert key not in self.meta, f"{key} given twice"
                self.meta[key] = attrs.get("content")
        elif tag == "link" and self._in_head:
            self.links.append(attrs)
        elif tag == "script":
            self._script = {"type": attrs.get("type"), "in_head": self._in_head, "text": ""}
            self.scripts.append(self._script)

    def handle_endtag(self, tag):
        if tag == "head":
            self._in_head = False
        elif tag == "script":
            self._script = None

    def handle_data(self, data):
        if self._script is not None:
            self._script["text"] += data

    def rel(self, rel):
        return [link for link in self.links if link.get("rel") == rel]

    def feeds(self):
        return {(link["type"], link["href"]) for link in self.rel("alternate")}

    def json_ld(self):
        return [json.loads(s["text"]) for s in self.scripts if s["type"] == "application/ld+json"]


def head(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return Head(response.content.decode())


SITE_FEEDS = {
    ("application/atom+xml", "/feeds/atom/"),
    ("application/rss+xml", "/feeds/rss/"),
}


def test_homepage_has_site_tags_and_the_site_feed(client):
    page = head(client, "/")
    assert page.meta["og:site_name"] == "ShortScience"
    assert page.meta["og:type"] == "website"
    assert page.meta["og:url"] == f"{BASE}/"
    assert page.meta["og:title"] and page.meta["og:description"]
    assert page.meta["twitter:card"] == "summary"
    assert page.feeds() == SITE_FEEDS
    html = client.get("/").content.decode()
    footer = html[html.index("<footer") :]
    assert 'href="/feeds/atom/"' in footer and 'href="/feeds/rss/"' in footer


def test_paper_page_tags_canonical_feeds_and_link(client):
    paper = make_paper("conf/nips/VaswaniSPUJGKP17", title="Attention Is All You Need")
    make_summary(paper=paper)
    page = head(client, paper.get_absolute_url())
    url = f"{BASE}/paper/conf/nips/VaswaniSPUJGKP17/"
    assert page.meta["og:title"] == "Attention Is All You Need"
    assert page.meta["og:type"] == "article"
    assert page.meta["og:url"] == url
    assert "1 summary of “Attention Is All You Need”" in page.meta["og:description"]
    assert [link["href"] for link in page.rel("canonical")] == [url]
    assert page.feeds() == SITE_FEEDS | {
        ("application/atom+xml", "/feeds/atom/paper/conf/nips/VaswaniSPUJGKP17/"),
        ("application/rss+xml", "/feeds/rss/paper/conf/nips/VaswaniSPUJGKP17/"),
    }
    html = client.get(paper.get_absolute_url()).content.decode()
    main = html[html.index("<main") : html.index("</main>")]
    assert 'href="/feeds/atom/paper/conf/nips/VaswaniSPUJGKP17/"' in main


def test_paper_page_reached_with_a_query_has_the_bare_canonical(client):
    paper = make_paper("conf/x/Y20")
    page = head(client, paper.get_absolute_url() + "?utm_source=elsewhere")
    assert [link["href"] for link in page.rel("canonical")] == [f"{BASE}/paper/conf/x/Y20/"]
    assert page.meta["og:url"] == f"{BASE}/paper/conf/x/Y20/"


def test_paper_json_ld_describes_the_article(client):
    paper = make_paper(
        "conf/nips/VaswaniSPUJGKP17",
        title="Attention Is All You Need",
        authors="Ashish Vaswani, Noam Shazeer",
        venue="NIPS",
        year=2017,
        arxiv_id="1706.03762",
        doi="10.5555/3295222.3295349",
    )
    [data] = head(client, paper.get_absolute_url()).json_ld()
    assert data == {
        "@context": "https://schema.org",
        "@type": "ScholarlyArticle",
        "name": "Attention Is All You Need",
        "author": [
            {"@type": "Person", "name": "Ashish Vaswani"},
            {"@type": "Person", "name": "Noam Shazeer"},
        ],
        "url": f"{BASE}/paper/conf/nips/VaswaniSPUJGKP17/",
        "datePublished": "2017",
        "isPartOf": {"@type": "CreativeWorkSeries", "name": "NIPS"},
        "sameAs": [
            "https://arxiv.org/abs/1706.03762",
            "https://doi.org/10.5555/3295222.3295349",
        ],
    }


def test_json_ld_leaves_out_what_the_paper_lacks(client):
    paper = make_paper("misc/Bare", venue="", year=None)
    [data] = head(client, paper.get_absolute_url()).json_ld()
    assert "datePublished" not in data and "isPartOf" not in data and "sameAs" not in data


def test_a_title_cannot_break_out_of_the_json_ld(client):
    title = '</script><script>alert("x")</script><!-- & "quotes"'
    paper = make_paper("conf/evil/Title20", title=title, authors="A </script> B")
    html = client.get(paper.get_absolute_url()).content.decode()
    page = Head(html)
    # The only script elements are the page's own files and the one JSON-LD block.
    assert [s for s in page.scripts if s["type"] is None and s["text"]] == []
    [data] = page.json_ld()
    assert data["name"] == title
    assert data["author"] == [{"@type": "Person", "name": "A </script> B"}]
    assert html.count("<script") == html.count("</script>") == len(page.scripts)
    assert "<script>alert" not in html


def test_summary_page_tags_and_canonical(client):
    paper = make_paper(title="Deep Residual Learning", venue="CVPR", year=2016)
    summary = make_summary(paper=paper, author=make_user("ada"))
    page = head(client, summary.get_absolute_url())
    url = f"{BASE}/summaries/{summary.pk}/"
    assert page.meta["og:title"] == "ada on “Deep Residual Learning”"
    assert page.meta["og:type"] == "article"
    assert page.meta["og:url"] == url
    assert page.meta["og:description"].startswith("A summary of “Deep Residual Learning”")
    assert [link["href"] for link in page.rel("canonical")] == [url]


def test_anonymous_summary_page_tags_name_nobody(client):
    summary = make_summary(author=make_user("secretive-sam"), is_anonymous=True)
    page = head(client, summary.get_absolute_url())
    assert page.meta["og:title"].startswith("Anonymous on ")
    assert not any("secretive-sam" in (value or "") for value in page.meta.values())
    assert not any("secretive-sam" in link.get("href", "") for link in page.links)


def test_profile_tags_feeds_and_link(client):
    person = make_user("ada", display_name="Ada Lovelace")
    make_summary(author=person)
    page = head(client, person.get_absolute_url())
    assert page.meta["og:title"] == "Ada Lovelace"
    assert page.meta["og:type"] == "profile"
    assert page.meta["og:url"] == f"{BASE}/user/ada/"
    assert page.feeds() == SITE_FEEDS | {
        ("application/atom+xml", "/feeds/atom/user/ada/"),
        ("application/rss+xml", "/feeds/rss/user/ada/"),
    }
    html = client.get(person.get_absolute_url()).content.decode()
    main = html[html.index("<main") : html.index("</main>")]
    assert 'href="/feeds/atom/user/ada/"' in main


def test_venue_year_page_offers_the_venue_feed(client):
    make_summary(paper=make_paper(venue="ACM/IEEE CS", year=2016))
    url = reverse("papers:venue_year", args=["acm/ieee cs", 2016])
    page = head(client, url)
    assert page.meta["og:title"] == "ACM/IEEE CS 2016"
    assert page.feeds() == SITE_FEEDS | {
        ("application/atom+xml", "/feeds/atom/venue/ACM/IEEE%20CS/"),
        ("application/rss+xml", "/feeds/rss/venue/ACM/IEEE%20CS/"),
    }
    html = client.get(url).content.decode()
    main = html[html.index("<main") : html.index("</main>")]
    assert 'href="/feeds/atom/venue/ACM/IEEE%20CS/"' in main
    # The feed it points at exists.
    assert client.get("/feeds/atom/venue/ACM/IEEE%20CS/").status_code == 200


def test_empty_venue_year_offers_no_venue_feed(client):
    response = client.get(reverse("papers:venue_year", args=["Nowhere", 2016]))
    assert response.status_code == 404
    page = Head(response.content.decode())
    assert page.feeds() == SITE_FEEDS
    assert "/feeds/atom/venue/" not in response.content.decode()
