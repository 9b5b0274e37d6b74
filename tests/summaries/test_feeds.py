"""RSS and Atom feeds of public summaries: site-wide, per paper, per user, per venue."""

import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from markup import feed as markup_feed
from markup.feed import feed_html
from summaries.feeds import FEED_SIZE
from summaries.models import Summary
from tests.factories import make_paper, make_summary, make_user
from tests.utils import queries_for

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
DC_CREATOR = "{http://purl.org/dc/elements/1.1/}creator"
FORMATS = ("rss", "atom")
BASE = "http://testserver"


def entries(response):
    """The feed's entries, read the same way from either format."""
    assert response.status_code == 200, response.status_code
    root = ET.fromstring(response.content)
    if root.tag == "rss":
        assert response["Content-Type"].startswith("application/rss+xml")
        return [
            {
                "title": item.findtext("title"),
                "link": item.findtext("link"),
                "author": item.findtext(DC_CREATOR),
                "body": item.findtext("description"),
                "published": item.findtext("pubDate"),
            }
            for item in root.iter("item")
        ]
    assert root.tag == f"{ATOM}feed"
    assert response["Content-Type"].startswith("application/atom+xml")
    return [
        {
            "title": entry.findtext(f"{ATOM}title"),
            "link": entry.find(f"{ATOM}link").get("href"),
            "author": entry.findtext(f"{ATOM}author/{ATOM}name"),
            "author_uri": entry.findtext(f"{ATOM}author/{ATOM}uri"),
            "body": entry.findtext(f"{ATOM}summary"),
            "published": entry.findtext(f"{ATOM}published"),
            "updated": entry.findtext(f"{ATOM}updated"),
        }
        for entry in root.iter(f"{ATOM}entry")
    ]


def feed_urls(summary):
    """Every feed the summary belongs in, in both formats."""
    paper = summary.paper
    urls = []
    for fmt in FORMATS:
        urls += [
            reverse(f"feeds:{fmt}"),
            reverse(f"feeds:paper_{fmt}", args=[paper.bibtex_key]),
            reverse(f"feeds:venue_{fmt}", args=[paper.venue]),
        ]
        if not summary.is_anonymous:
            urls.append(reverse(f"feeds:user_{fmt}", args=[summary.author.username]))
    return urls


def test_urls_put_the_format_before_keys_with_slashes():
    assert reverse("feeds:rss") == "/feeds/rss/"
    assert reverse("feeds:atom") == "/feeds/atom/"
    assert reverse("feeds:paper_atom", args=["conf/nips/X17"]) == "/feeds/atom/paper/conf/nips/X17/"
    assert reverse("feeds:user_rss", args=["ada"]) == "/feeds/rss/user/ada/"
    assert reverse("feeds:venue_rss", args=["ACM/IEEE CS"]) == "/feeds/rss/venue/ACM/IEEE%20CS/"


def test_every_feed_parses_and_carries_the_math(client):
    paper = make_paper("conf/icml/Square20", title="Squares", venue="ICML")
    summary = make_summary(paper=paper, author=make_user("ada"), body="We minimise $x^2$ here.")
    for url in feed_urls(summary):
        [entry] = entries(client.get(url))
        assert entry["title"] == "Summary of Squares by ada", url
        assert entry["link"] == f"{BASE}/summaries/{summary.pk}/", url
        assert "We minimise" in entry["body"], url
        # MathML for readers, and none of the KaTeX HTML they could not draw.
        assert "<math" in entry["body"] and "<msup>" in entry["body"], url
        assert "katex-html" not in entry["body"], url


