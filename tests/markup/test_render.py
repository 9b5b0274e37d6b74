"""markup.render: Markdown, math, sanitizing and links. No database needed."""

import logging
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from markup import render as render_module
from markup.render import FLAVORS, RENDERER_VERSION, render

ROOT = Path(__file__).resolve().parents[2]


def katex_count(html):
    return html.count('<span class="katex">')


def visible(html):
    """The HTML without KaTeX's MathML, whose <annotation> repeats the TeX source."""
    return re.sub(r'<span class="katex-mathml">.*?</math></span>', "", html, flags=re.S)


def test_interface():
    assert isinstance(RENDERER_VERSION, int) and RENDERER_VERSION >= 1
    assert set(FLAVORS) == {"summary", "comment", "abstract"}
    for flavor in FLAVORS:
        assert "<p>plain</p>" in render("plain", flavor=flavor)
    assert render("") == ""
    with pytest.raises(ValueError):
        render("x", flavor="email")


# --- Math delimiters and Markdown ---------------------------------------------------------


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
    assert re.search(r"<h1>Title <span class=\"katex\">", html)


def test_placeholders_cannot_be_forged():
    html = render("mathph0123456789abcdefn0e and $x$")
    assert "mathph0123456789abcdefn0e" in html
    assert katex_count(html) == 1


# --- KaTeX output ----------------------------------------------------------------------


def test_katex_output_has_html_and_mathml():
    html = render(r"Euler: $e^{i\pi} + 1 = 0$")
    assert '<span class="katex">' in html
    assert '<math xmlns="http://www.w3.org/1998/Math/MathML">' in html
    assert '<annotation encoding="application/x-tex">e^{i\\pi} + 1 = 0</annotation>' in html
    assert 'class="katex-html" aria-hidden="true"' in html
    assert "style=" in html


def test_display_math_has_display_class():
    html = render("$$\\int_0^1 x\\,dx$$")
    assert '<span class="katex-display">' in html
    assert 'display="block"' in html


def test_svg_parts_survive():
    html = render(r"$\sqrt{x} + \widehat{abc}$")
    assert "<svg" in html and "<path d=" in html and 'viewBox="' in html


def test_colors_survive():
    assert "color:red" in render(r"$\color{red} x$")


@pytest.mark.parametrize("tex", [r"$\frac{$", r"$\undefinedmacro{x}$", r"$$\begin{matrix} a$$"])
def test_invalid_tex_shows_source_and_error(tex):
    html = render(f"Before {tex} after")
    assert 'class="math-error' in html
    assert re.search(r'title="[^"]*KaTeX parse error', html)
    assert '<span class="math-error-message">KaTeX parse error' in html
    assert '<code class="math-error-source">' in html
    assert "Before" in html and "after" in html


def test_error_source_and_message_are_escaped():
    html = render(r"$\frac{<script>alert(1)</script>$")
    assert "math-error" in html
    assert "<script" not in html
    assert "&lt;script&gt;" in html


def test_heavy_macro_expansion_is_cut_short():
    # \a expands to 2**16 copies of \q
    names = "abcdefghijklmnopq"
    chain = "".join(f"\\def\\{a}{{\\{b}\\{b}}}" for a, b in zip(names, names[1:], strict=False))
    html = render(f"$\\def\\q{{x}}{chain}\\a$")
    assert "math-error" in html
    assert "expansion" in html.lower()
    assert len(html) < 20_000


def test_huge_sizes_are_clamped():
    html = render(r"$\rule{10000em}{10000em}$ and $\kern10000em x$ and $\hspace{10000em}$")
    assert "10000em" not in visible(html)
    assert len(html) < 20_000


def test_deep_nesting_is_bounded():
    html = render("$" + "x^{" * 2000 + "y" + "}" * 2000 + "$")
    assert "katex" in html or "math-error" in html
    assert len(html) < 5_000_000


def test_overlong_formula_is_refused():
    html = render("$" + "x+" * 6000 + "x$")
    assert "math-error" in html and "too long" in html


def test_macros_do_not_leak_between_formulas():
    html = render(r"$\gdef\foo{BAR}\foo$ and $\foo$")
    assert html.count("math-error") >= 1
    assert "Undefined control sequence" in html


# --- Sanitizing ----------------------------------------------------------------------------


@pytest.mark.parametrize("flavor", FLAVORS)
def test_script_and_handlers_are_neutralized(flavor):
    html = render(
        '<script>alert(1)</script>\n\n<img src="x" onerror="alert(2)">\n\n'
        '<a href="javascript:alert(3)" onclick="alert(4)">x</a> <div style="position:fixed">y</div>'
        " <svg onload=alert(5)></svg> <math><mi>z</mi></math> <iframe src=x></iframe>",
        flavor=flavor,
    )
    assert "<script" not in html
    assert "<svg" not in html and "<math" not in html and "<iframe" not in html
    assert not re.search(r"<[^>]*\bon\w+=", html)
    assert "javascript:" not in html
    assert "style=" not in html


