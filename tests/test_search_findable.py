"""Search finds what researchers type: a paper's identifier or link, a short surname, a
venue or year alone, whole words on SQLite.

Every assertion holds on SQLite (the fallback) and on PostgreSQL (full-text search),
unless it says which database it is about and why.
"""

import pytest

from search.text import Term, contains_word, highlight_terms

from .factories import make_paper
from .test_search import get, result_links

pytestmark = pytest.mark.django_db


# Whole words ------------------------------------------------------------------------------


def test_a_word_matches_whole_words_only(client):
    ren = make_paper(title="Faster R-CNN", authors="Shaoqing Ren, Kaiming He")
    make_paper(title="Seen differently", abstract="We render it differently.")
    html = get(client, "Ren")
    assert result_links(html) == [ren.get_absolute_url()]
    assert "diffe<mark>" not in html


def test_a_phrase_matches_whole_words_only(client):
    phrase = make_paper(abstract="Deep residual learning works.")
    make_paper(abstract="Deep residual learningless works.")
    assert result_links(get(client, '"residual learning"')) == [phrase.get_absolute_url()]


def test_an_excluded_word_excludes_whole_words_only(client):
    kept = make_paper(title="Networks", abstract="Seen differently.")
    make_paper(title="Networks", abstract="By Ren.")
    assert result_links(get(client, "networks -ren")) == [kept.get_absolute_url()]


@pytest.mark.parametrize(
    ("text", "word", "found"),
    [("Ren, Shaoqing", "ren", True), ("differently", "ren", False), ("REN", "Ren", True),
     ("rendering", "ren", False), ("a_ren", "ren", False), ("x ren_", "ren", False),
     ("diffe ren", "ren", True), ("renren ren", "ren", True), ("", "ren", False),
     (None, "ren", False), ("deep residual nets", "residual nets", True),
     ("deep residual netsx", "residual nets", False), ("GPT-3 works", "gpt-3", True),
     ("Çağlar Gülçehre", "gülçehre", True), ("ab", "", False)],
)  # fmt: skip
def test_contains_word(text, word, found):
    assert contains_word(text, word) is found


def test_contains_word_on_pathological_texts_is_correct():
    """Texts made to defeat a naive scan: a near-miss at every position. The cost is
    linear in the text (times the word's length at most), so these run at once."""
    many = "a" * 1_000_000
    assert not contains_word(many, "a" * 199)
    assert contains_word(many + " " + "a" * 199, "a" * 199)
    near = "ba " * 300_000
    assert not contains_word(near, "a ba ba x")
    assert contains_word(near + "a ba ba x", "a ba ba x")


def test_highlight_marks_whole_words_only():
    html = highlight_terms("Ren renders differently; ren.", [Term("ren")])
    assert html == "<mark>Ren</mark> renders differently; <mark>ren</mark>."
