"""The pages `bench/pages.py` measures, chosen from the generated data, and the
logged-in reader some of them are measured as."""

import html
import re
import urllib.parse
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import override_settings
from django.urls import reverse

BASELINE = "baseline"
# The baseline is measured again at the end of each pass: the mean of both runs is the
# reference, and their difference shows how much the machine's load moved meanwhile.
BASELINE_AGAIN = "baseline again"
EMPTY = "empty"
HOMEPAGE = "homepage"
READER_HOMEPAGE = "homepage reader"
SECOND = "page 2"
DEEPEST = "deepest page"
PAPER = "paper"
BUSIEST_PAPER = "busiest paper"
PROFILE = "profile"
VENUE = "venue"
SEARCH = "search"
FEED = "rss"


@dataclass
class Page:
    name: str
    path: str
    # Another page of the same kind, whose query count must be the same; or None.
    other: str | None = None
    # Measured as the logged-in reader rather than as a visitor.
    as_reader: bool = False


@dataclass
class Reader:
    username: str
    # The cookies a logged-in browser sends: the session, and the CSRF cookie the
    # first page gave it (without it, each answer would set a new one).
    cookies: dict

    def header(self):
        return "; ".join(f"{name}={value}" for name, value in self.cookies.items())

    def client(self):
        client = Client()
        for name, value in self.cookies.items():
            client.cookies[name] = value
        return client


def log_in_reader():
    """A session in the database for the user who has voted the most (so the pages'
    "you voted" marks have something to show), made the way a login makes it."""
    from accounts.models import User

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT user_id FROM summaries_vote GROUP BY user_id ORDER BY count(*) DESC, user_id "
            "LIMIT 1"
        )
        row = cursor.fetchone()
    user = User.objects.get(pk=row[0]) if row else User.objects.order_by("pk").first()
    client = Client()
    client.force_login(user)
    client.get(reverse("summaries:home"))
    cookies = {
        name: client.cookies[name].value
        for name in (settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME)
        if name in client.cookies
    }
    reader = Reader(user.username, cookies)
    page = reader.client().get(reverse("summaries:home"))
    if user.username.encode() not in page.content:
        raise RuntimeError(f"the session cookie does not log {user.username} in")
    return reader


LINK = re.compile(r"<a\b[^>]*>", re.IGNORECASE)
HREF = re.compile(r"""\bhref\s*=\s*["']([^"']*)["']""", re.IGNORECASE)
PAGE_NUMBER = re.compile(r"[?&]page=(\d+)(?:&|$)")


def links(page_html, base="/"):
    """(tag, absolute path) of each link in the page."""
    for tag in LINK.findall(page_html):
        if href := HREF.search(tag):
            yield tag, urllib.parse.urljoin(base, html.unescape(href.group(1)))


def next_page_link(page_html, base="/"):
    """The path of the pager's next page (rel="next"), or None."""
    for tag, target in links(page_html, base):
        if re.search(r"""\brel\s*=\s*["'][^"']*\bnext\b""", tag):
            return target
    return None


def deepest_page_link(page_html, base="/"):
    """The path of the last page the homepage's pager links to: the link marked
    `data-pager="last"`, or else (a numbered pager) the highest `?page=N`. None when
    the pager links nowhere deeper."""
    numbered = []
    for tag, target in links(page_html, base):
        if re.search(r"""\bdata-pager\s*=\s*["']last["']""", tag):
            return target
        if number := PAGE_NUMBER.search(target):
            numbered.append((int(number.group(1)), target))
    if not numbered:
        return None
    number, target = max(numbered)
    return target if number > 1 else None


def homepage_html():
    with override_settings(FRAGMENT_CACHE_SECONDS=0):
        response = Client().get(reverse("summaries:home"))
    if response.status_code != 200:
        raise RuntimeError(f"the homepage answered {response.status_code}")
    return response.content.decode()


