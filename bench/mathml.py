"""Compare KaTeX's MathML-only output with the site's htmlAndMathml: size, time and looks.

Run from the project root: .venv/bin/python bench/mathml.py [--out DIR] [--runs N]
[--no-screenshots]. See docs/mathml.md for what it found.

Renders a set of formula-heavy texts (the demo content with math, and one text per kind
of construct) through markup.render twice: with KATEX_OPTIONS as they are
(``output: "htmlAndMathml"``) and with ``output: "mathml"``. It prints, per mode, the
HTML bytes (raw and gzipped), the CPU time of the formulas (markup.katex.render_maths:
KaTeX plus the check of its markup, median of --runs runs per text), and the MathML-only
to htmlAndMathml ratios; then the MathML-only markup that Chromium does not lay out
(mathvariant values other than "normal", menclose).

It writes one page per mode into --out (default /tmp/mathml-eval) with the site's CSS
(the MathML page without katex.min.css, with STIX Two Math from static/vendor), serves
them on a local port and takes screenshots with Debian's Chromium at 1280 and 360 px:
whole pages per mode, side-by-side pairs of them, and one image per construct
(detail-WIDTH-NN-NAME.png: the two modes one above the other, at twice the pixel density).
"""

import argparse
import contextlib
import gzip
import html
import os
import re
import statistics
import sys
import threading
import time
from collections import Counter
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shortscience.settings")
os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("SECRET_KEY", "x")

import django  # noqa: E402

django.setup()

from markup import katex  # noqa: E402
from markup.math import DOLLAR, normalize, protect  # noqa: E402
from markup.render import render  # noqa: E402
from summaries import demo_content  # noqa: E402
from tests.chromium import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

STATIC = ROOT / "static"
MODES = ("htmlAndMathml", "mathml")
WIDTHS = (1280, 360)
MATH_FONT = "STIX Two Math"
MATH_FONT_URL = "/static/vendor/stix-two-math/STIXTwoMath-Regular.woff2"

