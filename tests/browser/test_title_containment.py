"""A paper title's math stays in its box (Paper.shown_title, .title-math): the formula
built to leave its box (test_containment's) in a title covers neither the site's header
nor its search box, nor takes their clicks, on a wide screen and on a phone."""

import pytest
from playwright.sync_api import expect

from tests.browser.test_containment import (
    ESCAPING_FORMULA,
    PIXELS_APART,
    POINTS,
    WIDTHS,
    as_data_url,
    visitor,  # noqa: F401 (a fixture)
)
from tests.factories import make_paper, make_summary, make_user

pytestmark = pytest.mark.browser

TITLE_MATH = ".title-math"
# What is under the pointer at each point, and whether it is the title's math.
HITS = """([el, points, sel]) => points.map(([x, y]) => {
  const hit = document.elementFromPoint(x, y);
  return {own: hit !== null && el.contains(hit), title: hit !== null && hit.closest(sel) !== null};
})"""


@pytest.fixture
def math_title(db):
    paper = make_paper(title=f"Contained {ESCAPING_FORMULA} title")
    summary = make_summary(paper=paper, author=make_user("ada"), body="Plain words. " * 10)
    return {
        "homepage": "/",
        "paper page": paper.get_absolute_url(),
        "summary page": (summary.get_absolute_url()),
    }


def header_top(page):
    bottom = page.evaluate(
        "() => document.querySelector('nav.site-nav').getBoundingClientRect().bottom"
    )
    width = page.evaluate("() => document.documentElement.clientWidth")
    return page.screenshot(clip={"x": 0, "y": 0, "width": width, "height": bottom + 1})


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", ["homepage", "paper page", "summary page"])
def test_title_math_neither_covers_nor_takes_clicks(live_server, math_title, visitor, name, width):  # noqa: F811
    page = visitor(width)
    page.goto(live_server.url + math_title[name])
    expect(page.locator(f"{TITLE_MATH} .katex").first).to_be_attached()
    for element in [page.locator("nav.site-nav"), page.locator(".site-search input[type=search]")]:
        expect(element).to_be_visible()
        points = element.evaluate(POINTS)
        hits = page.evaluate(HITS, [element.element_handle(), points, TITLE_MATH])
        assert all(hit["own"] and not hit["title"] for hit in hits), hits

    with_math = header_top(page)
    hide = (
        "(s) => document.querySelectorAll(s).forEach((el) => { el.style.visibility = 'hidden'; })"
    )
    page.evaluate(hide, TITLE_MATH)
    without_math = header_top(page)
    apart = page.evaluate(PIXELS_APART, [as_data_url(with_math), as_data_url(without_math)])
    assert apart == 0, "the title's math paints over the header"
