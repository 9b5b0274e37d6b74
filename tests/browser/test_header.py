"""The site's header for a visitor and for a member with a very long username.

On a wide screen every item of the header sits on one row. On a phone nothing is wider
than the screen: the links fold into a menu behind a toggler, and once it is opened every
link and "Log out" are on screen. Without JavaScript the toggler could open nothing, so
the links are shown as they are, and still fit.
"""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ACTION_TIMEOUT_MS
from tests.browser.helpers import fill_login_form, nav
from tests.factories import make_user

pytestmark = pytest.mark.browser

# As long as a username can be (AbstractUser: 150 characters), and without a space where
# a line could break.
LONG_USERNAME = ("a_researcher_with_a_remarkably_long_username_" * 4)[:150]

WIDE = {"width": 1280, "height": 800}
PHONES = [{"width": 360, "height": 740}, {"width": 390, "height": 844}]
PHONE_IDS = ["360px", "390px"]

VISITOR_LINKS = [("link", "Log in"), ("link", "Sign up")]
MEMBER_LINKS = [
    ("link", "Add a paper"),
    ("link", "Inbox"),
    ("link", LONG_USERNAME),
    ("link", "Settings"),
    ("button", "Log out"),
]

# The header's items as a reader sees them: the brand, the search box and each visible
# control in the list of links.
ITEM_BOXES = """() => {
  const nav = document.querySelector("nav[aria-label=Main]");
  const items = [
    nav.querySelector(".navbar-brand"),
    nav.querySelector("input[type=search]"),
    ...nav.querySelectorAll(
      ".navbar-nav > li > a, .navbar-nav > li > button, .navbar-nav > li > form > button"),
  ];
  return items
    .filter((el) => el.getClientRects().length > 0)
    .map((el) => {
      const r = el.getBoundingClientRect();
      return {name: el.innerText.trim() || el.getAttribute("aria-label") || el.tagName,
              top: r.top, bottom: r.bottom, left: r.left, right: r.right};
    });
}"""


@pytest.fixture
def open_page(browser, live_server):
    """A page at a given screen size, as a visitor or logged in as the member."""
    contexts = []

    def make(viewport, member, javascript=True):
        context = browser.new_context(viewport=viewport, java_script_enabled=javascript)
        context.set_default_timeout(ACTION_TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        if member:
            make_user(LONG_USERNAME)
            # Through the login form, which needs no script; on a phone the member's
            # name is in the folded menu, so the login is checked by where it lands.
            page.goto(f"{live_server.url}/accounts/login/")
            fill_login_form(page, LONG_USERNAME)
            expect(page).to_have_url(f"{live_server.url}/")
            # The address changes before the new page has run its scripts (the menu's
            # among them): wait for them, as goto() does.
            page.wait_for_load_state("load")
        else:
            page.goto(f"{live_server.url}/")
        return page

    yield make
    for context in contexts:
        context.close()


def links(member):
    return MEMBER_LINKS if member else VISITOR_LINKS


def control(page, role, name):
    return nav(page).get_by_role(role, name=name, exact=True)


def toggler(page):
    return nav(page).get_by_role("button", name="Menu")


def assert_no_horizontal_overflow(page):
    widths = page.evaluate("[document.documentElement.scrollWidth, innerWidth]")
    assert widths[0] <= widths[1], f"the page is wider than the screen: {widths}"


def assert_on_screen(page, role, name):
    item = control(page, role, name)
    expect(item).to_be_visible()
    expect(item).to_be_in_viewport(ratio=1)
    box = item.bounding_box()
    width = page.viewport_size["width"]
    assert box["x"] >= 0 and box["x"] + box["width"] <= width, f"{name!r} is off the screen: {box}"


def assert_username_truncated(page):
    """The member's name is cut short with an ellipsis and kept whole in its title."""
    user = control(page, "link", LONG_USERNAME)
    expect(user).to_have_attribute("title", LONG_USERNAME)
    cut = user.evaluate(
        """(el) => ({ellipsis: getComputedStyle(el).textOverflow === "ellipsis",
                    cut: el.scrollWidth > el.clientWidth})"""
    )
    assert cut == {"ellipsis": True, "cut": True}


@pytest.mark.parametrize("member", [False, True], ids=["visitor", "member"])
def test_on_a_wide_screen_the_header_is_one_row(open_page, member):
    page = open_page(WIDE, member)

    expect(toggler(page)).to_be_hidden()
    for role, name in links(member):
        expect(control(page, role, name)).to_be_visible()
    # The colour-mode toggle is shown once site.js has run.
    expect(control(page, "button", "Dark mode")).to_be_visible()
    items = page.evaluate(ITEM_BOXES)
    assert len(items) == len(links(member)) + 3, items
    tops = [item["top"] for item in items]
    middles = [(item["top"] + item["bottom"]) / 2 for item in items]
    # Items of different heights are centred on the row: their tops differ by less than
    # the difference in height, never by a row.
    assert max(tops) - min(tops) <= 8, f"the header wraps: {items}"
    assert max(middles) - min(middles) <= 3, f"the header wraps: {items}"
    assert_no_horizontal_overflow(page)
    if member:
        assert_username_truncated(page)


@pytest.mark.parametrize("viewport", PHONES, ids=PHONE_IDS)
@pytest.mark.parametrize("member", [False, True], ids=["visitor", "member"])
def test_on_a_phone_the_links_fold_into_a_menu(open_page, member, viewport):
    page = open_page(viewport, member)

    assert_no_horizontal_overflow(page)
    expect(nav(page).get_by_role("searchbox", name="Search")).to_be_in_viewport(ratio=1)
    menu = toggler(page)
    expect(menu).to_be_visible()
    expect(menu).to_be_in_viewport(ratio=1)
    expect(menu).to_have_attribute("aria-expanded", "false")
    role, name = links(member)[-1]
    expect(control(page, role, name)).to_be_hidden()

    menu.click()

    expect(menu).to_have_attribute("aria-expanded", "true")
    # Opened, not still opening: Bootstrap ignores a click while the menu slides.
    expect(page.locator("#site-menu")).to_have_class(re.compile(r"\bshow\b"))
    for role, name in links(member):
        assert_on_screen(page, role, name)
    assert_on_screen(page, "button", "Dark mode")
    assert_no_horizontal_overflow(page)
    if member:
        assert_username_truncated(page)

    # The same button folds the menu again.
    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(control(page, role, name)).to_be_hidden()


@pytest.mark.parametrize("viewport", [*PHONES, WIDE], ids=[*PHONE_IDS, "1280px"])
@pytest.mark.parametrize("member", [False, True], ids=["visitor", "member"])
def test_without_javascript_every_link_is_on_screen(open_page, live_server, member, viewport):
    page = open_page(viewport, member, javascript=False)

    # Nothing to toggle without scripts: no toggler, and the links are all shown.
    expect(toggler(page)).to_have_count(0)
    for role, name in links(member):
        assert_on_screen(page, role, name)
    expect(nav(page).get_by_role("searchbox", name="Search")).to_be_in_viewport(ratio=1)
    assert_no_horizontal_overflow(page)

    if member:
        assert_username_truncated(page)
        control(page, "link", "Settings").click()
        expect(page).to_have_url(re.compile(r"/settings/?$"))
        control(page, "button", "Log out").click()
        assert_on_screen(page, "link", "Log in")
    else:
        control(page, "link", "Log in").click()
        expect(page).to_have_url(re.compile(r"/accounts/login/"))
