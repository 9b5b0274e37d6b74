"""Accessibility of the main pages, checked in Chromium.

axe-core (pinned in package.json; `make test` installs it into node_modules) runs over
the homepage, a paper page, a summary with math, the summary form, a profile, search
results, the reading-list check (its form and an answer), and the account pages (log-in,
sign-up, password reset, e-mail address), in light and in dark mode, and must find
nothing serious or critical.

Keyboard use is checked by tabbing through the homepage and the summary form: every
stop shows where the focus is and the main actions are all reached. The colour-mode
toggle must say what it does and whether it is on, and the pages must reflow to a
360 px wide screen without scrolling sideways.
"""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.checks import BLOCKING_IMPACTS, axe_violations, describe
from tests.browser.conftest import ACTION_TIMEOUT_MS
from tests.browser.helpers import log_in, nav
from tests.browser.pages import AUTHOR, build_site

pytestmark = pytest.mark.browser

PAGE_NAMES = [
    "homepage",
    "paper page",
    "summary with math",
    "summary form",
    "profile",
    "paper history",
    "correction form",
    "correction queue",
    "search results",
    "reading list form",
    "reading list checked",
    "venue across years",
    "formatting help",
    "login",
    "signup",
    "password reset",
    "e-mail address",
    "merge page",
    "merge log",
    "access tokens",
    "access token made",
]


@pytest.fixture
def new_page(browser):
    """Pages in their own contexts, e.g. with the system set to dark mode."""
    contexts = []

    def make(**options):
        # axe is injected through the DevTools protocol, which a Content-Security-Policy
        # does not govern; bypass_csp keeps it that way whatever the policy becomes.
        context = browser.new_context(bypass_csp=True, **options)
        context.set_default_timeout(ACTION_TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def site_page(live_server, name):
    return next(page for page in build_site(live_server.url) if page.name == name)


def open_site_page(page, live_server, site_page):
    if site_page.user:
        log_in(page, live_server, site_page.user)
    page.goto(f"{live_server.url}{site_page.path}")
    if site_page.post:
        for name, value in site_page.post:
            page.locator(f'main [name="{name}"]').fill(value)
        with page.expect_navigation():
            page.locator("main form [type=submit]").first.click()
    # Formulas change width when KaTeX's fonts arrive; check the page as it settles.
    page.evaluate("document.fonts.ready.then(() => true)")


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("name", PAGE_NAMES)
def test_axe_finds_nothing_serious(live_server, new_page, axe_source, name, scheme):
    page = new_page(color_scheme=scheme)
    open_site_page(page, live_server, site_page(live_server, name))
    expect(page.locator("html")).to_have_attribute("data-bs-theme", scheme)

    blocking = [v for v in axe_violations(page, axe_source) if v["impact"] in BLOCKING_IMPACTS]

    assert not blocking, f"axe on the {name} ({scheme}):\n{describe(blocking)}"


@pytest.mark.parametrize(
    "name",
    ["summary form", "summary with math", "reading list form", "login", "signup", "password reset"],
)
def test_every_form_field_has_a_label(live_server, new_page, name):
    page = new_page()
    open_site_page(page, live_server, site_page(live_server, name))

    unlabelled = page.evaluate(
        """() => [...document.querySelectorAll("input, select, textarea")]
            .filter((el) => el.type !== "hidden")
            .filter((el) => !(el.labels && [...el.labels].some((l) => l.innerText.trim()))
                            && !el.getAttribute("aria-label"))
            .map((el) => el.outerHTML.slice(0, 120))"""
    )

    assert page.locator("form input:not([type=hidden]), form textarea").count() > 0
    assert unlabelled == [], f"fields without a label on the {name}"


# What the focused element is called and whether anyone can see that it has the focus.
FOCUS_STOP = """() => {
    const el = document.activeElement;
    if (!el || el === document.body || el === document.documentElement) return null;
    const style = getComputedStyle(el);
    const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
    const shadow = style.boxShadow !== "none";
    const box = el.getBoundingClientRect();
    const label = el.labels && el.labels.length ? el.labels[0].innerText : "";
    const name = el.getAttribute("aria-label") || label || el.innerText || el.value || el.tagName;
    return {
        name: name.replace(/\\s+/g, " ").replace(/\\*$/, "").trim(),
        html: el.outerHTML.slice(0, 100),
        indicator: outline || shadow,
        shown: box.width > 0 && box.height > 0 && box.bottom > 0 && box.top < innerHeight,
    };
}"""


# Bootstrap scrolls smoothly unless motion is reduced: a focused element would still be
# on its way into view when it is measured.
KEYBOARD_USER = {"reduced_motion": "reduce"}


def tab_through(page, limit=150):
    """Press Tab until the focus leaves the page; every element it stopped on, in order."""
    stops = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        stop = page.evaluate(FOCUS_STOP)
        if stop is None or (stops and stop["html"] == stops[0]["html"]):
            break
        stops.append(stop)
    return stops


def assert_focus_always_visible(stops):
    hidden = [
        f"{'no focus indicator' if s['shown'] else 'off screen'}: {s['html']}"
        for s in stops
        if not (s["indicator"] and s["shown"])
    ]
    assert not hidden, "focus not visible on:\n" + "\n".join(hidden)


def test_keyboard_reaches_every_action_on_the_homepage_with_visible_focus(live_server, new_page):
    build_site(live_server.url)
    page = new_page(**KEYBOARD_USER)
    page.goto(live_server.url)

    stops = tab_through(page)

    assert_focus_always_visible(stops)
    names = [stop["name"] for stop in stops]
    assert names[0] == "Skip to content"
    for action in [
        "Dark mode",
        "Search",
        "Log in",
        "Sign up",
        "Attention Is All You Need",
        "Read more",
        "Permalink",
        "2 comments",
    ]:
        assert any(name.startswith(action) for name in names), (
            f"Tab never reaches {action!r}; it stops on {names}"
        )


def test_keyboard_reaches_every_control_of_the_summary_form_with_visible_focus(
    live_server, new_page
):
    page = new_page(**KEYBOARD_USER)
    open_site_page(page, live_server, site_page(live_server, "summary form"))

    stops = tab_through(page)

    assert_focus_always_visible(stops)
    names = [stop["name"] for stop in stops]
    for control in [
        "Summary",
        "Private",
        "Anonymous",
        "Preview",
        "Publish",
        "Cancel",
        AUTHOR,
        "Log out",
    ]:
        assert control in names, f"Tab never reaches {control!r}; it stops on {names}"
    assert names.index("Summary") < names.index("Preview") < names.index("Publish")


def test_the_skip_link_moves_the_focus_to_the_content(live_server, new_page):
    page = new_page()
    page.goto(live_server.url)

    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"#main$"))