# One text per construct; each is also a row of the detail screenshots.
CONSTRUCTS = [
    (
        "fractions",
        r"""Inline $\frac{1}{2}$, $\frac{a+b}{c-d}$ and nested $\frac{1}{1+\frac{1}{x}}$;
a binomial $\binom{n}{k}$ and $\tfrac12 < \dfrac{3}{4}$.

$$
\frac{\partial^2 u}{\partial t^2} = c^2 \frac{\partial^2 u}{\partial x^2},
\qquad
x = \cfrac{1}{2 + \cfrac{1}{2 + \cfrac{1}{2}}}
$$""",
    ),
    (
        "big operators",
        r"""Inline $\sum_{i=1}^{n} x_i$, $\int_0^1 f(x)\,dx$ and $\prod_{k} p_k$.

$$
\sum_{i=1}^{n} \prod_{j \ne i} \frac{x - x_j}{x_i - x_j},
\quad \int_{-\infty}^{\infty} e^{-x^2}\,dx = \sqrt{\pi},
\quad \oint_{\partial \Omega} \omega,
\quad \lim_{n \to \infty} \Big(1 + \frac{1}{n}\Big)^n,
\quad \theta^* = \operatorname*{arg\,max}_{\theta} \sum_{\substack{i < j \\ i, j \in S}} w_{ij}
$$""",
    ),
    (
        "matrices",
        r"""$$
\begin{pmatrix} a_{11} & \cdots & a_{1n} \\ \vdots & \ddots & \vdots \\
a_{m1} & \cdots & a_{mn} \end{pmatrix}
\begin{bmatrix} x_1 \\ \vdots \\ x_n \end{bmatrix},
\quad
\begin{vmatrix} a & b \\ c & d \end{vmatrix} = ad - bc
$$

$$
\begin{aligned}
h_t &= \tanh(W_h h_{t-1} + W_x x_t + b) \\
y_t &= \operatorname{softmax}(W_y h_t), \quad t = 1, \dots, T
\end{aligned}
\qquad
f(x) = \begin{cases} x & \text{if } x > 0 \\ \alpha (e^x - 1) & \text{otherwise} \end{cases}
$$""",
    ),
    (
        "accents",
        r"""Estimates $\hat{y}$, $\hat\theta_t$, means $\bar{x}$, $\overline{AB}$, $\tilde{p}$,
vectors $\vec{v}$, derivatives $\dot{x}$, $\ddot{x}$, wide $\widehat{xyz}$,
$\widetilde{abc}$, $\overrightarrow{AB}$.

$$
\hat{\mathbf{x}} = \bar{x} + \tilde{\epsilon},
\quad \underbrace{x_1 + \cdots + x_n}_{n \text{ terms}},
\quad \overbrace{a + b}^{2},
\quad A \xrightarrow[\text{avg}]{f} B
$$""",
    ),
    (
        "roots",
        r"""Roots $\sqrt{2}$, $\sqrt{x^2 + y^2}$, $\sqrt[3]{x}$, $\sqrt[n]{\frac{a}{b}}$.

$$
\sqrt{d_k}, \quad \sqrt[3]{\frac{1}{1 + e^{-\theta}}},
\quad \sqrt{1 + \sqrt{1 + \sqrt{1 + x}}},
\quad \sqrt{\sum_{i=1}^{n} x_i^2}
$$""",
    ),
    (
        "delimiters",
        r"""Inline $\left( \frac{a}{b} \right)$ and $\left\| x \right\|_2$.

$$
\left( \frac{QK^\top}{\sqrt{d_k}} \right),
\quad \left[ \sum_{i=1}^{n} x_i \right]^2,
\quad \left\{ x \in \mathbb{R} \;\middle|\; x^2 < 2 \right\},
\quad \left\langle \frac{u}{2}, v \right\rangle,
\quad \left\lfloor \frac{n}{2} \right\rfloor,
\quad \big( \Big( \bigg( \Bigg( x \Bigg) \bigg) \Big) \big),
\quad \left. \frac{df}{dx} \right|_{x = 0}
$$""",
    ),
    (
        "scripts",
        r"""Indices $x_i^2$, $y_{ij}^{(k)}$, $x_{i_1}^{2^{k}}$, $A^\top_{ij}$, $e^{-x^2/2}$,
$W^{[l]}_{jk}$, ${}_n C_k$, $p'_t$ and $f''(x)$.

$$
e^{-\frac{(x - \mu)^2}{2 \sigma^2}}, \quad a_{n_{k_j}}, \quad 2^{2^{2^n}},
\quad \Gamma^{\lambda}_{\mu\nu}, \quad x^{(i)}_{t+1}
$$""",
    ),
    (
        "text in math",
        r"""Words $\text{if } x > 0 \text{ and } y \in S$, a unit $5\,\text{ms}$,
$\operatorname{softmax}(z)_i$, $\mathrm{d}x$, $D_{\mathrm{KL}}(q \,\|\, p)$, $\log p(x)$.

$$
\text{loss} = \sum_{\text{batch}} \ell(\hat{y}, y) \quad \text{where } \ell \text{ is the
cross-entropy}, \quad \mathbb{E}_{x \sim \text{data}}[\log D(x)]
$$""",
    ),
    (
        "alphabets",
        r"""Sets $\mathbb{R}^{n \times d}$, $\mathbb{N}$, $\mathbb{E}[X]$, $\mathbb{P}(A)$; losses
$\mathcal{L}$, $\mathcal{N}(0, I)$, $\mathcal{O}(n \log n)$; $\mathbf{x}$, $\mathbf{W}$,
$\boldsymbol{\theta}$, $\mathfrak{g}$, $\mathsf{A}$, $\mathtt{x}$, $\mathscr{F}$; Unicode
$ℝ$, $ℕ$.

$$
\mathcal{L}(\boldsymbol{\theta}) = \mathbb{E}_{(\mathbf{x}, y) \sim \mathcal{D}}
\left[ \ell(f_{\boldsymbol{\theta}}(\mathbf{x}), y) \right],
\quad \mathbf{W} \in \mathbb{R}^{d \times k}
$$""",
    ),
    (
        "inline paragraph",
        r"""Inside running text, formulas must sit on the baseline without pushing lines apart:
the sigmoid $\sigma(z) = \frac{1}{1 + e^{-z}}$ maps $\mathbb{R}$ to $(0, 1)$, the
sum $\sum_{i=1}^{n} x_i$ is bounded by $n \max_i |x_i|$, the norm $\|w\|_2^2$ is
$\sqrt{\sum_j w_j^2}$ squared, and $p(y \mid x) \propto e^{\beta \langle w, x \rangle}$ for
every $x \in \mathcal{X}$. A line with nothing tall in it follows, so that the spacing of
the lines can be compared; and then one more with $\hat{y}_t$, $\theta^*$, $\nabla_\theta
\mathcal{L}$ and $O(n^2)$ in it, to end the paragraph.""",
    ),
    (
        "enclosures and spacing",
        r"""Cancelled $\cancel{x}$, boxed $\boxed{E = mc^2}$, phantom $a\phantom{bb}c$,
spaces $a\,b\;c\quad d\qquad e\!f$, $x \neq y$, $a \not\in B$, $a \stackrel{?}{=} b$,
$\overset{\text{def}}{=}$, $\color{red} x$.

$$
\boxed{\nabla \cdot \mathbf{E} = \frac{\rho}{\varepsilon_0}}
\qquad a \equiv b \pmod{n}
$$""",
    ),
]