def test_entry_has_author_dates_and_edit_time(client):
    author = make_user("ada", display_name="Ada Lovelace")
    summary = make_summary(author=author)
    written = datetime(2024, 3, 1, 12, 0, tzinfo=UTC)
    edited = datetime(2024, 5, 2, 8, 30, tzinfo=UTC)
    Summary.objects.filter(pk=summary.pk).update(created_at=written, edited_at=edited)

    [rss] = entries(client.get(reverse("feeds:rss")))
    assert rss["author"] == "Ada Lovelace"
    assert rss["published"] == "Fri, 01 Mar 2024 12:00:00 +0000"

    [atom] = entries(client.get(reverse("feeds:atom")))
    assert atom["author"] == "Ada Lovelace"
    assert atom["author_uri"] == f"{BASE}/user/ada/"
    assert atom["published"] == "2024-03-01T12:00:00+00:00"
    assert atom["updated"] == "2024-05-02T08:30:00+00:00"


def test_unedited_entry_is_updated_when_written(client):
    # Atom requires <updated> on every entry.
    make_summary()
    [atom] = entries(client.get(reverse("feeds:atom")))
    assert atom["updated"] == atom["published"]


def test_private_and_hidden_summaries_are_in_no_feed(client):
    author = make_user("ada")
    paper = make_paper(venue="ICML")
    shown = make_summary(paper=paper, author=author, body="Shown to all.")
    make_summary(paper=paper, author=make_user(), body="Private notes.", is_private=True)
    make_summary(paper=paper, author=make_user(), body="Hidden by a moderator.", is_hidden=True)
    # The same author's private and hidden summaries of other papers, for the user feed.
    make_summary(
        paper=make_paper(venue="ICML"), author=author, body="Mine, private.", is_private=True
    )
    make_summary(
        paper=make_paper(venue="ICML"), author=author, body="Mine, hidden.", is_hidden=True
    )
    for url in feed_urls(shown):
        response = client.get(url)
        assert [e["body"] for e in entries(response)] == ["<p>Shown to all.</p>"], url
        for text in (b"Private notes", b"Hidden by", b"Mine, private", b"Mine, hidden"):
            assert text not in response.content, url


def test_anonymous_summary_never_names_its_author(client):
    author = make_user("secretive-sam", display_name="Samantha Secret")
    paper = make_paper(venue="ICML")
    anonymous = make_summary(
        paper=paper, author=author, body="Said without a name.", is_anonymous=True
    )
    for url in feed_urls(anonymous):
        response = client.get(url)
        [entry] = entries(response)
        assert entry["author"] == "Anonymous", url
        assert entry["title"].endswith(" by Anonymous"), url
        assert entry.get("author_uri") is None, url
        assert b"secretive-sam" not in response.content, url
        assert b"Samantha" not in response.content, url


def test_user_feed_leaves_out_anonymous_summaries(client):
    author = make_user("ada")
    make_summary(author=author, body="Signed.")
    make_summary(author=author, body="Unsigned.", is_anonymous=True)
    for fmt in FORMATS:
        response = client.get(reverse(f"feeds:user_{fmt}", args=["ada"]))
        assert [e["body"] for e in entries(response)] == ["<p>Signed.</p>"]
        assert b"Unsigned" not in response.content


def test_paper_feed_has_that_papers_summaries_only(client):
    paper = make_paper("conf/nips/Mine17", arxiv_id="1706.03762")
    make_summary(paper=paper, body="About this one.")
    make_summary(body="About another paper.")
    for name in ("conf/nips/Mine17", "CONF/NIPS/MINE17", "1706.03762"):
        response = client.get(reverse("feeds:paper_atom", args=[name]))
        assert [e["body"] for e in entries(response)] == ["<p>About this one.</p>"], name
    rss = client.get(reverse("feeds:paper_rss", args=[paper.bibtex_key]))
    assert [e["body"] for e in entries(rss)] == ["<p>About this one.</p>"]


def test_venue_feed_matches_any_case_and_every_year(client):
    make_summary(paper=make_paper(venue="NeurIPS", year=2019), body="Old.")
    make_summary(paper=make_paper(venue="neurips", year=2023), body="New.")
    make_summary(paper=make_paper(venue="ICML", year=2023), body="Elsewhere.")
    for fmt in FORMATS:
        response = client.get(reverse(f"feeds:venue_{fmt}", args=["NEURIPS"]))
        assert [e["body"] for e in entries(response)] == ["<p>New.</p>", "<p>Old.</p>"]