def theme(page):
    return page.locator("html").get_attribute("data-bs-theme")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_colour_mode_follows_the_system_before_the_page_is_drawn(live_server, new_page, scheme):
    page = new_page(color_scheme=scheme)
    page.goto(live_server.url)

    assert theme(page) == scheme
    # The mode is set by a script that blocks rendering: loaded in <head>, before the
    # stylesheets, without defer or async, so no frame is ever drawn in the wrong mode.
    order = page.evaluate(
        """() => [...document.head.querySelectorAll("script, link[rel=stylesheet]")].map(
            (el) => el.tagName === "SCRIPT"
                ? `${el.getAttribute("src")}${el.defer || el.async ? " deferred" : ""}`
                : "stylesheet")"""
    )
    assert order[0].endswith("theme.js"), order
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert (background == "rgb(255, 255, 255)") == (scheme == "light")


def test_the_toggle_is_a_labelled_button_whose_choice_is_remembered(live_server, new_page):
    page = new_page(color_scheme="light")
    page.goto(live_server.url)
    toggle = nav(page).get_by_role("button", name="Dark mode")
    expect(toggle).to_have_attribute("aria-pressed", "false")
    assert theme(page) == "light"

    toggle.click()
    expect(toggle).to_have_attribute("aria-pressed", "true")
    assert theme(page) == "dark"

    page.reload()
    assert theme(page) == "dark"
    expect(nav(page).get_by_role("button", name="Dark mode", pressed=True)).to_be_visible()

    # Back to what the system asks for: the page follows the system again.
    nav(page).get_by_role("button", name="Dark mode").press("Enter")
    assert theme(page) == "light"
    assert page.evaluate("localStorage.getItem('theme')") is None


def test_a_choice_made_with_the_toggle_beats_the_system_setting(live_server, new_page):
    page = new_page(color_scheme="dark")
    page.goto(live_server.url)
    nav(page).get_by_role("button", name="Dark mode").click()
    assert theme(page) == "light"

    page.goto(f"{live_server.url}/accounts/login/")

    assert theme(page) == "light"
    expect(nav(page).get_by_role("button", name="Dark mode")).to_have_attribute(
        "aria-pressed", "false"
    )


def test_without_javascript_the_toggle_is_not_offered(live_server, js_disabled_page):
    js_disabled_page.goto(live_server.url)

    expect(nav(js_disabled_page).get_by_role("button", name="Dark mode")).to_have_count(0)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_page_fits_a_360px_screen(live_server, new_page, scheme):
    too_wide = {}
    for site_page in build_site(live_server.url):
        page = new_page(viewport={"width": 360, "height": 740}, color_scheme=scheme)
        open_site_page(page, live_server, site_page)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 360:
            too_wide[site_page.name] = width

    assert too_wide == {}, "pages wider than the screen (px)"


def test_wide_math_scrolls_inside_its_own_box_on_a_phone(live_server, new_page):
    page = new_page(viewport={"width": 360, "height": 740})
    open_site_page(page, live_server, site_page(live_server, "summary with math"))

    display = page.locator(".summary-body .katex-display").first
    sizes = display.evaluate("el => [el.scrollWidth, el.clientWidth]")
    assert sizes[0] > sizes[1], "the formula is not wider than the screen: no test"
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    # A box that scrolls must be reachable by keyboard, to scroll it with the arrow keys.
    expect(display).to_have_attribute("tabindex", "0")
    image = page.locator(".summary-body img").first
    assert image.bounding_box()["width"] <= 360
