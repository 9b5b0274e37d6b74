"""Bounds on the lengths in KaTeX's markup (markup.katex_lengths, applied by the checker).

Formulas that ask for huge sizes, negative ones above all, which KaTeX's maxSize lets
through, come out with every length within bounds; a wide sample of ordinary formulas
comes out exactly as KaTeX wrote it.
"""

import logging
import re

import pytest

from markup import katex
from markup.katex_lengths import (
    ATTRIBUTE_BOUNDS,
    EXTENT,
    HORIZONTAL,
    MULTIPLE,
    PERCENT,
    STRETCHY,
    STYLE_BOUNDS,
    VERTICAL,
    clamp_lengths,
)
from markup.math import Math
from markup.render import render

ALIGNED_14_LINES = (
    r"\begin{aligned}"
    + r" \\ ".join(
        rf"f_{{{i}}}(x) &= \frac{{\partial^2 \mathcal{{L}}}}{{\partial \theta_{{{i}}}^2}}"
        rf" + \sum_{{j=1}}^{{n}} w_{{{i}j}} x_j"
        for i in range(14)
    )
    + r"\end{aligned}"
)
# As tall as formulas get: the renderer refuses formulas much larger than this.
COLUMN_100 = r"\begin{pmatrix}" + r" \\ ".join(f"x_{{{i}}}" for i in range(100)) + r"\end{pmatrix}"
MATRIX_10_BY_10 = (
    r"\begin{pmatrix}"
    + r" \\ ".join(" & ".join(f"a_{{{i}{j}}}" for j in range(10)) for i in range(10))
    + r"\end{pmatrix}"
)
CASES_15 = (
    r"\begin{cases}"
    + r" \\ ".join(rf"\frac{{{i}}}{{x+{i}}} & x \in [{i}, {i + 1})" for i in range(15))
    + r"\end{cases}"
)
ARROWS = (
    r"\xrightarrow[ab]{ABC} + \xRightarrow{ABC} \xrightleftharpoons[ab]{ABC} + "
    r"\xhookrightarrow[ab]{ABC} \xtwoheadrightarrow{ABC} + "
    r"\frac{\xrightarrow[ab]{ABC}}{\xrightarrow[ab]{ABC}}"
)

