"""LaTeX environments written in prose without $$, and the numbers of a text's equations."""

import re

import pytest

from markup.environments import environment_ends
from markup.limits import MAX_FORMULAS, Refused
from markup.math import protect
from markup.render import render

from .helpers import katex_count, visible

ALIGN = r"\begin{align}a&=b\\c&=d\end{align}"


def annotations(html):
    """The TeX each formula was given to KaTeX as, in order."""
    return re.findall(r'<annotation encoding="application/x-tex">([^<]*)</annotation>', html)


def tags(html):
    """The equation numbers of a text, in order, each checked to be drawn."""
    found = [f"({t})" for t in re.findall(r"\\tag\{([^{}]*)\}", "".join(annotations(html)))]
    drawn = re.sub(r"<[^>]*>", "", visible(html))
    for tag in found:
        assert tag in drawn
    return found


def display_count(html):
    return html.count('<span class="katex-display">')


@pytest.mark.parametrize(
    "tex",
    [
        ALIGN,
        r"\begin{align*}a&=b\\c&=d\end{align*}",
        r"\begin{aligned}a&=b\\c&=d\end{aligned}",
        r"\begin{alignat}{2}a&=b&c\\c&=d&e\end{alignat}",
        r"\begin{alignat*}{2}a&=b&c\\c&=d&e\end{alignat*}",
        r"\begin{equation}a=b\end{equation}",
        r"\begin{equation*}a=b\end{equation*}",
        r"\begin{gather}a=b\\c=d\end{gather}",
        r"\begin{gather*}a=b\\c=d\end{gather*}",
        r"\begin{multline}a+b\\+c=d\end{multline}",
        r"\begin{multline*}a+b\\+c=d\end{multline*}",
        r"\begin{split}a&=b\\&=c\end{split}",
        r"\begin{cases}a&x>0\\b&x\le0\end{cases}",
        r"\begin{matrix}a&b\\c&d\end{matrix}",
        r"\begin{pmatrix}a&b\\c&d\end{pmatrix}",
        r"\begin{bmatrix}a&b\\c&d\end{bmatrix}",
        r"\begin{Bmatrix}a&b\\c&d\end{Bmatrix}",
        r"\begin{vmatrix}a&b\\c&d\end{vmatrix}",
        r"\begin{Vmatrix}a&b\\c&d\end{Vmatrix}",
        r"\begin{smallmatrix}a&b\\c&d\end{smallmatrix}",
        r"\begin{array}{cc}a&b\\c&d\end{array}",
    ],
)
def test_environment_in_prose_is_display_math(tex):
    html = render(f"Before {tex} after.")
    assert katex_count(html) == 1
    assert display_count(html) == 1
    assert "math-error" not in html
    shown = visible(html)
    assert "\\begin" not in shown and "\\end" not in shown
    assert "<em>" not in html
    assert "Before" in shown and "after." in shown
    # The rows reach KaTeX as rows: "\\" is not Markdown's escaped backslash.
    assert annotations(html)[0].count("\\\\") == tex.count("\\\\")


def test_star_is_not_emphasis():
    html = render(r"\begin{align*}a&=b\end{align*} and *b* \begin{gather*}c\end{gather*}")
    assert katex_count(html) == 2
    assert html.count("<em>") == 1  # only the *b* in prose


def test_environment_on_its_own_lines_in_a_paragraph():
    html = render("Text:\n\\begin{align}\na &= b \\\\\nc &= d\n\\end{align}\nmore text")
    assert katex_count(html) == 1
    assert tags(html) == ["(1)", "(2)"]


@pytest.mark.parametrize(
    "text",
    [
        f"`{ALIGN}`",
        f"```\n{ALIGN}\n```",
        f"    {ALIGN}",
        f"<code>{ALIGN}</code>",
    ],
)
def test_environment_in_code_stays_literal(text):
    html = render(text)
    assert katex_count(html) == 0
    # (Markdown reads "\\" in raw <code> as an escaped backslash, as it always has.)
    assert "\\begin{align}a&amp;=b\\" in html and r"c&amp;=d\end{align}" in html


def test_environment_inside_math_is_that_formula():
    html = render(r"$$\begin{aligned}a&=b\end{aligned}$$ and \[\begin{matrix}a\end{matrix}\]")
    assert katex_count(html) == 2
    assert annotations(html) == [
        r"\begin{aligned}a&amp;=b\end{aligned}",
        r"\begin{matrix}a\end{matrix}",
    ]


def test_nested_environments_end_at_the_outer_end():
    html = render(
        r"\begin{equation}\begin{split}a&=b\\&=c\end{split}\end{equation} then "
        r"\begin{align}x&=\begin{pmatrix}1&2\\3&4\end{pmatrix}\\y&=z\end{align} done"
    )
    assert katex_count(html) == 2
    assert "math-error" not in html
    # The split's rows are one equation; the align has two, and the matrix rows none.
    assert tags(html) == ["(1)", "(2)", "(3)"]
    assert "then" in visible(html) and "done" in visible(html)