def test_feeds_list_the_newest_summaries_first_and_stop_at_the_limit(client):
    old = make_summary(body="The oldest.")
    Summary.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=1))
    for n in range(FEED_SIZE):
        make_summary(body=f"Number {n}.")
    bodies = [e["body"] for e in entries(client.get(reverse("feeds:rss")))]
    assert len(bodies) == FEED_SIZE
    assert bodies[0] == f"<p>Number {FEED_SIZE - 1}.</p>"
    assert "<p>The oldest.</p>" not in bodies


@pytest.mark.parametrize(
    "name, args",
    [
        ("paper_rss", ["conf/nope/Missing99"]),
        ("paper_atom", ["not a key at all"]),
        ("user_rss", ["nobody"]),
        ("user_atom", ["nobody"]),
        ("venue_rss", ["Nowhere"]),
        ("venue_atom", ["Nowhere"]),
    ],
)
def test_unknown_paper_user_or_venue_is_404(client, name, args):
    assert client.get(reverse(f"feeds:{name}", args=args)).status_code == 404


def test_inactive_user_and_venue_with_only_private_summaries_are_404(client):
    make_user("gone", is_active=False)
    make_summary(paper=make_paper(venue="Secret Workshop"), is_private=True)
    make_summary(paper=make_paper(venue="Hidden Workshop"), is_hidden=True)
    assert client.get(reverse("feeds:user_rss", args=["gone"])).status_code == 404
    assert client.get(reverse("feeds:venue_rss", args=["Secret Workshop"])).status_code == 404
    assert client.get(reverse("feeds:venue_atom", args=["Hidden Workshop"])).status_code == 404


def test_user_without_summaries_has_an_empty_feed(client):
    make_user("quiet")
    assert entries(client.get(reverse("feeds:user_atom", args=["quiet"]))) == []


def test_old_rss_address_redirects_for_good(client):
    response = client.get("/rss.xml")
    assert response.status_code == 301
    assert response["Location"] == reverse("feeds:rss")


def test_feeds_say_when_they_last_changed(client):
    summary = make_summary()
    edited = datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC)
    Summary.objects.filter(pk=summary.pk).update(edited_at=edited)
    response = client.get(reverse("feeds:atom"))
    assert response["Last-Modified"] == "Wed, 02 Jan 2030 03:04:05 GMT"


def test_query_count_is_constant(client):
    author = make_user("ada")
    paper = make_paper("conf/icml/Busy20", venue="ICML")
    make_summary(paper=paper, author=author)
    urls = feed_urls(Summary.objects.get())
    one = {url: queries_for(client, url) for url in urls}
    for _ in range(24):
        # One paper has one summary per author: more summaries of it need more authors,
        # and the user feed needs more of the author's papers.
        make_summary(paper=paper)
        make_summary(paper=make_paper(venue="ICML"), author=author, body="With $y^3$.")
    for url in urls:
        assert len(entries(client.get(url))) == FEED_SIZE, url
    assert {url: queries_for(client, url) for url in urls} == one
    assert max(one.values()) <= 2


# The transformation of stored HTML for feed readers.

KATEX_X2 = (
    '<span class="katex"><span class="katex-mathml"><math xmlns="http://www.w3.org/1998/Math/'
    'MathML"><semantics><mrow><msup><mi>x</mi><mn>2</mn></msup></mrow><annotation encoding='
    '"application/x-tex">x^2</annotation></semantics></math></span><span class="katex-html" '
    'aria-hidden="true"><span class="katex-base"><span class="mord">x</span><span class="msupsub">'
    '<span class="vlist" style="height:0.8em">2</span></span></span></span></span>'
)