# What people write: the kinds of formulas in summaries of machine-learning papers, and
# KaTeX's own screenshot tests (matrices, big operators, braces, arrows, boxes, sizes,
# spaces, laps, phantoms, tall fractions and long environments).
ORDINARY = [
    r"x_i",
    r"e^{i\pi} + 1 = 0",
    r"\mathbb{E}_{x \sim p}[\log q(x)]",
    r"\sigma(z) = \frac{1}{1+e^{-z}}",
    r"\operatorname{softmax}(QK^\top)",
    r"\mathcal{L}(\theta) = -\sum_{i=1}^{N} \log p_\theta(y_i \mid x_i) + \lambda \|\theta\|_2^2",
    r"\operatorname{Attention}(Q,K,V) = \operatorname{softmax}\left(\frac{QK^\top}"
    r"{\sqrt{d_k}}\right) V",
    r"\begin{aligned} h_t &= \tanh(W_h h_{t-1} + W_x x_t + b) \\ y_t &= W_y h_t \end{aligned}",
    r"\mathbb{E}_{q(z|x)}\left[\log p(x|z)\right] - D_{\mathrm{KL}}\big(q(z|x) \,\|\, p(z)\big)",
    r"\begin{pmatrix} a & b \\ c & d \end{pmatrix}^{-1} = \frac{1}{ad-bc}"
    r"\begin{pmatrix} d & -b \\ -c & a \end{pmatrix}",
    r"f(x) = \begin{cases} x & x > 0 \\ \alpha (e^x - 1) & \text{otherwise} \end{cases}",
    r"\int_{-\infty}^{\infty} e^{-x^2}\,dx = \sqrt{\pi}",
    r"\frac{a}{b} \sqrt[3]{x} \sum_{i=1}^n \int_0^\infty \lim_{n\to\infty}",
    r"\begin{array}{|c|c|}\hline a & b \\ \hdashline c & d\\\hline\end{array}",
    r"\overbrace{a+b}^{n} \underbrace{c}_{m} \xrightarrow[b]{a} \overleftrightarrow{AB}",
    r"\cancel{x} \bcancel{y} \xcancel{z} \boxed{E} \fbox{t} \colorbox{yellow}{x}",
    r"\fcolorbox{red}{blue}{y} \color{red} x \textcolor{#00ff00}{y} \mathbb{R}",
    r"\left( \frac{a}{b} \right) \bigl( \Bigr) \widehat{xyz} \widetilde{abc}",
    r"\mathllap{a} \mathrlap{b} \phantom{x} \raisebox{0.5em}{x} \rule{1em}{2em}",
    r"\operatorname*{argmax}_x \binom{n}{k} \not\in \text{ok} \verb|x|",
    r"\begin{alignedat}{3} a &= 1 & b &= 2 &\quad c &= 3\\ 3a &= 3 & 17b &= 34 &\quad "
    r"400c &= 1200 \end{alignedat}",
    r"\left(\begin{array}{|rl:c||} 1&2&3\\ 1+1&2+1&3+1\cr1\over2&\scriptstyle 1/2&\frac12"
    r"\\[1ex] \begin{pmatrix}x\\y\end{pmatrix}&0&\begin{vmatrix}a&b\\c&d\end{vmatrix}"
    r"\end{array}\right]",
    r"\begin{bmatrix} 1 & 0 & \cdots & 0 \\ 0 & 1 & \cdots & 0 \\ \vdots & \vdots & \ddots "
    r"& \vdots \\ 0 & 0 & \cdots & 1 \end{bmatrix}",
    r"\dbinom{a}{b}\tbinom{a}{b}^{\binom{a}{b}+17}",
    r"\boxed{F=ma} \quad \color{magenta}{\boxed{F}} a \colorbox{teal} B \fcolorbox{blue}{red}{C}",
    r"a^{\big| x^{\big(}}_{\Big\uparrow} + i^{i^{\Huge x}_y}_{\Huge z} + \dfrac{\Huge x}{y}",
    r"\bigl\uparrow\Bigl\downarrow\biggl\updownarrow \Biggl\Uparrow\Biggr\Downarrow"
    r"\biggr\langle\Bigr\}\bigr\rfloor",
    ARROWS,
    r"\xrightarrow[\text{under a long label written here}]{\text{and a much longer label "
    r"above the arrow, for good measure}}",
    r"x \xleftarrow{\text{long arrow label}} y \xmapsto{f} z \xleftrightarrow[under]{over}",
    r"\dfrac{a}{b}\frac{a}{b}\tfrac{a}{b}\;-\dfrac12\;1\tfrac12\;{1 \atop 2}\; "
    r"\cfrac{1}{1+\cfrac{1}{x}}",
    r"{a \brace b} \; {a \brack b} \; \genfrac \{ ]{0.8pt}{0}{a}{b} \; {a \above1.0pt b}",
    r"\begin{gathered} x = \frac{1}{2} \\ y = \sum_{i=1}^n i \end{gathered} \approx "
    r"\begin{array}{c} x = \frac{1}{2} \\ y = \sum_{i=1}^n i \end{array}",
    r"\overbrace{\displaystyle{\oint_S{\vec E\cdot\hat n\,\mathrm d a}}}^\text{emf} = "
    r"\underbrace{\frac{q_{\text{enc}}}{\varepsilon_0}}_{\text{charge}}",
    r"\underbrace{\overbrace{a + b + c + d + e + f + g + h + i + j + k + l}^{\text{twelve "
    r"terms}} \cdot m}_{\text{the whole product}}",
    r"\frac{a\kern{1em}b}{c}a\kern{1em}b\kern{1ex}c\kern{-0.25em}d",
    r"\mathrm H\kern 1em\mathrm H {\scriptstyle \kern 1em} \mathrm H\mkern 18mu\mathrm H "
    r"\mathrm H\kern 1cm\mathrm H {\scriptstyle \kern 1cm}",
    r"\hspace{1em} \hspace{2cm} \quad \qquad \, \; \: \! \enspace \negthinspace "
    r"\negmedspace \negthickspace",
    r"A =\!= B \fbox{\$1,\!000,\!000} (a \cdot b) \mkern1mu\mathbin{\mathrm{mod}}\mkern1mu 257",
    r"\left( x^2 \middle/ \right) \left(x\middle|y\,\middle|\,z\right) "
    r"\left\{ x^{x^{x^{x^x}}} \right.",
    r"\displaystyle\int\limits_2^3 3x^2\,dx + \sum\nolimits^n_{i=1}i + "
    r"\textstyle\int\limits_x^y z",
    r"\underleftarrow{AB} \underrightarrow{AB} \undergroup{AB} \underlinesegment{AB} "
    r"\utilde{AB}",
    r"\overrightarrow{AB} \Overrightarrow{AB} \overgroup{AB} \overlinesegment{AB} "
    r"\widecheck{AB} \widehat{ABC} \widetilde{ABC}",
    r"\not=\not>\not\geq\not\in\not<\not\leq\not{abc} a \neq b \notin c",
    r"x\underline{x}\underline{\underline{x}}\overline{x^{x^{x^x}}} x\overset?=1 "
    r"\underset{*}{x}^2 a\overset{b+c=0}\longrightarrow d",
    r"\dfrac{1+\phantom{x^{2}} = x}{1+x^{2} = x} \left(\vphantom{\int_t} zzz \right) "
    r"\left( X \hphantom{\frac{\frac X X}{X}} \right)",
    r"\frac{a}{a\raisebox{0.5em}{b}} \cdot \frac{a\raisebox{-0.5em}{b}}{a} \cdot "
    r"\sqrt{a\raisebox{0.5em}{b}\raisebox{-0.5em}{b}}",
    r"A \xrightleftarrows{over} B \xrightequilibrium{over} C \xleftequilibrium{over} D",
    r"a\kern1emb^{a\kern1emb^{a\kern1emb}} \rule{1em}{1em}^{\rule{1em}{1em}}"
    r"\rule{18mu}{18mu} \rule{1em}{0.5em}\rule{1ex}{2ex}\rule{1em}{0.431ex}",
    r"{\tiny a+b}a+b{\Huge a+b} {\Huge x}{\LARGE y}{\scriptsize w}\sqrt[\small 3]{x+1}",
    r"\left( X^{\smash 2} \right) \sqrt{\smash[b]{y}} \frac{\mathrlap{x}}{2}",
    r"\sqrt{\sqrt{\sqrt{x}}}_{\sqrt{\sqrt{x}}}^{\sqrt{\sqrt{\sqrt{x}}}^{\sqrt{\sqrt{\sqrt{x}}}}}",
    r"1+\sqrt[3]{2}+\sqrt[1923^234]{2^{2^{2^{2^{2^{2^{2^{2^{2^{2^{2^2}}}}}}}}}}}",
    r"a \stackrel{?}{=} b \stackrel{\text{def}}{=} c \sout{5ab} "
    r"\frac{x+\cancel B}{x+\cancel x}",
    r"\sum_{\substack{0<i<m \\ 0<j<n}} P(i,j) \prod_{k=1}^{\infty} \bigcup_{i} A_i "
    r"\bigoplus_{j} V_j \iiint_V f \oint_C \omega",
    r"\begin{smallmatrix} a & b \\ c & d \end{smallmatrix} \begin{Vmatrix} a & b \\ c & d "
    r"\end{Vmatrix} \begin{dcases} a & b \\ c & d \end{dcases} \begin{rcases} a \\ c "
    r"\end{rcases}",
    r"\def\arraystretch{1.5} \begin{array}{cc} a & b \\ c & d \end{array} "
    r"\begin{darray}{cc} a & b \end{darray}",
    r"\Big( \frac{\frac{\frac{a}{b}}{\frac{c}{d}}}{\frac{\frac{e}{f}}{\frac{g}{h}}} \Big) "
    r"x = a_0 + \cfrac{1}{a_1 + \cfrac{1}{a_2 + \cfrac{1}{a_3 + \cfrac{1}{a_4}}}}",
    r"\begin{matrix}\text{ÀàÇçÉé} \\ \text{БГДЖЗЙ} \\ \text{여보세요} \end{matrix} "
    r"\href{https://example.com}{x}",
    ALIGNED_14_LINES,
    COLUMN_100,
    MATRIX_10_BY_10,
    CASES_15,
]
# Environments KaTeX only sets as display math.
DISPLAY_ONLY = [
    r"\tag{1} a=b",
    r"\begin{align} a &= b \\ c &= d \end{align}",
    r"\begin{gather} a = b \\ c = d \end{gather}",
    r"\begin{CD} A @>a>> B \\ @VbVV @AAcA \\ C @= D \end{CD}",
    r"\begin{equation} E = mc^2 \end{equation}",
    r"\begin{split} a &= b + c \\ &= d \end{split}",
]

