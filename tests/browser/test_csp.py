"""The Content-Security-Policy in Chromium: our pages break none of it, KaTeX's checked
style attributes still lay formulas out, and inline script is really refused."""

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import field, log_in
from tests.factories import make_paper, make_summary, make_user

pytestmark = pytest.mark.browser

DISPLAY_MATH = "The loss:\n\n$$\\sum_{i=1}^n \\frac{x_i^2}{\\sigma}$$\n\nand inline $a_i$."

# Installed before any page script runs, on every page the context opens.
RECORD_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolations.push(`${event.effectiveDirective} blocked ${event.blockedURI}`);
});
"""

# The first KaTeX box sized by a style attribute: its height as laid out, and as the
# attribute asks (in em of the box's own font size).
STRUT_HEIGHTS = """(root) => {
  const strut = root.querySelector(".katex-html .katex-strut[style*=height]");
  const ems = parseFloat(strut.getAttribute("style").match(/height:\\s*([\\d.]+)em/)[1]);
  const fontSize = parseFloat(getComputedStyle(strut).fontSize);
  return [strut.getBoundingClientRect().height, ems * fontSize];
}"""


@pytest.fixture
def watched_page(page):
    console = []

    def keep_csp_message(message):
        # Chromium also reports refusals on the console, events or not.
        if "Content Security Policy" in message.text:
            console.append(message.text)

    page.on("console", keep_csp_message)
    page.add_init_script(RECORD_VIOLATIONS)
    page.console_csp_messages = console
    return page


def violations(page):
    return page.evaluate("window.cspViolations") + page.console_csp_messages


def assert_math_laid_out(container):
    display = container.locator(".katex-display").first
    expect(display.locator(".katex-html")).to_be_visible()
    assert display.bounding_box()["height"] > 20
    laid_out, asked = display.evaluate(STRUT_HEIGHTS)
    assert laid_out > 20
    assert laid_out == pytest.approx(asked, abs=1)


def test_pages_with_math_break_no_rule(live_server, watched_page):
    page = watched_page
    paper = make_paper("conf/nips/VaswaniSPUJGKP17", title="Attention Is All You Need")
    make_summary(paper, make_user("ada"), body=DISPLAY_MATH)

    page.goto(f"{live_server.url}/")
    assert_math_laid_out(page.locator("main"))
    page.goto(f"{live_server.url}{paper.get_absolute_url()}")
    assert_math_laid_out(page.locator("article.summary"))
    # The paper page carries JSON-LD in a <script> element: data, which the policy allows.
    assert page.locator("script[type='application/ld+json']").count() == 1
    # Fonts and late scripts have had their chance to be refused.
    page.wait_for_load_state("networkidle")
    assert violations(page) == []


def test_live_preview_breaks_no_rule(live_server, watched_page):
    page = watched_page
    paper = make_paper()
    make_user("ada")
    log_in(page, live_server, "ada")
    page.goto(f"{live_server.url}/summaries/write/{paper.bibtex_key}/")

    field(page, "Summary").fill(DISPLAY_MATH)

    preview = page.locator("#preview")
    expect(preview.locator(".katex-display")).to_have_count(1)
    assert_math_laid_out(preview)
    page.wait_for_load_state("networkidle")
    assert violations(page) == []


def test_injected_inline_script_and_style_are_refused(live_server, watched_page):
    page = watched_page
    page.goto(f"{live_server.url}/")
    page.evaluate(
        """() => {
            const script = document.createElement("script");
            script.textContent = "window.injected = true;";
            document.body.append(script);
            const style = document.createElement("style");
            style.textContent = "body { visibility: hidden; }";
            document.head.append(style);
        }"""
    )
    page.wait_for_function("window.cspViolations.length >= 2")
    assert page.evaluate("window.injected") is None
    assert page.evaluate("getComputedStyle(document.body).visibility") == "visible"
    found = page.evaluate("window.cspViolations")
    assert "script-src-elem blocked inline" in found
    assert "style-src-elem blocked inline" in found