@pytest.mark.parametrize(
    "text",
    [
        "[x](javascript:alert(1))",
        "[x](JaVaScRiPt:alert(1))",
        "[x]( javascript:alert(1))",
        "[x](data:text/html;base64,PHNjcmlwdD4=)",
        "<javascript:alert(1)>",
        "![x](javascript:alert(1))",
        "[x]($javascript:alert(1)$)",
        "[x](javascript$:alert(1)$)",
    ],
)
def test_dangerous_urls_are_dropped(text):
    html = render(text)
    for url in re.findall(r'(?:href|src)="([^"]*)"', html):
        assert not re.match(r"\s*[a-z][a-z0-9+.-]*:", url, re.I) or url.startswith("http")


@pytest.mark.parametrize(
    "tex",
    [
        r"\href{javascript:alert(1)}{x}",
        r"\url{javascript:alert(1)}",
        r"\href{https://example.com}{x}",
        r"\htmlClass{position-fixed}{x}",
        r"\htmlStyle{position:fixed}{x}",
        r"\htmlId{x}{y}",
        r"\htmlData{onclick=alert(1)}{x}",
        r"\includegraphics{https://example.com/x.png}",
    ],
)
def test_untrusted_katex_commands_do_nothing(tex):
    html = render(f"${tex}$ and $${tex}$$")
    assert not re.search(r"<(a|img)[\s>]", html)
    tags = re.findall(r"<[^>]*>", html)
    assert not [t for t in tags if re.search(r"\s(href|src|id|onclick|data-\w+)=|position", t)]
    assert not [t for t in tags if re.search(r'class="[^"]*position-fixed', t)]


def test_unexpected_katex_markup_goes_through_bleach(caplog):
    fragment = (
        '<span class="katex"><img src=x onerror=alert(1)><script>alert(2)</script>'
        '<span style="position:fixed;top:0">x</span></span>'
    )
    with caplog.at_level(logging.WARNING, logger="markup.render"):
        cleaned = render_module._clean_katex_or_bleach(fragment, {})
    assert "Unexpected KaTeX markup" in caplog.text
    assert "<img" not in cleaned and "<script" not in cleaned and "onerror" not in cleaned
    assert "position" not in cleaned and "top:0" in cleaned


def test_katex_sanitizer_drops_what_is_not_allowed():
    cleaned = render_module._clean_katex(
        '<span class="katex x" style="position:fixed;top:url(x);height:1em;color:red" '
        'onclick="alert(1)" id="a"><math xmlns="http://evil.example/"><mi href="x">a</mi>'
        "</math></span>",
        {},
    )
    assert cleaned == (
        '<span class="katex x" style="height:1em;color:red"><math><mi>a</mi></math></span>'
    )
    for bad in ("<span><script>x</script></span>", "<span>a<b</span>", "<span>", "<math><span>"):
        with pytest.raises(render_module._Unexpected):
            render_module._clean_katex(bad, {})


def test_wide_sample_of_katex_output_needs_no_fallback(caplog):
    formulas = [
        r"\frac{a}{b} \sqrt[3]{x} \sum_{i=1}^n \int_0^\infty \lim_{n\to\infty}",
        r"\begin{pmatrix} a & b \\ c & d \end{pmatrix} \begin{cases} 1 & x>0 \\ 0 \end{cases}",
        r"\begin{array}{|c|c|}\hline a & b \\ \hdashline c & d\\\hline\end{array}",
        r"\overbrace{a+b}^{n} \underbrace{c}_{m} \xrightarrow[b]{a} \overleftrightarrow{AB}",
        r"\cancel{x} \bcancel{y} \xcancel{z} \boxed{E} \fbox{t} \colorbox{yellow}{x}",
        r"\fcolorbox{red}{blue}{y} \color{red} x \textcolor{#00ff00}{y} \mathbb{R}",
        r"\left( \frac{a}{b} \right) \bigl( \Bigr) \widehat{xyz} \widetilde{abc}",
        r"\mathllap{a} \mathrlap{b} \phantom{x} \raisebox{0.5em}{x} \rule{1em}{2em}",
        r"\tag{1} a=b",
        r"\begin{align} a &= b \\ c &= d \end{align}",
        r"\begin{CD} A @>a>> B \\ @VbVV @AAcA \\ C @= D \end{CD}",
        r"\operatorname*{argmax}_x \binom{n}{k} \not\in \text{ok} \verb|x|",
    ]
    with caplog.at_level(logging.WARNING, logger="markup.render"):
        html = render("\n\n".join(f"$${f}$$" for f in formulas))
    assert "math-error" not in html
    assert katex_count(html) == len(formulas)
    assert caplog.text == ""


# --- Links ---------------------------------------------------------------------------------


def test_links_get_rel():
    html = render("[site](https://example.com) and <https://example.org> and [mail](mailto:a@b.c)")
    assert html.count('rel="nofollow ugc noopener"') == 3


def test_bare_urls_become_links():
    html = render("See https://example.com/paper?id=1 now.")
    assert (
        '<a href="https://example.com/paper?id=1" rel="nofollow ugc noopener">'
        "https://example.com/paper?id=1</a>"
    ) in html