# Sizes asked for through every command that takes one, far out both ways.
HUGE_SIZES = [
    r"\kern-1000em x",
    r"\kern1000em x",
    r"\kern-1000cm x",
    r"\kern-1000ex x",
    r"\kern-10000pt x",
    r"\mkern-18000mu x",
    r"\mskip-18000mu x",
    r"\hskip-1000em x",
    r"\hspace{-1000em} x",
    r"\hspace*{-1000em} x",
    r"{\Huge\kern-1000em} {\scriptscriptstyle\kern-1000cm} {\tiny\kern-1000em}",
    r"\raisebox{1000em}{x} \raisebox{-1000em}{x}",
    r"\smash{\raisebox{-1000em}{x}} \smash[t]{\raisebox{1000em}{x}}",
    r"\rule{1000em}{1000em} \rule{-1000em}{-1000em}",
    r"\rule[-1000em]{1em}{1em} \rule[1000em]{1em}{1em}",
    r"\colorbox{red}{\rule{1000em}{1000em}} \fcolorbox{red}{blue}{\kern-1000em x}",
    r"\begin{matrix} a \\[-1000em] b \\[1000em] c \end{matrix}",
    r"\def\arraystretch{1000} \begin{matrix} a \\ b \end{matrix}",
    r"{a \above{1000em} b} \genfrac(]{1000em}{0}{a}{b}",
    r"\llap{\rule{1000em}{1em}} \mathllap{\kern-1000em x} \rlap{\rule{1000em}{1em}}",
    r"\phantom{\rule{1000em}{1000em}} \hphantom{\kern-1000em} \vphantom{\raisebox{-1000em}{x}}",
    r"\mathchoice{\kern-1000em}{\kern-1000em}{\kern-1000em}{\kern-1000em}",
    r"\sqrt[\kern-1000em]{x} \xrightarrow[\kern-1000em]{\kern-1000em} \overset{\kern-1000em}{x}",
    r"\boxed{\kern-1000em x} \cancel{\kern-1000em x} \mathrel{\kern-1000em}",
]

