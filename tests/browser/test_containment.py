"""Text written by users stays in its box, on a wide screen and on a phone.

A summary, a comment, a bio and an abstract each hold a link whose text is a formula
built to leave its box: moved left by negative spaces, lifted by raised boxes on lines
that keep no height (\\smash), and made of the largest boxes KaTeX draws, so that without
containment it covers the site's header, search box and page title with a link elsewhere
(and it does: with any one of these boxes not contained, every point checked here is the
link's, whether the renderer's bounds on lengths are on or off). As a visitor, on every
page that shows such text, the site's own elements must still be the ones under the
pointer, must look as they do without the user text, and a click on the search box must
land in it.
"""

import base64

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ACTION_TIMEOUT_MS
from tests.factories import make_comment, make_paper, make_summary, make_user

pytestmark = pytest.mark.browser

EVIL_URL = "https://evil.example/"
USER_TEXT = ".rendered, .search-snippet, .report-excerpt, .diff-text, .version-text"

# In \Huge, where an em is two and a half times as large: \R, three boxes as large as
# KaTeX draws side by side, and \L, the same raised as far as \rule allows. Each row is set
# on a line of no height above its baseline (\smash[t]) and of no width (a lap), so that
# together they cover the page above the text, started far to its left by every kind of
# negative space.
ESCAPING_FORMULA = (
    r"$\Huge\def\R{\rule{200em}{50em}\rule{200em}{50em}\rule{200em}{50em}}"
    r"\def\L{\rule[40em]{200em}{50em}\rule[40em]{200em}{50em}\rule[40em]{200em}{50em}}"
    r"\kern-30em\hspace{-30em}\mkern-300mu\hskip-30em\mskip-300mu"
    r"\mathrlap{\smash[t]{\colorbox{red}{\R}}}\mathrlap{\smash[t]{\L}}"
    r"\mathrlap{\smash[t]{\raisebox{40em}{\smash[t]{\phantom{\L}}}}}$"
)
# Other ways out: boxes lowered far below lines that keep no depth (\raisebox and \rule's
# raise, both negative), boxes set back by their own width (\llap, \mathllap), and
# \vspace, which KaTeX refuses. Each line stays short, so that the boxes of user text
# further down the page are still within reach of the header.
OTHER_WAYS = (
    r"$\smash[b]{\raisebox{-1000em}{x}}\smash[b]{\rule[-1000em]{1em}{1em}}$ "
    r"$\llap{\rule{200em}{1em}}\mathllap{\rule{200em}{1em}}$ $\vspace{-30em}$"
)
# Light enough for a card to show it whole.
ESCAPING_TEXT = (
    f"Nothing to see [{ESCAPING_FORMULA}]({EVIL_URL}) here.\n\nNor [{OTHER_WAYS}]({EVIL_URL}) here."
)
# Lists of comments (a paper's page, a profile) show a comment as its excerpt unless it is
# as light as one (summaries.excerpts.COMMENT): two of the rows above, one of them raised,
# in one formula, are; not contained, they cover the header from where lists show them.
LIGHT_ESCAPING_FORMULA = (
    r"$\Huge\kern-30em\mathrlap{\smash[t]{\rule{200em}{50em}}}"
    r"\mathrlap{\smash[t]{\rule[40em]{200em}{50em}}}$"
)
LIGHT_ESCAPING_TEXT = f"A comment for lists: [{LIGHT_ESCAPING_FORMULA}]({EVIL_URL})."

WIDTHS = [1280, 360]

# Where to look: the centre and, a pixel inside, the corners of an element.
POINTS = """(el) => {
  const r = el.getBoundingClientRect();
  return [
    [r.left + r.width / 2, r.top + r.height / 2],
    [r.left + 1, r.top + 1], [r.right - 2, r.top + 1],
    [r.left + 1, r.bottom - 2], [r.right - 2, r.bottom - 2],
  ];
}"""

# What is under the pointer at each point, and whose it is.
HITS = """([el, points, userText, evil]) => points.map(([x, y]) => {
  const hit = document.elementFromPoint(x, y);
  return {
    point: [Math.round(x), Math.round(y)],
    hit: hit ? hit.tagName.toLowerCase() + (hit.className ? "." + hit.className : "") : null,
    own: hit !== null && el.contains(hit),
    userText: hit !== null && hit.closest(userText) !== null,
    evil: hit !== null && hit.closest(`a[href^="${evil}"]`) !== null,
  };
})"""

# For each box of user text holding the link: how far above the top of the page its parts
# reach as laid out, clipped or not. Negative: drawn, they would cover the header.
REACH = """([userText, evil]) => [...document.querySelectorAll(userText)]
  .filter((box) => box.querySelector(`a[href^="${evil}"]`))
  .map((box) => Math.min(...[...box.querySelectorAll(`a[href^="${evil}"] .katex-html *`)]
    .map((el) => el.getBoundingClientRect().top)))"""