def test_unclosed_environment_stays_text():
    html = render(r"\begin{align}a&=b")
    assert katex_count(html) == 0
    assert r"\begin{align}a&amp;=b" in html


def test_mismatched_end_stays_text():
    html = render(r"\begin{align}a&=b\end{gather}")
    assert katex_count(html) == 0


def test_unknown_environment_stays_text():
    html = render(r"\begin{theorem}a\end{theorem}")
    assert katex_count(html) == 0
    assert r"\begin{theorem}" in html


def test_environment_does_not_cross_a_code_span():
    html = render(r"\begin{align}a `\end{align}` b")
    assert katex_count(html) == 0


def test_environment_does_not_cross_a_blank_line():
    html = render("\\begin{align}a\n\n\\end{align}")
    assert katex_count(html) == 0


# --- Numbers ----------------------------------------------------------------------------


def test_numbered_environments_are_numbered_per_text_in_order():
    html = render(
        r"\begin{equation}a\end{equation} "
        r"\begin{align*}b&=c\end{align*} "
        r"\begin{align}d&=e\\f&=g\end{align} "
        r"$$\begin{gather}h\\i\end{gather}$$ "
        r"\begin{multline}j\\k\end{multline}"
    )
    assert tags(html) == ["(1)", "(2)", "(3)", "(4)", "(5)", "(6)"]
    # KaTeX's own numbers (a CSS counter across the page) are not used.
    assert 'class="eqn-num"' not in html


def test_each_text_starts_at_one():
    assert tags(render(ALIGN)) == ["(1)", "(2)"]
    assert tags(render(ALIGN)) == ["(1)", "(2)"]


def test_notag_nonumber_and_own_tag_take_no_number():
    html = render(r"\begin{align}a\notag\\b\tag{*}\\c\nonumber\\d\end{align}")
    assert tags(html) == ["(*)", "(1)"]


def test_trailing_row_break_takes_no_number():
    assert tags(render(r"\begin{gather}a\\b\\\end{gather}")) == ["(1)", "(2)"]


def test_equation_with_own_tag():
    assert tags(render(r"\begin{equation}a\tag{A}\end{equation}")) == ["(A)"]


def test_multline_has_one_number_on_its_last_row():
    html = render(r"\begin{multline}a\\b\\c\end{multline}")
    assert tags(html) == ["(1)"]
    assert annotations(html)[0].endswith(r"c\tag{1}\end{gather*}")


def test_label_and_eqref():
    html = render(
        "See \\eqref{second} and \\ref{first}.\n\n"
        r"\begin{align}a&=b\label{first}\\c&=d\label{second}\end{align}"
        "\n\nAnd $x \\eqref{first}$, \\eqref{missing}."
    )
    assert "math-error" not in html
    assert "\\label" not in visible(html)
    texts = annotations(html)
    assert texts[0] == r"\text{(2)}"
    assert texts[1] == r"\text{1}"
    assert texts[3] == r"x \text{(1)}"
    assert texts[4] == r"\text{(??)}"


def test_label_on_own_tag_refers_to_it():
    html = render(r"\begin{equation}a\tag{A}\label{x}\end{equation} \eqref{x}")
    assert annotations(html)[1] == r"\text{(A)}"


def test_ref_in_a_text_without_labels_stays_as_written():
    html = render(r"As in \ref{sec:intro} and \eqref{x}.")
    assert katex_count(html) == 0
    assert r"\ref{sec:intro}" in html


def test_label_in_unnumbered_math_is_dropped():
    html = render(r"$$a\label{x}$$ $b\label{y}$ \begin{align*}c\label{z}\end{align*}")
    assert katex_count(html) == 3
    assert "math-error" not in html


# --- Limits and cost ----------------------------------------------------------------------


def test_environments_count_as_formulas():
    text = " ".join([r"\begin{align*}a\end{align*}"] * (MAX_FORMULAS + 1))
    with pytest.raises(Refused, match="formulas"):
        render(text)


def test_environments_count_toward_the_tex_limit():
    text = r"\begin{align*}" + "a+" * 10_001 + r"a\end{align*}"
    with pytest.raises(Refused, match="characters of formulas"):
        render(text)


def test_pairing_is_one_pass():
    begin, end = r"\begin{equation}", r"\end{equation}"
    text = begin * 3 + "x" + end * 2 + r"\begin{align}"
    inner = 3 * len(begin) + 1 + len(end)
    assert environment_ends(text) == {2 * len(begin): inner, len(begin): inner + len(end)}


def test_cited_keys_scan_sees_the_same_environments():
    found = protect(r"\begin{align}\cite{a}\end{align} \cite{b}", "0" * 16)
    assert [c.keys for c in found.citations] == [("b",)]
    assert len(found.maths) == 1