# A length: sign and number, unit.
_LENGTH_RE = re.compile(r"([+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)([a-z%]*)")
_STYLED_RE = re.compile(r'<(span|svg)\b[^>]*?\sstyle="([^"]*)"')
_TAG_RE = re.compile(r"<([a-z]+)\b([^<>]*)>")
_ATTRIBUTE_RE = re.compile(r'([a-zA-Z][a-zA-Z0-9:-]*)="([^"]*)"')


def raw_katex(tex, display):
    """KaTeX's markup as it comes, before the checker."""
    return katex.render_maths([Math(f"${tex}$", tex, display)], sanitize=False)[0]


def bounded_lengths(html):
    """Every value that the bounds apply to: (where, value, bounds), style declarations
    first, then attributes, each in document order."""
    found = []
    for tag, style in _STYLED_RE.findall(html):
        for declaration in style.split(";"):
            name, _, value = (part.strip() for part in declaration.partition(":"))
            if name in STYLE_BOUNDS:
                found.append((f"{tag} {name}", value, STYLE_BOUNDS[name]))
    for tag, attributes in _TAG_RE.findall(html):
        for name, value in _ATTRIBUTE_RE.findall(attributes):
            bounds = ATTRIBUTE_BOUNDS.get(tag, {}).get(name)
            if bounds:
                found.append((f"<{tag} {name}>", value, bounds))
    return found


def out_of_bounds(html):
    """The lengths outside their bounds. KaTeX writes its own constants in pt and px
    (a \\colorbox's 3pt margin), never sizes a formula asks for: those are checked for
    staying small, whatever their unit."""
    wrong = []
    for where, value, (low, high) in bounded_lengths(html):
        for number, unit in _LENGTH_RE.findall(value):
            size = float(number)
            if unit == "%":
                ok = PERCENT[0] <= size <= PERCENT[1]
            elif unit in ("width", "height", "depth"):
                ok = MULTIPLE[0] <= size <= MULTIPLE[1]
            elif unit in ("em", ""):
                ok = low <= size <= high
            else:
                ok = unit in ("pt", "px") and abs(size) <= 10
            if not ok:
                wrong.append((where, value))
    return wrong


