"""Finding math and code before Markdown: delimiters, prices, code stays code."""

import re

from markup.render import render

from .helpers import katex_count


def test_markdown_does_not_touch_math():
    html = render("Sum $a_i * b_i$ and $x_1 + y_1$ and $a*b*c$.")
    assert katex_count(html) == 3
    assert "<em>" not in html and "<strong>" not in html
    assert '<annotation encoding="application/x-tex">a_i * b_i</annotation>' in html
    assert '<annotation encoding="application/x-tex">x_1 + y_1</annotation>' in html


def test_row_separators_and_braces_survive():
    html = render("$$\\begin{pmatrix} a & b \\\\ c & d \\end{pmatrix}$$")
    assert "katex-display" in html
    assert "a &amp; b \\\\ c &amp; d" in html
    assert html.count("<mtr>") == 2
    html = render("$\\{x\\}_{i}$")
    assert "\\{x\\}_{i}</annotation>" in html


def test_multiline_display_math():
    text = (
        "Before\n\n$$\n\\begin{aligned}\na &= b_1 \\\\\n    c &= d_2\n\\end{aligned}\n$$\n\nAfter"
    )
    html = render(text)
    assert "katex-display" in html
    assert "math-error" not in html
    assert "<pre>" not in html  # the indented line inside the formula is not code


def test_prices_stay_text():
    html = render("It costs $5 and $10, or $ 3 $ at most.")
    assert katex_count(html) == 0
    assert "It costs $5 and $10, or $ 3 $ at most." in html


def test_closing_dollar_before_digit_is_not_math():
    assert katex_count(render("between $x$5 and more")) == 0


def test_prices_next_to_math():
    html = render("Pay $5 and $10 per day for $x^2$ apples.")
    assert katex_count(html) == 1
    assert "Pay $5 and $10 per day for" in html
    assert "x^2</annotation>" in html


def test_escaped_dollar_is_literal():
    html = render(r"A literal \$x\$ and \$5, and real $y$.")
    assert katex_count(html) == 1
    assert "A literal $x$ and $5, and real" in html
    assert "\\$" not in html


def test_backslash_paren_and_bracket_delimiters():
    html = render(r"Inline \(\alpha_1\) and display \[\beta^2\] here.")
    assert katex_count(html) == 2
    assert html.count("katex-display") == 1
    assert "\\alpha_1</annotation>" in html
    assert "\\beta^2</annotation>" in html


def test_dollars_in_code_span_stay_code():
    html = render("Run `echo $HOME $x$` and `$y$`, then $z$.")
    assert "<code>echo $HOME $x$</code>" in html
    assert "<code>$y$</code>" in html
    assert katex_count(html) == 1


def test_code_span_wins_over_math_that_would_run_into_it():
    html = render("costs $5 `a$` b$ end")
    assert "<code>a$</code>" in html
    assert katex_count(html) == 0


def test_dollars_in_fenced_code_stay_code():
    html = render("```\nprice = $x$ + $$y$$\n```\n\n~~~\n\\(z\\)\n~~~")
    assert katex_count(html) == 0
    assert "price = $x$ + $$y$$" in html
    assert "\\(z\\)" in html


def test_dollars_in_indented_code_stay_code():
    html = render("Text $a$.\n\n    $b$ is code\n    and $c$\n\nMore $d$.")
    assert katex_count(html) == 2
    assert "$b$ is code\nand $c$" in html


def test_indented_paragraph_in_list_is_not_code():
    html = render("- item $a$\n\n    continued with $b$\n\n        code $c$\n")
    assert katex_count(html) == 2
    assert "code $c$" in html
    assert "<pre>" in html


def test_dollars_in_raw_code_and_pre_stay_code():
    html = render("Raw <code>$x$</code> here.\n\n<pre>\n$y$\n</pre>")
    assert katex_count(html) == 0


def test_math_in_table_cell_may_contain_pipes():
    html = render("| a | b |\n|---|---|\n| $|x|$ | 2 |\n")
    assert html.count("<td>") == 2
    assert katex_count(html) == 1


def test_math_in_link_text_and_headings():
    html = render("# Title $x^2$\n\n[see $y$](https://example.com)")
    assert katex_count(html) == 2
    assert re.search(r"<h3>Title <span class=\"katex\">", html)


def test_math_in_attributes_is_its_source_escaped():
    html = render('![a $<b>$ c](https://example.com/f.png "t $x$")\n\n[l](https://e.org/$x$)')
    assert 'alt="a $&lt;b&gt;$ c"' in html
    assert 'title="t $x$"' in html
    assert 'href="https://e.org/%24x%24"' in html
    assert katex_count(html) == 0


def test_placeholders_cannot_be_forged():
    html = render("mathph0123456789abcdefn0e and citeph0123456789abcdefn0e and $x$")
    assert "mathph0123456789abcdefn0e" in html
    assert "citeph0123456789abcdefn0e" in html
    assert katex_count(html) == 1