def choose_pages(paper_summaries, query):
    """Every page measured, baseline first; the deepest page is left out when the
    homepage has no second page."""
    with connection.cursor() as cursor:
        # A paper with the asked number of public summaries, with about three comments
        # each (the average).
        cursor.execute(
            """
            SELECT p.bibtex_key FROM papers_paper p
            JOIN summaries_summary s ON s.paper_id = p.id AND NOT s.is_private AND NOT s.is_hidden
            LEFT JOIN summaries_comment c ON c.summary_id = s.id
            GROUP BY p.id
            ORDER BY abs(count(DISTINCT s.id) - %s), abs(count(c.id) - 3 * %s), p.id
            LIMIT 1
            """,
            [paper_summaries, paper_summaries],
        )
        (paper,) = cursor.fetchone()
        # The paper with the most public summaries. Its venue-year page is the one
        # measured: it lists that paper first.
        cursor.execute(
            "SELECT p.bibtex_key, p.venue, p.year FROM papers_paper p "
            "JOIN summaries_summary s ON s.paper_id = p.id "
            "WHERE NOT s.is_private AND NOT s.is_hidden "
            "GROUP BY p.id ORDER BY count(*) DESC, p.id LIMIT 1"
        )
        busiest_paper, venue, year = cursor.fetchone()
        # The most prolific author (a full first page of summaries on the profile), and
        # one with a single public summary.
        cursor.execute(
            """
            SELECT u.username FROM accounts_user u JOIN summaries_summary s ON s.author_id = u.id
            WHERE NOT s.is_private AND NOT s.is_hidden AND NOT s.is_anonymous
            GROUP BY u.id ORDER BY count(*) DESC, u.id
            """
        )
        authors = [username for (username,) in cursor.fetchall()]
        if not venue:
            # The busiest venue-year instead.
            cursor.execute(
                "SELECT p.venue, p.year FROM papers_paper p "
                "JOIN summaries_summary s ON s.paper_id = p.id "
                "WHERE NOT s.is_private AND NOT s.is_hidden AND p.venue <> '' "
                "GROUP BY p.venue, p.year ORDER BY count(*) DESC, p.venue, p.year LIMIT 1"
            )
            venue, year = cursor.fetchone()
        # For comparison, the quietest venue-year.
        cursor.execute(
            "SELECT p.venue, p.year FROM papers_paper p "
            "JOIN summaries_summary s ON s.paper_id = p.id "
            "WHERE NOT s.is_private AND NOT s.is_hidden AND p.venue <> '' "
            "GROUP BY p.venue, p.year ORDER BY count(*), p.venue, p.year LIMIT 1"
        )
        quiet_venue = cursor.fetchone()
    home = reverse("summaries:home")
    pages = [
        Page(BASELINE, reverse("bench:baseline")),
        Page(EMPTY, reverse("bench:empty")),
        Page(HOMEPAGE, home, reverse("summaries:top")),
        Page(READER_HOMEPAGE, home, reverse("summaries:top"), as_reader=True),
    ]
    # Page 2 holds ordinary summaries only (the adversarial one is on page 1): the
    # deepest page is compared with both.
    first_page = homepage_html()
    if second := next_page_link(first_page, home):
        pages.append(Page(SECOND, second))
    if deepest := deepest_page_link(first_page, home):
        pages.append(Page(DEEPEST, deepest, home))
    pages += [
        Page(PAPER, paper_path(paper), paper_path(busiest_paper)),
        Page(BUSIEST_PAPER, paper_path(busiest_paper)),
        Page(PROFILE, profile_path(authors[0]), profile_path(authors[-1])),
        Page(
            VENUE,
            reverse("papers:venue_year", args=[venue, year]),
            reverse("papers:venue_year", args=list(quiet_venue)) if quiet_venue else None,
        ),
        Page(SEARCH, search_path(query), search_path("gradient")),
        Page(FEED, reverse("feeds:rss")),
    ]
    return pages


def paper_path(key):
    return reverse("papers:detail", args=[key])


def profile_path(username):
    return reverse("accounts:profile", args=[username])


def search_path(query):
    return reverse("search:results") + "?" + urllib.parse.urlencode({"q": query})