@pytest.mark.parametrize("display", [False, True], ids=["inline", "display"])
def test_ordinary_formulas_come_out_as_katex_wrote_them(display, caplog):
    formulas = ORDINARY + (DISPLAY_ONLY if display else [])
    with caplog.at_level(logging.WARNING, logger="markup.katex"):
        for tex in formulas:
            raw = raw_katex(tex, display)
            assert "math-error" not in raw, tex
            cleaned = katex.clean_katex_or_bleach(raw, {})
            assert bounded_lengths(raw), tex
            assert bounded_lengths(cleaned) == bounded_lengths(raw), tex
    assert caplog.text == ""


def test_the_sample_reaches_far_enough_to_measure_the_bounds():
    # The bounds were chosen from this sample: it must hold its tallest and widest cases.
    raw = raw_katex(COLUMN_100, True)
    heights = [float(v[:-2]) for w, v, _ in bounded_lengths(raw) if w == "span height"]
    assert 100 < max(heights) < VERTICAL[1]
    raw = raw_katex(ARROWS, False)  # stretchy arrows: KaTeX draws them 400em wide, cropped
    widths = [v for w, v, _ in bounded_lengths(raw) if w == "<svg width>"]
    assert f"{STRETCHY[1]:g}em" in widths


@pytest.mark.parametrize("tex", HUGE_SIZES)
@pytest.mark.parametrize("display", [False, True], ids=["inline", "display"])
def test_huge_sizes_come_out_within_bounds(tex, display, caplog):
    with caplog.at_level(logging.WARNING, logger="markup.katex"):
        html = render(f"$${tex}$$" if display else f"${tex}$")
    assert "math-error" not in html
    assert caplog.text == ""
    assert bounded_lengths(html)
    assert out_of_bounds(html) == []


def test_huge_sizes_are_out_of_bounds_as_katex_writes_them():
    # Without the bounds the same formulas go far out, so the test above can fail; only
    # positive sizes asked for are held by KaTeX's maxSize alone.
    within = [tex for tex in HUGE_SIZES if not out_of_bounds(raw_katex(tex, False))]
    assert within == [r"\kern1000em x", r"{a \above{1000em} b} \genfrac(]{1000em}{0}{a}{b}"]


@pytest.mark.parametrize(
    ("tex", "expected"),
    [
        # Spaces: the HTML's margin and the MathML's mspace alike.
        (r"\kern-1000em x", ['style="margin-right:-5em"', '<mspace width="-5em"/>']),
        (r"\mkern-18000mu x", ['style="margin-right:-5em"', '<mspace width="-5em"/>']),
        (r"\hspace{-30em} x", ['style="margin-right:-5em"', '<mspace width="-5em"/>']),
        # maxSize holds what is asked for above: 20em.
        (r"\kern1000em x", ['style="margin-right:20em"', '<mspace width="20em"/>']),
        (
            r"\rule{1000em}{1000em}",
            ["border-right-width:20em;border-top-width:20em", 'width="20em" height="20em"'],
        ),
        # Raised and lowered: positions, struts and the MathML's voffset.
        (r"\raisebox{-1000em}{x}", ["top:200em", "vertical-align:-200em", 'voffset="-200em"']),
        (r"\rule[-1000em]{1em}{1em}", ["bottom:-200em", 'voffset="-200em"', 'depth="200em"']),
        (r"\begin{matrix} a \\[-1000em] b \end{matrix}", ["top:-200em", "height:200em"]),
    ],
)
def test_lengths_are_clamped_to_their_bounds(tex, expected):
    html = render(f"${tex}$")
    for piece in expected:
        assert piece in html


