"""Time markup.render on a summary of about 20 KB with 100 formulas.

Run from the project root: .venv/bin/python bench/render.py [--runs N]
Needs no Django settings. Target: 150 ms or less per document.

With --adversarial it renders instead each text of the adversarial corpus
(tests/markup/adversarial.py: every slow or large construct at a summary's full length,
and texts just inside markup.limits) and prints, slowest first, the CPU time of each
(the process's, so KaTeX's thread counts), the wall time, and what came of it. Target:
every text renders or is refused in under a second of CPU.
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from markup.katex import render_maths  # noqa: E402
from markup.math import protect  # noqa: E402
from markup.render import Refused, render  # noqa: E402

INLINE = [
    r"x_i",
    r"\theta^*",
    r"\mathbb{E}_{x \sim p}[\log q(x)]",
    r"\|w\|_2^2",
    r"O(n \log n)",
    r"\alpha = 0.01",
    r"\nabla_\theta \mathcal{L}",
    r"p(y \mid x)",
    r"\sigma(z) = \frac{1}{1+e^{-z}}",
    r"W \in \mathbb{R}^{d \times k}",
    r"\hat{y}_t",
    r"\sqrt{d_k}",
    r"\operatorname{softmax}(QK^\top)",
    r"\mathcal{N}(0, I)",
]
DISPLAY = [
    r"\mathcal{L}(\theta) = -\sum_{i=1}^{N} \log p_\theta(y_i \mid x_i) + \lambda \|\theta\|_2^2",
    r"\operatorname{Attention}(Q,K,V) = \operatorname{softmax}\left(\frac{QK^\top}{\sqrt{d_k}}"
    r"\right) V",
    r"\begin{aligned} h_t &= \tanh(W_h h_{t-1} + W_x x_t + b) \\ y_t &= W_y h_t \end{aligned}",
    r"\mathbb{E}_{q(z|x)}\left[\log p(x|z)\right] - D_{\mathrm{KL}}\big(q(z|x) \,\|\, p(z)\big)",
    r"\begin{pmatrix} a & b \\ c & d \end{pmatrix}^{-1} = \frac{1}{ad-bc}"
    r"\begin{pmatrix} d & -b \\ -c & a \end{pmatrix}",
    r"f(x) = \begin{cases} x & x > 0 \\ \alpha (e^x - 1) & \text{otherwise} \end{cases}",
    r"\int_{-\infty}^{\infty} e^{-x^2}\,dx = \sqrt{\pi}",
    r"\overbrace{x_1 + \cdots + x_n}^{n} \xrightarrow[\text{avg}]{} \bar{x}",
]
PROSE = (
    "The authors propose a method that *improves* on the baseline by a wide margin, and "
    "they evaluate it on **three** benchmarks (see [the paper](https://example.com/paper)). "
    "Training takes two days on eight GPUs and costs $5 per run, according to the appendix; "
    "the ablations in the second table show that each component matters, although the gain "
    "from the auxiliary loss is within the noise on the smallest data set."
)
EXTRA = (
    "The same holds for the larger models, with one exception discussed below, where the "
    "learning rate had to be halved."
)
FORMULAS = 100


def build_document():
    """Markdown of about 20 KB: sections of prose with inline and display math."""
    parts = ["# Summary\n", "An overview with `code $x$` and a link: https://example.org/a.\n"]
    count = section = 0
    while count < FORMULAS:
        section += 1
        parts.append(f"## Section {section}\n")
        for _ in range(3):
            inline = []
            for _ in range(min(3, FORMULAS - count)):
                inline.append(f"${INLINE[count % len(INLINE)]}$")
                count += 1
            parts.append(f"{PROSE} Consider {', '.join(inline) or 'this'}. {EXTRA}\n")
        if count < FORMULAS:
            parts.append(f"$$\n{DISPLAY[section % len(DISPLAY)]}\n$$\n")
            count += 1
        parts.append("- a first point, made briefly\n- a second point\n")
    parts.append("| a | b |\n|---|---|\n| 1 | 2 |\n")
    parts.append("```python\ndef loss(x):\n    return (x ** 2).mean()\n```\n")
    parts.append("A claim.[^1]\n\n[^1]: A footnote.\n")
    return "\n".join(parts), count


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--adversarial", action="store_true", help="time the adversarial corpus")
    args = parser.parse_args()
    if args.adversarial:
        return adversarial()

    text, formulas = build_document()
    started = time.perf_counter()
    render("$x$")
    print(f"engine start: {(time.perf_counter() - started) * 1000:.0f} ms")
    for _ in range(3):
        html = render(text)
    assert "math-error" not in html, "benchmark formulas should all render"

    times = []
    for _ in range(args.runs):
        started = time.perf_counter()
        render(text)
        times.append(time.perf_counter() - started)
    # The formulas alone: KaTeX in V8 plus the check of its markup.
    maths = protect(text, "0" * 16).maths
    math_times = []
    for _ in range(args.runs):
        started = time.perf_counter()
        render_maths(maths)
        math_times.append(time.perf_counter() - started)

    median, p95 = summarize(times)
    math_median, math_p95 = summarize(math_times)
    print(f"document: {len(text.encode()) / 1024:.1f} KB, {formulas} formulas, {args.runs} runs")
    print(f"output: {len(html.encode()) / 1024:.0f} KB of HTML")
    print(f"whole document: median {median * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms")
    print(f"  per formula (whole document / {formulas}): {median / formulas * 1000:.3f} ms")
    print(f"formulas only: median {math_median * 1000:.1f} ms, p95 {math_p95 * 1000:.1f} ms")
    print(f"  per formula: {math_median / formulas * 1000:.3f} ms")


def adversarial():
    # Citations in the corpus become links to paper pages: reverse() needs the site's
    # URLs, so Django is set up (with the test settings: no database is touched).
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    django.setup()
    from tests.markup.adversarial import AT_THE_LIMITS, CASES

    render("$x$")  # the engine's start is no text's cost
    rows = []
    for group, cases in (("pathological", CASES), ("at the limits", AT_THE_LIMITS)):
        for name, text in cases.items():
            cpu, wall = time.process_time(), time.perf_counter()
            try:
                outcome = f"{len(render(text)) / 1024:,.0f} KB"
            except Refused as error:
                outcome = f"refused: {str(error)[:70]}"
            cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
            rows.append((cpu, wall, group, name, len(text), outcome))
    rows.sort(reverse=True)
    print(f"{'CPU ms':>7} {'wall ms':>8}  {'group':<13} {'text':<34} {'KB in':>6}  outcome")
    for cpu, wall, group, name, length, outcome in rows:
        print(
            f"{cpu * 1000:7.0f} {wall * 1000:8.0f}  {group:<13} {name:<34} "
            f"{length / 1024:6.0f}  {outcome}"
        )
    print(f"slowest: {rows[0][0] * 1000:.0f} ms CPU ({rows[0][3]}); target: under 1,000 ms")


def summarize(times):
    times = sorted(times)
    return statistics.median(times), times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]


if __name__ == "__main__":
    main()