def test_feed_html_keeps_mathml_and_drops_katex_html():
    html = f"<p>Before {KATEX_X2} after &amp; &lt;tag&gt; &#169;.</p>"
    out = feed_html(html, f"{BASE}/summaries/1/")
    assert out == (
        '<p>Before <span class="katex"><span class="katex-mathml"><math xmlns="http://www.w3.org/'
        '1998/Math/MathML"><semantics><mrow><msup><mi>x</mi><mn>2</mn></msup></mrow><annotation '
        'encoding="application/x-tex">x^2</annotation></semantics></math></span></span> after '
        "&amp; &lt;tag&gt; &#169;.</p>"
    )


def test_feed_html_drops_the_svg_of_display_math_too():
    from markup.render import render

    html = render("Root: $$\\sqrt{a}$$ and text after.")
    assert "<svg" in html and "katex-html" in html
    out = feed_html(html, f"{BASE}/summaries/1/")
    assert "<svg" not in out and "katex-html" not in out and "<path" not in out
    assert "<msqrt>" in out and "and text after." in out


def test_feed_html_makes_relative_links_absolute():
    html = (
        '<p><a href="/paper/conf/x/Y20/" class="citation">Y</a> '
        '<a href="#fn:1">1</a> <a href="https://example.org/?a=1&amp;b=2">ext</a> '
        '<a href="mailto:a@example.org">mail</a> '
        '<img src="/static/a.png" alt="a &quot;b&quot;"/></p>'
    )
    out = feed_html(html, f"{BASE}/summaries/7/")
    assert f'<a href="{BASE}/paper/conf/x/Y20/" class="citation">Y</a>' in out
    assert f'<a href="{BASE}/summaries/7/#fn:1">1</a>' in out
    assert '<a href="https://example.org/?a=1&amp;b=2">ext</a>' in out
    assert '<a href="mailto:a@example.org">mail</a>' in out
    assert f'<img src="{BASE}/static/a.png" alt="a &quot;b&quot;"/>' in out


def test_feed_html_re_escapes_rewritten_attributes():
    # An attribute value that decodes to markup must come out escaped again.
    html = '<a href="/x?q=&quot;&gt;&lt;script&gt;" title="&lt;b&gt;">x</a>'
    out = feed_html(html, f"{BASE}/")
    assert "<script" not in out and "<b>" not in out
    assert out == f'<a href="{BASE}/x?q=&quot;&gt;&lt;script&gt;" title="&lt;b&gt;">x</a>'


def test_long_summaries_are_carried_as_excerpts_and_the_feed_stays_small(client):
    # Each of these renders to about half a megabyte; the feed carries their excerpts.
    heavy = "\n\n".join(" ".join(["$x_i^2 + y_j$"] * 40) for _ in range(10))
    for n in range(FEED_SIZE):
        make_summary(paper=make_paper(f"conf/heavy/P{n}"), body=heavy)
    assert len(Summary.objects.first().body_html) > 400_000
    for url in (reverse("feeds:rss"), reverse("feeds:atom")):
        response = client.get(url)
        assert len(response.content) < 300_000, (url, len(response.content))
        found = entries(response)
        assert len(found) == FEED_SIZE
        assert all("Read the whole summary" in entry["body"] for entry in found)


def test_an_entry_is_made_fit_for_readers_once_and_again_when_its_text_changes(client, monkeypatch):
    made = []
    real = markup_feed.feed_html
    monkeypatch.setattr(markup_feed, "feed_html", lambda *a: made.append(a) or real(*a))
    summary = make_summary(body="A first text with $x^2$, long enough to be a summary.")
    url = reverse("feeds:rss")
    first = client.get(url).content.decode()
    assert len(made) == 1
    assert client.get(url).content.decode() == first
    assert len(made) == 1  # the second request reused the kept entry
    summary.body = "A second text, with $y^2$, long enough to be a summary."
    summary.save()
    assert "A second text" in client.get(url).content.decode()
    assert len(made) == 2
