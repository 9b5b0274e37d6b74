import re

import pytest

from summaries.diff import (
    DELETE,
    EQUAL,
    INSERT,
    MAX_WORD_PAIRS,
    Chunk,
    count_changes,
    count_words,
    diff_texts,
    render_html,
)

PAIRS = [
    ("", ""),
    ("", "Written from nothing."),
    ("All of it goes.", ""),
    ("The quick brown fox", "The slow brown fox"),
    ("One. Two.", "One.\n\nTwo."),
    ("  indented\tand tabbed\n", "indented and\ttabbed"),
    ("# Title\n\nFirst paragraph.\n\nSecond one.\n", "# Title\n\nSecond one.\n\nNew end."),
    ("$x_1 + y_1$ and $$\\sum_i x_i$$", "$x_2 + y_1$ and $$\\sum_{i=1}^n x_i$$\n"),
    ("a b a b a b", "b a b a b a"),
    ("tail without newline", "tail without newline\n"),
]


def old_side(chunks):
    return "".join(chunk.text for chunk in chunks if chunk.op != INSERT)


def new_side(chunks):
    return "".join(chunk.text for chunk in chunks if chunk.op != DELETE)


@pytest.mark.parametrize(("old", "new"), PAIRS)
def test_the_chunks_give_back_both_texts_exactly(old, new):
    chunks = diff_texts(old, new)
    assert old_side(chunks) == old
    assert new_side(chunks) == new
    assert all(chunk.text for chunk in chunks)


@pytest.mark.parametrize(("old", "new"), PAIRS)
def test_each_change_is_one_deletion_then_one_insertion_between_equal_text(old, new):
    ops = "".join(chunk.op[0] for chunk in diff_texts(old, new))
    assert re.fullmatch(r"e?((di|d|i)e)*(di|d|i)?", ops), ops


def test_same_text_is_one_equal_chunk():
    assert diff_texts("Same $x$ text.\n", "Same $x$ text.\n") == [Chunk(EQUAL, "Same $x$ text.\n")]


def test_a_replaced_word():
    assert diff_texts("The quick brown fox", "The slow brown fox") == [
        Chunk(EQUAL, "The "),
        Chunk(DELETE, "quick"),
        Chunk(INSERT, "slow"),
        Chunk(EQUAL, " brown fox"),
    ]


def test_neighbouring_changed_words_read_as_one_change():
    assert diff_texts("keep foo bar keep", "keep baz qux keep") == [
        Chunk(EQUAL, "keep "),
        Chunk(DELETE, "foo bar"),
        Chunk(INSERT, "baz qux"),
        Chunk(EQUAL, " keep"),
    ]


def test_words_added_in_the_middle_and_at_the_end():
    assert diff_texts("a c", "a b c d") == [
        Chunk(EQUAL, "a "),
        Chunk(INSERT, "b "),
        Chunk(EQUAL, "c"),
        Chunk(INSERT, " d"),
    ]


def test_changes_in_formulas_are_marked_in_the_source():
    chunks = diff_texts("Let $x_1 + y_1$ be.", "Let $x_2 + y_1$ be.")
    assert Chunk(DELETE, "$x_1") in chunks
    assert Chunk(INSERT, "$x_2") in chunks


def test_unchanged_paragraphs_stay_whole():
    old = "Intro stays.\n\nThis one changes a little.\n\nOutro stays.\n"
    new = "Intro stays.\n\nThis one changes a lot.\n\nOutro stays.\n"
    chunks = diff_texts(old, new)
    assert chunks[0] == Chunk(EQUAL, "Intro stays.\n\nThis one changes a ")
    assert chunks[1:3] == [Chunk(DELETE, "little."), Chunk(INSERT, "lot.")]
    assert chunks[3] == Chunk(EQUAL, "\n\nOutro stays.\n")


def test_a_paragraph_split_in_two_shows_the_new_line_break():
    chunks = diff_texts("One. Two.", "One.\n\nTwo.")
    assert chunks == [
        Chunk(EQUAL, "One."),
        Chunk(DELETE, " "),
        Chunk(INSERT, "\n\n"),
        Chunk(EQUAL, "Two."),
    ]
    assert count_changes(chunks) == (0, 0)
    html = render_html(chunks)
    assert html.count('<span class="diff-newline"></span>') == 2
    assert "<del> </del>" in html


def test_line_endings_from_a_browser_are_not_a_change():
    chunks = diff_texts("first line\nsecond line\n", "first line\r\nsecond line\r\n")
    assert [chunk.op for chunk in chunks] == [EQUAL]


def test_counts_words_added_and_removed():
    chunks = diff_texts("x y z\nkept line\n", "x q r s z\nkept line\nnew line here\n")
    assert count_changes(chunks) == (3 + 3, 1)


def test_count_words_ignores_whitespace_of_any_kind():
    assert count_words("  one\ttwo\n\nthree  ") == 3
    assert count_words("") == 0


def test_a_block_too_large_to_compare_word_by_word_is_replaced_whole():
    size = int(MAX_WORD_PAIRS**0.5) + 10
    old = " ".join(f"old{n}" for n in range(size))
    new = " ".join(f"old{n}" if n % 2 else "new" for n in range(size))
    assert diff_texts(old, new) == [Chunk(DELETE, old), Chunk(INSERT, new)]


def test_the_html_escapes_every_text():
    old = 'Plain <b>bold</b> & "quotes"'
    new = "Plain <script>alert('x')</script> & \"quotes\""
    html = render_html(diff_texts(old, new))
    assert "<script" not in html
    assert "<b>" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html
    assert "&lt;b&gt;bold&lt;/b&gt;" in html
    assert "&amp; &quot;quotes&quot;" in html
    assert set(re.findall(r"</?([a-z]+)", html)) == {"ins", "del"}


def test_the_html_marks_insertions_and_deletions():
    html = render_html(diff_texts("The quick brown fox", "The slow brown fox"))
    assert html == "The <del>quick</del><ins>slow</ins> brown fox"