def demo_texts():
    """(name, flavor, Markdown) of every demo text with a formula in it."""
    texts = []
    groups = [
        ("summary", demo_content.SUMMARIES, "body", lambda d: f"{d['paper']} by {d['author']}"),
        ("comment", demo_content.COMMENTS, "body", lambda d: f"on {d['summary'][0]}"),
        ("comment", demo_content.USERS, "bio", lambda d: f"bio of {d['username']}"),
        ("abstract", demo_content.PAPERS, "abstract", lambda d: d["bibtex_key"]),
    ]
    for flavor, items, key, name in groups:
        for item in items:
            text = item.get(key) or ""
            if formulas(text):
                texts.append((f"demo {flavor}: {name(item)}", flavor, text))
    return texts


def formulas(text):
    return [m for m in protect(normalize(text), "0" * 16).maths if m is not DOLLAR]


@contextlib.contextmanager
def output_mode(mode):
    """KaTeX's output option for the duration. The engine is not rebuilt: _Engine.render
    passes KATEX_OPTIONS to the JavaScript on every call, so nothing of it is baked in."""
    with mock.patch.dict(katex.KATEX_OPTIONS, output=mode):
        yield


def measure(texts, runs):
    """Per mode: the rendered HTML of each text and the median CPU seconds of its formulas."""
    results = {}
    for mode in MODES:
        with output_mode(mode):
            render("$x$")  # the engine's start is no text's cost
            rendered, seconds = [], []
            for _, flavor, text in texts:
                rendered.append(render(text, flavor=flavor))
                maths = protect(normalize(text), "0" * 16).maths
                times = []
                for _ in range(runs):
                    started = time.process_time()
                    katex.render_maths(maths)
                    times.append(time.process_time() - started)
                seconds.append(statistics.median(times))
        results[mode] = rendered, seconds
    return results


def report(texts, results):
    counts = [len(formulas(text)) for _, _, text in texts]
    print(f"{len(texts)} texts, {sum(counts)} formulas\n")
    heads = ("math", "KB html+mml", "KB mml", "ms html+mml", "ms mml")
    print(f"{'text':<44} {heads[0]:>4} {heads[1]:>11} {heads[2]:>7} {heads[3]:>11} {heads[4]:>7}")
    (html_a, ms_a), (html_b, ms_b) = results[MODES[0]], results[MODES[1]]
    for i, (name, _, _) in enumerate(texts):
        print(
            f"{name[:44]:<44} {counts[i]:4} {len(html_a[i].encode()) / 1024:11.1f} "
            f"{len(html_b[i].encode()) / 1024:7.1f} {ms_a[i] * 1000:11.2f} {ms_b[i] * 1000:7.2f}"
        )
    print()
    totals = {}
    for mode in MODES:
        pages, seconds = results[mode]
        raw = sum(len(p.encode()) for p in pages)
        packed = sum(len(gzip.compress(p.encode(), 6)) for p in pages)
        median = statistics.median(seconds)
        totals[mode] = raw, packed, sum(seconds), median
        print(
            f"{mode:<14} HTML {raw:>9,} bytes, gzipped {packed:>8,} bytes; formulas "
            f"{sum(seconds) * 1000:6.1f} ms CPU in all, median {median * 1000:.2f} ms per text, "
            f"{sum(seconds) / sum(counts) * 1000:.3f} ms per formula"
        )
    a, b = totals[MODES[0]], totals[MODES[1]]
    print(
        f"ratio {MODES[1]}/{MODES[0]}: bytes {b[0] / a[0]:.3f}, gzipped {b[1] / a[1]:.3f}, "
        f"CPU in all {b[2] / a[2]:.3f}, median per text {b[3] / a[3]:.3f}"
    )
    print("\nMathML-only markup outside what Chromium lays out (MathML Core), all texts / demo:")
    found = {"all": Counter(), "demo": Counter()}
    for (name, _, _), page in zip(texts, results["mathml"][0], strict=True):
        seen = Counter(f'mathvariant="{v}"' for v in re.findall(r'mathvariant="([^"]+)"', page))
        seen.update("<menclose>" for _ in re.findall(r"<menclose\b", page))
        del seen['mathvariant="normal"']
        found["all"].update(seen)
        if name.startswith("demo"):
            found["demo"].update(seen)
    for name, count in found["all"].most_common():
        print(f"  {count:5} / {found['demo'][name]:<5} {name}")


