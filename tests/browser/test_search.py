"""Searching from the navigation bar, refining with filters, and paging through results."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import nav
from tests.factories import make_comment, make_paper, make_summary, make_user

pytestmark = pytest.mark.browser


def results(page):
    return page.locator("li.search-result")


def test_search_from_the_navbar_shows_highlighted_results(live_server, page):
    paper = make_paper(title="Dropout as regularization", venue="JMLR", year=2014)
    summary = make_summary(paper=paper, author=make_user("ada"), body="Dropout averages models.")
    make_comment(summary, body="Dropout is still used.")
    make_paper(title="Unrelated work")

    page.goto(live_server.url)
    box = nav(page).get_by_role("searchbox", name="Search")
    box.fill("dropout")
    box.press("Enter")

    expect(page).to_have_url(re.compile(r"/search\?q=dropout$"))
    expect(page).to_have_title("“dropout” · Search · ShortScience")
    expect(page.get_by_role("status")).to_have_text("3 results")
    expect(results(page)).to_have_count(3)
    first = results(page).first
    expect(first.locator("h2 mark")).to_have_text("Dropout")
    expect(page.locator(".search-snippet mark").first).to_be_visible()
    # The query stays in the page's own box, ready to be refined.
    expect(page.get_by_role("searchbox", name="Words")).to_have_value("dropout")

    page.get_by_role("link", name="Dropout as regularization").first.click()
    expect(page).to_have_url(f"{live_server.url}{paper.get_absolute_url()}")


def test_filters_and_pages_keep_the_query(live_server, page):
    for n in range(12):
        make_paper(title=f"Attention variant {n:02d}", venue="ICLR", year=2020 + n % 2)
    make_paper(title="Attention elsewhere", venue="ACL", year=2020)

    page.goto(f"{live_server.url}/search?q=attention")
    expect(page.get_by_role("status")).to_have_text("13 results, page 1 of 2")
    page.get_by_label("Venue").fill("iclr")
    page.get_by_label("Year").fill("2020")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("status")).to_have_text("6 results")

    page.get_by_label("Year").fill("")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("status")).to_have_text("12 results, page 1 of 2")
    page.get_by_role("navigation", name="Pages").get_by_role("link", name="Next").click()
    expect(results(page)).to_have_count(2)
    expect(page.get_by_role("status")).to_have_text("12 results, page 2 of 2")
    expect(page.get_by_label("Venue")).to_have_value("iclr")


def test_empty_states(live_server, page):
    page.goto(f"{live_server.url}/search")
    expect(page.get_by_text("Type a query")).to_be_visible()
    page.get_by_role("searchbox", name="Words").fill('"unbalanced')
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_text('No results for “"unbalanced”.')).to_be_visible()


@pytest.mark.parametrize("width", [360, 1280])
def test_a_misspelt_query_shows_the_corrected_results_and_offers_the_words_as_typed(
    live_server, page, width
):
    page.set_viewport_size({"width": width, "height": 800})
    make_paper(title="Attention is all you need", authors="Ashish Vaswani")
    page.goto(f"{live_server.url}/search?q=atention")
    line = page.locator(".search-corrected")
    expect(line).to_have_text("Showing results for attention. Search instead for atention.")
    expect(results(page)).to_have_count(1)
    expect(page.get_by_role("status")).to_have_text("1 result")
    # The line wraps within the page rather than widening it.
    assert page.evaluate("document.documentElement.scrollWidth") <= width

    line.get_by_role("link", name="atention").click()
    expect(page).to_have_url(re.compile(r"/search\?q=atention&verbatim=1$"))
    expect(page.get_by_text("No results for “atention”.")).to_be_visible()
    expect(page.locator(".search-suggestion")).to_have_count(0)

    page.go_back()
    page.locator(".search-corrected").get_by_role("link", name="attention").click()
    expect(page).to_have_url(re.compile(r"/search\?q=attention$"))
    expect(page.get_by_role("status")).to_have_text("1 result")
    expect(page.locator(".search-suggestion")).to_have_count(0)