@pytest.fixture
def escaping_site(db):
    author = make_user("mallory", bio=f"About me. {ESCAPING_TEXT}")
    paper = make_paper(title="A paper about containment", abstract=f"Abstract. {ESCAPING_TEXT}")
    summary = make_summary(paper=paper, author=author, body=f"A summary. {ESCAPING_TEXT}")
    make_comment(summary, author=author, body=f"A comment. {ESCAPING_TEXT}")
    make_comment(summary, author=author, body=LIGHT_ESCAPING_TEXT)
    # Each page, with the boxes of user text it shows. Lists show the first comment as
    # its excerpt, which stops before its link.
    return {
        "homepage": ("/", ["summary card"]),
        "paper page": (paper.get_absolute_url(), ["abstract", "summary", "light comment"]),
        "summary page": (summary.get_absolute_url(), ["summary", "comment", "light comment"]),
        "profile": (author.get_absolute_url(), ["bio", "summary card", "light recent comment"]),
    }


@pytest.fixture
def visitor(browser):
    contexts = []

    def open_page(width):
        context = browser.new_context(viewport={"width": width, "height": 800})
        context.set_default_timeout(ACTION_TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        # Were the link clicked, the page would go there: answer locally, not time out.
        page.route(f"{EVIL_URL}**", lambda route: route.fulfill(body="<h1>Elsewhere</h1>"))
        return page

    yield open_page
    for context in contexts:
        context.close()


def site_elements(page):
    return {
        "header": page.locator("nav.site-nav"),
        "search box": page.locator(".site-search input[type=search]"),
        "page title": page.locator("main h1").first,
    }


def escaped_hits(page):
    """Every point of the site's own elements where the pointer finds something else."""
    wrong = []
    for name, element in site_elements(page).items():
        expect(element).to_be_visible()
        points = element.evaluate(POINTS)
        hits = page.evaluate(HITS, [element.element_handle(), points, USER_TEXT, EVIL_URL])
        wrong += [(name, h) for h in hits if not h["own"] or h["userText"] or h["evil"]]
    return wrong


# How many colour values differ by more than anti-aliasing between two PNG images.
PIXELS_APART = """async ([a, b]) => {
  const load = (src) => new Promise((resolve, reject) => {
    const image = new Image();
    image.onload = () => resolve(image);
    image.onerror = reject;
    image.src = src;
  });
  const values = (image) => {
    const canvas = document.createElement("canvas");
    canvas.width = image.width;
    canvas.height = image.height;
    const context = canvas.getContext("2d");
    context.drawImage(image, 0, 0);
    return context.getImageData(0, 0, image.width, image.height).data;
  };
  const [one, other] = (await Promise.all([load(a), load(b)])).map(values);
  if (one.length !== other.length) return Infinity;
  let apart = 0;
  for (let i = 0; i < one.length; i++) if (Math.abs(one[i] - other[i]) > 16) apart++;
  return apart;
}"""


def as_data_url(png):
    return "data:image/png;base64," + base64.b64encode(png).decode()


def show_user_text(page, shown):
    page.evaluate(
        "([sel, value]) => document.querySelectorAll(sel).forEach((el) => {"
        " el.style.visibility = value; })",
        [USER_TEXT, "" if shown else "hidden"],
    )


def site_top_screenshot(page):
    """The page from its top to the bottom of its title: header, search box and title."""
    bottom = page.evaluate("() => document.querySelector('main h1').getBoundingClientRect().bottom")
    width = page.evaluate("() => document.documentElement.clientWidth")
    return page.screenshot(clip={"x": 0, "y": 0, "width": width, "height": bottom + 1})


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", ["homepage", "paper page", "summary page", "profile"])
def test_user_text_neither_covers_nor_takes_clicks_from_the_site(
    live_server, escaping_site, visitor, name, width
):
    path, boxes = escaping_site[name]
    page = visitor(width)
    page.goto(live_server.url + path)
    # Every box of user text on the page tries to leave it: its parts, as laid out, reach
    # above the top of the page.
    reach = page.evaluate(REACH, [USER_TEXT, EVIL_URL])
    assert len(reach) == len(boxes), f"expected the escaping text in {boxes}"
    assert all(top < 0 for top in reach), reach

    assert escaped_hits(page) == []

    # The user text draws nothing over the top of the page: it looks the same without it.
    with_text = site_top_screenshot(page)
    show_user_text(page, False)
    without_text = site_top_screenshot(page)
    apart = page.evaluate(PIXELS_APART, [as_data_url(with_text), as_data_url(without_text)])
    assert apart == 0, "user text paints over the page's top"
    # Shown again: hidden text would take no click whatever its CSS.
    show_user_text(page, True)

    # A click where the search box is lands in the search box.
    box = site_elements(page)["search box"].bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    expect(site_elements(page)["search box"]).to_be_focused()
    assert page.url == live_server.url + path