def page_html(mode, texts, rendered):
    links = ["/static/vendor/bootstrap/css/bootstrap.min.css"]
    if mode != "mathml":
        links.append("/static/vendor/katex/katex.min.css")
    links += ["/static/vendor/pygments/pygments.css", "/static/css/site.css"]
    style = ""
    if mode == "mathml":
        # The font, and the site's rule for display math carried over from .katex-display
        # (which MathML-only output does not have) to <math display="block">.
        style = f"""<style>
@font-face {{ font-family: "{MATH_FONT}"; src: url("{MATH_FONT_URL}") format("woff2"); }}
math {{ font-family: "{MATH_FONT}", math; }}
.rendered math[display="block"] {{
  overflow-x: auto; overflow-y: hidden; padding: .25rem 0; margin: 1em 0;
}}
</style>"""
    head = "".join(f'<link rel="stylesheet" href="{href}">\n' for href in links)
    sections = "".join(
        f'<section class="mb-4 border-bottom" id="t{i}"><h2 class="h6 text-secondary">'
        f'{html.escape(name)}</h2><div class="summary-body rendered">{body}</div></section>\n'
        for i, ((name, _, _), body) in enumerate(zip(texts, rendered, strict=True))
    )
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>KaTeX output: {mode}</title>
{head}{style}</head>
<body class="page"><main class="container site-main py-3">
<h1 class="h4">KaTeX output: {mode}</h1>
{sections}</main></body></html>
"""


def serve(out):
    """A local server: /static/ from the project, everything else from the output dir."""

    class Handler(SimpleHTTPRequestHandler):
        def translate_path(self, path):
            if path.startswith("/static/"):
                return str(STATIC / path.split("?")[0][len("/static/") :])
            return super().translate_path(path)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(Handler, directory=str(out)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def screenshots(out):
    from playwright.sync_api import sync_playwright

    server = serve(out)
    base = f"http://127.0.0.1:{server.server_port}"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for width in WIDTHS:
                for mode in MODES:
                    whole_page(browser, base, out, mode, width)
                for mode in MODES:
                    details(browser, base, out, mode, width)
                compose(browser, base, out, width)
            browser.close()
    finally:
        server.shutdown()
    for part in out.glob("_*.png"):
        part.unlink()


def whole_page(browser, base, out, mode, width):
    """The page's screenshot, and what it loaded and how it laid out display math."""
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    loaded = []
    page.on("requestfinished", lambda request: loaded.append(request))
    page.goto(f"{base}/{mode}.html")
    font = page.evaluate(FONT_CHECK, MATH_FONT if mode == "mathml" else "KaTeX_Main")
    page.screenshot(path=out / f"{mode}-{width}.png", full_page=True)
    height, clipped = page.evaluate("document.body.scrollHeight"), page.evaluate(CLIPPED)
    sizes = Counter()
    for request in loaded:
        if request.resource_type in ("font", "stylesheet"):
            sizes[request.resource_type] += request.sizes()["responseBodySize"]
    context.close()
    print(
        f"{width:5} px {mode:<14} {height:6} px tall; math font loaded: {font}; fetched "
        f"{sizes['stylesheet']:,} bytes of CSS, {sizes['font']:,} bytes of fonts; display "
        f"formulas wider than their box and not scrollable: {clipped}"
    )


