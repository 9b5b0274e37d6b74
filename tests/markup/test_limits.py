"""markup.limits: each limit refuses just past it, with a message that names it."""

import pytest

from markup import limits
from markup.render import Refused, render


def refusal(text):
    with pytest.raises(Refused) as caught:
        render(text)
    return str(caught.value)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("\n".join(["a"] * (limits.MAX_LINES + 1)), "10,001 lines; the limit is 10,000"),
        ("\n\n".join(["```\na\n```"] * (limits.MAX_CODE_BLOCKS + 1)), "201 code blocks"),
        ("\n".join(["# a"] * (limits.MAX_BLOCK_LINES + 1)), "lines without a blank line"),
        (">" * (limits.MAX_QUOTE_DEPTH + 1) + " a", "nests quotes 17 levels deep"),
        (" " * (limits.MAX_LIST_INDENT + 1) + "- a", "indents a list item by 65 spaces"),
        (" ".join(["$x$"] * (limits.MAX_FORMULAS + 1)), "1,001 formulas; the limit is 1,000"),
        ("$" + "x+" * 5_000 + "$ $" + "x+" * 5_001 + "$", "characters of formulas"),
        (" ".join([r"\cite{a,b}"] * 251), "502 citations; the limit is 500"),
        ("a[^1] " * 201 + "\n\n[^1]: b", "202 footnote references"),
        ("[a](b) " * 1_001, "1,001 links and images"),
        ("http://a.example/ " * 1_001, "1,001 web addresses"),
        ("<b>a</b> " * 501, "1,002 HTML tags"),
        ("*a* " * 3_001, "6,002 markup characters"),
    ],
)
def test_just_past_a_limit_is_refused_by_name(text, words):
    assert words in refusal(text)


def test_code_is_not_counted_as_markup():
    code = "```\n" + "*a* " * 5_000 + "\n```"
    assert "<code>" in render(code)


def test_formulas_are_not_counted_as_markup():
    # Backslashes and underscores inside math are TeX, not Markdown.
    assert render(" ".join([r"$\alpha_i \beta_j \gamma_k$"] * 600)).count("katex") > 600


def test_markup_size_before_sanitizing_is_bounded(monkeypatch):
    monkeypatch.setattr(limits, "MAX_MARKUP", 1_000)
    assert "KB of markup" in refusal("word " * 1_000)


def test_output_size_is_bounded(monkeypatch):
    monkeypatch.setattr(limits, "MAX_HTML", 50_000)
    assert "MB of HTML" in refusal(" ".join(["$x_i^2$"] * 100))


def test_a_formula_nested_too_deeply_is_an_error_in_place():
    deep = "\\sqrt{" * 25 + "x" + "}" * 25
    html = render(f"Before ${deep}$ after $y$.")
    assert "nested too deeply (25 levels, at most 24)" in html
    assert html.count('<span class="katex">') == 1  # the other formula renders


def test_formula_depth_counts_groups_left_right_and_environments():
    assert limits.formula_depth(r"\left( \begin{matrix} {a} \end{matrix} \right)") == 3
    assert limits.formula_depth(r"\{ \} {") == 1  # escaped braces are not groups


def test_a_formula_that_renders_too_large_is_an_error_in_place(monkeypatch):
    from markup import katex

    monkeypatch.setattr(katex, "MAX_FORMULA_HTML", 2_000)
    html = render(r"$\begin{pmatrix} a & b \\ c & d \end{pmatrix}$ and $x$")
    assert "Formula renders too large" in html
    assert html.count('<span class="katex">') == 1


def test_a_render_past_its_deadline_is_refused(monkeypatch):
    import markup.render

    monkeypatch.setattr(markup.render, "RENDER_DEADLINE", 0.001)
    text = "\n\n".join(f"Paragraph {i} with *emphasis* in it." for i in range(2_000))
    assert "took more than 0.001 seconds" in refusal(text)
    # The deadline is lifted afterwards: the next render is not cut short.
    monkeypatch.setattr(markup.render, "RENDER_DEADLINE", 10)
    assert render(text).count("<em>emphasis</em>") == 2_000
