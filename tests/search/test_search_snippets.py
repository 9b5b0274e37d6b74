"""Snippets of long texts on PostgreSQL: ts_headline is given a window of the text
near the first of the query's words found (search.snippets.HeadlineWindow), not the
text's start."""

import re
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from search.snippets import HEADLINE_LEAD_CHARS, HEADLINE_WHOLE_BYTES, HEADLINE_WINDOW_CHARS
from tests.factories import make_summary

pytestmark = pytest.mark.django_db
SEARCH = reverse("search:results")
# Each filler word and its space: 11 characters.
WORD = 11


@pytest.fixture(autouse=True)
def on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("snippets are ts_headline's on PostgreSQL only")


def filler(count, start=0):
    """Distinct words of letters only, that no query here looks for: "fillerbaaa"."""
    return " ".join(f"filler{_letters(n)}" for n in range(start, start + count))


def _letters(n):
    return "".join("abcdefghijklmnopqrstuvwxyz"[n // 26**k % 26] for k in (3, 2, 1, 0))


def at_char(position, words, total):
    """A text of about `total` characters with `words` starting at about `position`."""
    before = position // WORD
    after = (total - position - len(words)) // WORD
    return f"{filler(before)} {words} {filler(after, start=before)}"


def snippet(client, q):
    response = client.get(SEARCH, {"q": q})
    assert response.status_code == 200
    html = response.content.decode()
    return re.search(r'<p class="search-snippet[^>]*>(.*?)</p>', html, re.S).group(1)


@pytest.mark.parametrize("length", [HEADLINE_WHOLE_BYTES - 100, 5_000, 9_000])
def test_a_match_near_the_end_of_a_text_is_marked(client, length):
    make_summary(body=at_char(length - 1_000, "quaternions", length))
    assert "<mark>quaternions</mark>" in snippet(client, "quaternions")


@pytest.mark.parametrize(
    ("query", "words", "marked"),
    [
        # Not as typed; its stem ("rotat") starts the word.
        ("rotating", "rotations of rigid bodies", "<mark>rotations</mark>"),
        # A phrase not as typed: found by the stem of its first word.
        ('"neural networks"', "a neural-network decoder", "<mark>neural</mark>-<mark>net"),
        # The query's first word is not there: the second one is found.
        ("gimbal OR quaternions", "unit quaternions", "<mark>quaternions</mark>"),
    ],
)
def test_a_match_far_into_a_long_text_is_found_by_its_stem(client, query, words, marked):
    make_summary(body=at_char(8_000, words, 9_000))
    assert marked in snippet(client, query)


def test_a_long_text_whose_words_are_not_found_shows_its_start(client):
    # "studies" is stemmed "studi", which does not start "study": the text matches, but
    # neither the word as typed nor its stem is in it.
    body = "Opening words about rotations. " + at_char(8_000, "a study of rotations", 9_000)
    make_summary(body=body)
    text = snippet(client, "studies")
    assert text.startswith("Opening words about rotations")
    assert "<mark>" not in text


def page_query(client, q):
    with CaptureQueriesContext(connection) as queries:
        snippet(client, q)
    return queries.captured_queries[-1]["sql"]


def test_only_a_page_with_a_long_text_is_given_the_window(client):
    # The window's SQL takes longer to plan than short texts take to read whole.
    make_summary(body="Quaternions, " + filler(HEADLINE_WHOLE_BYTES // WORD - 10))
    assert "lowered" not in page_query(client, "quaternions")
    make_summary(body="Quaternions, " + filler(HEADLINE_WHOLE_BYTES // WORD + 10))
    assert "lowered" in page_query(client, "quaternions")


@pytest.mark.parametrize("shift", range(WORD))
def test_a_window_shows_no_word_in_part(client, shift):
    """The window starts HEADLINE_LEAD_CHARS before the match found, fewer words than
    ts_headline shows before a match, and a second match near its end makes a fragment
    that runs to it: both ends are cut at spaces, wherever they fall in a word (a word
    of `shift` letters before each match moves them)."""
    first = 7_000
    second = first - HEADLINE_LEAD_CHARS + HEADLINE_WINDOW_CHARS - 5 * WORD
    before, between = first // WORD, (second - first) // WORD
    after = (9_000 - second) // WORD
    shifted = "x" * shift
    body = " ".join(
        [
            filler(before),
            shifted,
            "quaternions",
            filler(between, start=before),
            shifted,
            "quaternions",
            filler(after, start=before + between),
        ]
    )
    make_summary(body=body)
    text = unescape(re.sub(r"</?mark>", "", snippet(client, "quaternions")))
    shown = text.replace("…", " ").split()
    assert shown.count("quaternions") == 2
    assert [word for word in shown if word not in body.split()] == []