def details(browser, base, out, mode, width):
    """Each construct's section, at twice the pixel density."""
    context = browser.new_context(viewport={"width": width, "height": 900}, device_scale_factor=2)
    page = context.new_page()
    page.goto(f"{base}/{mode}.html")
    page.evaluate(FONT_CHECK, MATH_FONT if mode == "mathml" else "KaTeX_Main")
    for i in range(len(CONSTRUCTS)):
        page.locator(f"#t{i}").screenshot(path=out / f"_{mode}-{width}-{i}.png")
    context.close()


FONT_CHECK = """async (family) => {
  await document.fonts.ready;
  return document.fonts.check(`16px "${family}"`);
}"""
# Display math whose content is wider than its box, in a box that does not scroll: what
# the .rendered containers would clip.
CLIPPED = """() => Array.from(document.querySelectorAll(
    '.katex-display, math[display="block"]:not(.katex-mathml math)')).filter((el) => {
  const style = getComputedStyle(el);
  return el.scrollWidth > el.clientWidth + 1 && style.overflowX !== 'auto';
}).length"""


def compose(browser, base, out, width):
    """Side-by-side PNGs, drawn by Chromium from the screenshots (no imaging library)."""
    (out / "_compose.html").write_text(
        '<!doctype html><body style="margin:0;background:#777;font:14px sans-serif">'
        '<div style="display:flex;gap:8px;align-items:flex-start">'
        f'<img src="htmlAndMathml-{width}.png"><img src="mathml-{width}.png"></div></body>'
    )
    context = browser.new_context(viewport={"width": 2 * width + 8, "height": 900})
    page = context.new_page()
    page.goto(f"{base}/_compose.html")
    page.wait_for_load_state("load")
    page.screenshot(path=out / f"side-by-side-{width}.png", full_page=True)
    context.close()

    # One row per construct: the two modes one above the other, at full resolution.
    cells = "".join(
        f'<div class="row" id="r{i}">'
        f'<div>htmlAndMathml</div><img src="_htmlAndMathml-{width}-{i}.png">'
        f'<div>mathml</div><img src="_mathml-{width}-{i}.png"></div>'
        for i in range(len(CONSTRUCTS))
    )
    (out / "_compose.html").write_text(
        "<!doctype html><style>body{margin:0;background:#777;font:14px sans-serif}"
        ".row{display:flex;flex-direction:column;align-items:flex-start;padding:4px;"
        "background:#777;width:max-content}.row div{color:#fff}img{zoom:.5}</style>"
        f"<body>{cells}</body>"
    )
    context = browser.new_context(
        viewport={"width": width + 24, "height": 900}, device_scale_factor=2
    )
    page = context.new_page()
    page.goto(f"{base}/_compose.html")
    page.wait_for_load_state("load")
    for i, (name, _) in enumerate(CONSTRUCTS):
        slug = re.sub(r"\W+", "-", name)
        page.locator(f"#r{i}").screenshot(path=out / f"detail-{width}-{i:02}-{slug}.png")
    context.close()
    (out / "_compose.html").unlink()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("/tmp/mathml-eval"))
    parser.add_argument("--runs", type=int, default=7, help="timed runs per text and mode")
    parser.add_argument("--no-screenshots", action="store_true")
    args = parser.parse_args()

    texts = [(f"construct: {name}", "summary", text) for name, text in CONSTRUCTS] + demo_texts()
    results = measure(texts, args.runs)
    report(texts, results)

    args.out.mkdir(parents=True, exist_ok=True)
    for mode in MODES:
        (args.out / f"{mode}.html").write_text(
            page_html(mode, texts, results[mode][0]), encoding="utf-8"
        )
    if args.no_screenshots:
        return
    if not Path(CHROMIUM).exists():
        sys.exit(f"{CHROMIUM} not found: install Debian's chromium (`make chromium`)")
    print()
    screenshots(args.out)
    print(f"\npages and screenshots in {args.out}")


if __name__ == "__main__":
    main()
