"""KaTeX: what it renders, the limits on input, the check of its markup, the engine."""

import logging
import re
from concurrent.futures import ThreadPoolExecutor

import pytest

from markup import katex
from markup.render import render

from .helpers import katex_count, run_python, visible


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


# --- The check of KaTeX's markup ---------------------------------------------------------


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
    with caplog.at_level(logging.WARNING, logger="markup.katex"):
        cleaned = katex.clean_katex_or_bleach(fragment, {})
    assert "Unexpected KaTeX markup" in caplog.text
    assert "<img" not in cleaned and "<script" not in cleaned and "onerror" not in cleaned
    assert "position" not in cleaned and "top:0" in cleaned


def test_katex_checker_drops_what_is_not_allowed():
    cleaned = katex.clean_katex(
        '<span class="katex x" style="position:fixed;top:url(x);height:1em;color:red" '
        'onclick="alert(1)" id="a"><math xmlns="http://evil.example/"><mi href="x">a</mi>'
        "</math></span>",
        {},
    )
    assert cleaned == (
        '<span class="katex x" style="height:1em;color:red"><math><mi>a</mi></math></span>'
    )
    for bad in ("<span><script>x</script></span>", "<span>a<b</span>", "<span>", "<math><span>"):
        with pytest.raises(katex.Unexpected):
            katex.clean_katex(bad, {})


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
    with caplog.at_level(logging.WARNING, logger="markup.katex"):
        html = render("\n\n".join(f"$${f}$$" for f in formulas))
    assert "math-error" not in html
    assert katex_count(html) == len(formulas)
    assert caplog.text == ""


# --- The engine ------------------------------------------------------------------------------


def test_threads_share_the_engine_safely():
    texts = [f"Formula {i}: $x_{{{i}}} + \\frac{{{i}}}{{2}}$ and `code $x$`" for i in range(12)]
    expected = [render(t) for t in texts]
    with ThreadPoolExecutor(max_workers=4) as pool:
        assert list(pool.map(render, texts)) == expected


def test_process_exits_cleanly_after_rendering():
    result = run_python("from markup.render import render; print(render('$x^2$'))")
    assert result.returncode == 0, result.stderr
    assert "katex" in result.stdout


def test_process_exits_cleanly_after_timeouts():
    result = run_python(
        "import markup.katex as k\n"
        "from markup.render import Refused, render\n"
        "k._BATCH_TIMEOUT = k._FORMULA_TIMEOUT = 1e-9\n"
        "try:\n"
        "    render('$a$ $b$ $c$')\n"
        "except Refused as error:\n"
        "    print(error)\n"
    )
    assert result.returncode == 0, result.stderr
    assert "formulas of this text take more than" in result.stdout


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
