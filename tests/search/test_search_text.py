"""search.text: the query syntax, the indexed plain text and safe highlighting."""

import pytest

from markup.readable import readable_text
from markup.render import render
from search.text import (
    MAX_QUERY_LENGTH,
    START_SEL,
    STOP_SEL,
    Term,
    clean_query,
    highlight_terms,
    marked_headline,
    parse_query,
)


def clauses(query):
    return [[(t.text, t.negated) for t in clause] for clause in parse_query(query).clauses]


def test_words_are_anded():
    assert clauses("residual learning") == [[("residual", False)], [("learning", False)]]


def test_quoted_phrase_is_one_term_and_keeps_its_stop_words():
    assert clauses('"attention is all you need" bert') == [
        [("attention is all you need", False)],
        [("bert", False)],
    ]


def test_unterminated_quote_runs_to_the_end():
    assert clauses('gan "deep residual') == [[("gan", False)], [("deep residual", False)]]


def test_minus_excludes_a_word_or_a_phrase():
    assert clauses('gan -vae -"style transfer"') == [
        [("gan", False)],
        [("vae", True)],
        [("style transfer", True)],
    ]


def test_or_binds_tighter_than_and():
    assert clauses("deep gan OR vae") == [[("deep", False)], [("gan", False), ("vae", False)]]
    assert clauses("gan or vae") == [[("gan", False), ("vae", False)]]


def test_stop_words_and_edge_punctuation_are_dropped():
    assert clauses("the (transformer), of") == [[("transformer", False)]]
    # A hyphen inside a word is part of it.
    assert clauses("state-of-the-art") == [[("state-of-the-art", False)]]


@pytest.mark.parametrize(
    "query",
    ['"', '""', "-", "--", "!!!", "()", "OR", "or OR or", "the of and", "-gan", "-gan OR -vae",
     "the -gan", '-"style transfer"', "&|!:*", ""],
)  # fmt: skip
def test_queries_with_nothing_to_look_for(query):
    assert not parse_query(query).is_searchable


@pytest.mark.parametrize(
    "query", ["gan", "gan -vae", "-vae gan", '"the end"', "OR gan", "gan OR", "x"]
)
def test_queries_with_something_to_look_for(query):
    assert parse_query(query).is_searchable


def test_a_clause_with_an_exclusion_alternative_does_not_anchor_the_query():
    # "-a OR b" matches every document without a: nothing to look for on its own.
    assert not parse_query("-gan OR vae").is_searchable
    assert parse_query("deep -gan OR vae").is_searchable


def test_snippet_terms_are_those_looked_for_each_once():
    parsed = parse_query('Quaternions -gimbal "the rotation group" OR quaternions the')
    assert [term.text for term in parsed.snippet_terms] == ["Quaternions", "the rotation group"]
    assert [term.is_phrase for term in parsed.snippet_terms] == [False, True]


def test_a_query_of_names_or_stop_word_phrases_has_no_snippet_terms():
    # Snippets are marked with the english configuration, which drops "he".
    assert parse_query("He -gan").snippet_terms == []
    assert parse_query('"to be" -gan').snippet_terms == []


def test_a_hyphenated_word_is_a_phrase():
    assert Term("state-of-the-art").is_phrase
    assert not Term("quaternions").is_phrase


def test_clean_query_removes_nul_and_bounds_the_length():
    assert clean_query("  gan\x00 vae  ") == "gan vae"
    assert len(clean_query("word " * 100)) <= MAX_QUERY_LENGTH


def test_readable_text_keeps_the_words_a_reader_sees_not_the_markup():
    source = (
        "# Heading\n\n> quoted **bold** and _it_ `code`\n\n- item [link text](https://x.org)"
        "\n\n![alt words](https://x.org/a.png) <sub>tag</sub>\n```python\nprint(1)\n```"
    )
    text = readable_text(render(source))
    assert text == "Heading quoted bold and it code item link text alt words tag print(1)"


def test_formulas_read_as_their_symbols_never_as_latex():
    text = readable_text(
        render(r"With $\beta_1 = 0.9$ and $$\frac{a}{b} + x^2 + \sqrt{y} + x_i^2$$ done.")
    )
    assert text == "With β_1=0.9 and a/b+x^2+√y+x_i^2 done."


def test_readable_text_removes_control_characters_so_snippet_marks_stay_unambiguous():
    assert readable_text(f"<p>a{START_SEL}b{STOP_SEL}c</p>") == "a b c"


def test_every_formula_of_a_long_text_is_read():
    small, large = render("$x_1^2$ " * 100), render("$x_1^2$ " * 1000)
    small_text, large_text = readable_text(small), readable_text(large)
    assert large_text.count("x_1^2") == 10 * small_text.count("x_1^2") == 1000


def test_highlight_escapes_everything_and_marks_matches():
    html = highlight_terms('<b>Residual</b> & "residual"', [Term("residual")])
    assert html == (
        "&lt;b&gt;<mark>Residual</mark>&lt;/b&gt; &amp; &quot;<mark>residual</mark>&quot;"
    )


def test_highlight_does_not_mark_inside_escaped_entities():
    assert highlight_terms("a & b", [Term("amp")]) == "a &amp; b"


def test_highlight_marks_phrases_not_exclusions():
    html = highlight_terms("deep residual nets, no gan", [Term("deep residual"), Term("gan", True)])
    assert html == "<mark>deep residual</mark> nets, no gan"


def test_highlight_window_around_the_first_match():
    text = " ".join(f"w{n}" for n in range(200)) + " target " + "tail " * 100
    html = highlight_terms(text, [Term("target")], max_chars=120)
    assert html.startswith("… ") and html.endswith(" …")
    assert "<mark>target</mark>" in html
    assert len(html) < 200


def test_marked_headline_escapes_all_but_the_marks():
    headline = f'<script>alert(1)</script> {START_SEL}deep{STOP_SEL} "x" & y'
    assert marked_headline(headline) == (
        "&lt;script&gt;alert(1)&lt;/script&gt; <mark>deep</mark> &quot;x&quot; &amp; y"
    )


def test_marked_headline_never_leaves_a_mark_open():
    assert marked_headline(f"a {START_SEL}b c") == "a b c"
    assert marked_headline(f"a {STOP_SEL}b {START_SEL}c{STOP_SEL}") == "a b <mark>c</mark>"
