"""Math is typeset on the server: a reader without JavaScript sees it laid out by KaTeX."""

import re

import pytest
from playwright.sync_api import expect

from tests.factories import make_paper, make_summary

pytestmark = pytest.mark.browser

# (TeX, shown as display math): the constructs summaries use most, inline and display.
FORMULAS = [
    (r"\frac{a}{b}", False),
    (r"\mathbb{R}^{n \times d}", False),
    (r"x_i^2 + y_{ij}^{(k)}", False),
    (r"\left( \frac{a}{b} \right)", False),
    (r"\sqrt{x^2 + y^2}", False),
    (r"\operatorname{softmax}(z)_i", False),
    (r"\int_0^1 f(x)\,dx", False),
    (r"\sum_{i=1}^{n} x_i", True),
    (r"\begin{pmatrix} a & b \\ c & d \end{pmatrix}", True),
    (r"\int_{-\infty}^{\infty} e^{-x^2}\,dx = \sqrt{\pi}", True),
    (r"\begin{aligned} f(x) &= (x + 1)^2 \\ &= x^2 + 2x + 1 \end{aligned}", True),
    (r"\theta^{*} = \operatorname*{arg\,max}_{\theta} \sqrt[3]{\frac{1}{1 + e^{-\theta}}}", True),
]

BODY = f"""Inline math sits in running text: a ratio ${FORMULAS[0][0]}$, weights in
${FORMULAS[1][0]}$, indices ${FORMULAS[2][0]}$ and ${FORMULAS[3][0]}$.

A norm ${FORMULAS[4][0]}$, a ${FORMULAS[5][0]}$ and an integral ${FORMULAS[6][0]}$.

$${FORMULAS[7][0]}$$

The matrix

$${FORMULAS[8][0]}$$

and the Gaussian integral

$${FORMULAS[9][0]}$$

expand as

$${FORMULAS[10][0]}$$

and finally

$${FORMULAS[11][0]}$$
"""

STATIC_FONTS = "/static/vendor/katex/fonts/"


def tex(text):
    return " ".join(text.split())


def paper_with_math():
    paper = make_paper()
    make_summary(paper=paper, body=BODY)
    return paper


def test_formulas_are_laid_out_without_javascript(live_server, js_disabled_page):
    page = js_disabled_page
    paper = paper_with_math()
    stylesheets = []
    page.on(
        "response",
        lambda response: response.url.endswith("katex.min.css") and stylesheets.append(response),
    )

    page.goto(f"{live_server.url}{paper.summaries.get().get_absolute_url()}")

    body = page.locator("article.summary .summary-body")
    math = body.locator(".katex")
    expect(math).to_have_count(len(FORMULAS))
    # KaTeX keeps each formula's source in its MathML: it tells which formula is which.
    sources = [tex(text) for text in math.locator("annotation").all_text_contents()]
    assert sources == [tex(formula) for formula, _ in FORMULAS]
    displayed = body.locator(".katex-display > .katex annotation").all_text_contents()
    assert [tex(text) for text in displayed] == [tex(f) for f, display in FORMULAS if display]
    expect(page.locator(".katex-error, .math-error")).to_have_count(0)

    for (formula, _), element in zip(FORMULAS, math.all(), strict=True):
        box = element.bounding_box()
        assert box and box["width"] > 0 and box["height"] > 0, f"{formula} has no size"

    assert [r.status for r in stylesheets] == [200], "KaTeX's stylesheet was not served"
    expect(math.first).to_have_css("font-family", re.compile(r"KaTeX_Main"))
    # Without KaTeX's CSS the MathML copy would show too, and every formula twice.
    expect(math.first.locator(".katex-mathml")).to_have_css("position", "absolute")
    # KaTeX's CSS gives display math a block of its own, as wide as the text around it.
    display_box = body.locator(".katex-display").first.bounding_box()
    assert display_box and display_box["width"] >= body.bounding_box()["width"] * 0.9


def test_katex_fonts_load_from_our_static_files(live_server, page):
    # Font loading is only visible to scripts: this page has JavaScript on.
    paper = paper_with_math()
    fonts = []
    page.on(
        "response",
        lambda response: response.request.resource_type == "font" and fonts.append(response),
    )

    page.goto(f"{live_server.url}{paper.summaries.get().get_absolute_url()}")
    expect(page.locator("article.summary .katex")).to_have_count(len(FORMULAS))

    state = page.evaluate(
        """async () => {
            await document.fonts.ready;
            const faces = Array.from(document.fonts);
            return {
                main: document.fonts.check('12px KaTeX_Main'),
                loaded: faces.filter((f) => f.status === 'loaded').map((f) => f.family),
                failed: faces.filter((f) => f.status === 'error').map((f) => f.family),
            };
        }"""
    )
    assert state["main"], state
    assert not state["failed"], state
    # check() is also true for a family nobody declared: make sure KaTeX's faces loaded.
    for family in ("KaTeX_Main", "KaTeX_Math", "KaTeX_AMS", "KaTeX_Size1"):
        assert family in state["loaded"], state
    assert any("/KaTeX_Main-Regular." in response.url for response in fonts), fonts
    for response in fonts:
        assert response.url.startswith(f"{live_server.url}{STATIC_FONTS}"), response.url
        assert response.status == 200, response.url