@pytest.mark.parametrize(
    ("value", "bounds", "expected"),
    [
        # Within bounds: as written, character for character.
        ("0.4306em", VERTICAL, "0.4306em"),
        ("-0.25em", HORIZONTAL, "-0.25em"),
        ("+6pt", HORIZONTAL, "+6pt"),
        ("-1width", HORIZONTAL, "-1width"),
        ("100%", EXTENT, "100%"),
        ("0", EXTENT, "0"),
        ("0 -0.02em", HORIZONTAL, "0 -0.02em"),
        ("400em", STRETCHY, "400em"),
        ("solid #ff0000", EXTENT, "solid #ff0000"),
        # Outside: the nearest bound, in the value's own unit.
        ("-30em", HORIZONTAL, "-5em"),
        ("30em", HORIZONTAL, "25em"),
        ("-1000em", VERTICAL, "-200em"),
        ("1e21em", HORIZONTAL, "25em"),
        ("-1E+300em", VERTICAL, "-200em"),
        ("1" * 400 + "em", VERTICAL, "200em"),
        ("-300mu", HORIZONTAL, "-90mu"),
        ("-100ex", HORIZONTAL, "-10ex"),
        ("-100pt", HORIZONTAL, "-50pt"),
        ("+1000pt", HORIZONTAL, "+250pt"),
        ("-3000px", VERTICAL, "-2000px"),
        ("-3width", HORIZONTAL, "-2width"),
        ("1000%", EXTENT, "100%"),
        ("0 -30em 0 1000em", HORIZONTAL, "0 -5em 0 25em"),
        ("1000em", STRETCHY, "400em"),
        # Not a length in a unit KaTeX writes: refused whole.
        ("5em-3em", HORIZONTAL, None),
        ("1.5.5em", HORIZONTAL, None),
        ("-1cm", HORIZONTAL, None),
        ("10vh", VERTICAL, None),
        ("2rem", VERTICAL, None),
        ("1em 3vw", HORIZONTAL, None),
    ],
)
def test_clamp_lengths(value, bounds, expected):
    assert clamp_lengths(value, bounds) == expected


def test_checker_bounds_style_and_mathml_and_remembers_the_result():
    memo = {}
    cleaned = katex.clean_katex(
        '<span class="katex" style="margin-right:-1000em;top:-1e9em;height:1000000em;'
        'color:red;margin-left:-2cm;width:10em"><math><mspace width="-1000em"></mspace>'
        '<mpadded voffset="1000em" lspace="-1000em" width="+1000pt" height="3vw">x</mpadded>'
        "</math></span>",
        memo,
    )
    assert cleaned == (
        '<span class="katex" style="margin-right:-5em;top:-200em;height:200em;color:red;'
        'width:10em"><math><mspace width="-5em"></mspace>'
        '<mpadded voffset="200em" lspace="-5em" width="+250pt">x</mpadded></math></span>'
    )
    # Clamped once per distinct attribute string, as the rest of the check is.
    assert memo[("mspace", ' width="-1000em"')] == ' width="-5em"'


def test_bleach_fallback_is_bounded_too(caplog):
    fragment = (
        '<span class="katex"><img src=x><span style="margin-right:-1000em;top:-1000em">x</span>'
        '<math><mspace width="-1000em"/><mpadded voffset="1000em" depth="2vh">y</mpadded>'
        "</math></span>"
    )
    with caplog.at_level(logging.WARNING, logger="markup.katex"):
        cleaned = katex.clean_katex_or_bleach(fragment, {})
    assert "Unexpected KaTeX markup" in caplog.text
    assert "-1000em" not in cleaned and "1000em" not in cleaned and "2vh" not in cleaned
    assert "margin-right:-5em" in cleaned and "top:-200em" in cleaned
    assert 'width="-5em"' in cleaned and 'voffset="200em"' in cleaned


def test_every_length_the_checker_keeps_has_bounds():
    # A property or attribute added to the allowlist later must get bounds too.
    assert set(katex.KATEX_CSS_PROPERTIES) - set(STYLE_BOUNDS) == {
        "background-color",
        "border-color",
        "border-right-style",
        "border-style",
        "color",
        "position",
    }
    assert set(STYLE_BOUNDS) <= set(katex.KATEX_CSS_PROPERTIES)
    allowed = {t: a for group in katex._KATEX_ELEMENTS.values() for t, a in group.items()}
    for tag, names in ATTRIBUTE_BOUNDS.items():
        assert set(names) <= allowed[tag], tag
    for tag, names in {"mspace": {"width", "height", "depth"}, "mpadded": {"voffset"}}.items():
        assert names <= set(ATTRIBUTE_BOUNDS[tag])