def test_bare_names_with_dots_are_not_links():
    html = render("Load model.pt with torch.nn and numpy.org.")
    assert "<a" not in html


def test_urls_in_code_are_not_links():
    html = render("`https://example.com`\n\n```\nhttps://example.org\n```")
    assert "<a" not in html


def test_relative_and_fragment_links_are_kept():
    html = render("[a](/papers/1) [b](#section)")
    assert 'href="/papers/1"' in html
    assert 'href="#section"' in html


# --- Flavors -------------------------------------------------------------------------------


def test_images_in_summary_and_abstract():
    for flavor in ("summary", "abstract"):
        html = render("![a figure](https://example.com/fig.png)", flavor=flavor)
        assert '<img alt="a figure" src="https://example.com/fig.png">' in html


def test_images_need_http():
    html = render("![x](/static/x.png) ![y](ftp://example.com/y.png)")
    assert "src=" not in html


def test_no_images_in_comments():
    html = render(
        "Look: ![a figure](https://example.com/fig.png) and <img src='https://x.org/a.png'>",
        flavor="comment",
    )
    assert "<img" not in html
    assert '<a href="https://example.com/fig.png" rel="nofollow ugc noopener">a figure</a>' in html


def test_headings():
    text = "# Big $x$\n\nSetext\n------\n\n### Small *em* tail"
    html = render(text)
    assert "<h1>" in html and "<h2>Setext</h2>" in html and "<h3>" in html
    for flavor in ("comment", "abstract"):
        html = render(text, flavor=flavor)
        assert not re.search(r"<h\d", html)
        assert '<p><strong>Big <span class="katex">' in html
        assert "<p><strong>Setext</strong></p>" in html
        assert "<p><strong>Small <em>em</em> tail</strong></p>" in html


# --- Markdown features ---------------------------------------------------------------------


def test_tables():
    html = render("| a | b |\n|:--|--:|\n| 1 | 2 |\n")
    assert "<table>" in html and "<thead>" in html and "<tbody>" in html
    assert '<th align="left">a</th>' in html
    assert '<td align="right">2</td>' in html


def test_fenced_code_is_highlighted():
    html = render("```python\ndef f(x):\n    return x\n```")
    assert '<div class="highlight"><pre>' in html
    assert '<span class="k">def</span>' in html
    assert "style=" not in html


def test_footnotes():
    html = render("Claim.[^1]\n\n[^1]: Source with $x$.")
    assert '<sup id="fnref:1"><a class="footnote-ref" href="#fn:1">1</a></sup>' in html
    assert '<div class="footnote">' in html
    assert '<li id="fn:1">' in html
    assert 'class="footnote-backref" href="#fnref:1"' in html
    assert katex_count(html) == 1


def test_nested_lists():
    html = render("1. one\n    - inner $a$\n    - inner b\n2. two\n")
    assert re.search(r"<ol>\s*<li>one\s*<ul>\s*<li>inner <span class=\"katex\">", html)
    assert "<li>two</li>" in html


def test_no_nl2br():
    assert "<br" not in render("line one\nline two")


# --- Engine ----------------------------------------------------------------------------------


def test_threads_share_the_engine_safely():
    texts = [f"Formula {i}: $x_{{{i}}} + \\frac{{{i}}}{{2}}$ and `code $x$`" for i in range(12)]
    expected = [render(t) for t in texts]
    with ThreadPoolExecutor(max_workers=4) as pool:
        assert list(pool.map(render, texts)) == expected


def run_python(code, timeout=60):
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_process_exits_cleanly_after_rendering():
    result = run_python("from markup.render import render; print(render('$x^2$'))")
    assert result.returncode == 0, result.stderr
    assert "katex" in result.stdout


def test_process_exits_cleanly_after_timeouts():
    result = run_python(
        "import markup.render as r\n"
        "r._BATCH_TIMEOUT = r._FORMULA_TIMEOUT = 1e-9\n"
        "print(r.render('$a$ $b$ $c$'))\n"
    )
    assert result.returncode == 0, result.stderr
    assert "katex" in result.stdout or "took too long" in result.stdout


def test_engine_works_after_fork():
    result = run_python(
        "import os\n"
        "from markup.render import render\n"
        "assert 'katex' in render('$a$')\n"
        "pid = os.fork()\n"
        "if pid == 0:\n"
        "    ok = 'katex' in render('$b$')\n"
        "    os._exit(0 if ok else 3)\n"
        "assert os.waitpid(pid, 0)[1] == 0\n"
        "assert 'katex' in render('$c$')\n"
    )
    assert result.returncode == 0, result.stderr


def test_engine_from_inside_an_event_loop():
    result = run_python(
        "import asyncio\n"
        "from markup.render import render\n"
        "async def main():\n"
        "    return render('$a$')\n"
        "assert 'katex' in asyncio.run(main())\n"
        "assert 'katex' in render('$b$')\n"
    )
    assert result.returncode == 0, result.stderr
