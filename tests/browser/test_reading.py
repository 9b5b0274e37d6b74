"""Reading the site: the feed, a paper's page and old links, with and without JavaScript."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from summaries.discussion import THREADS_PER_PAGE
from summaries.models import Comment, Summary
from tests.factories import make_comment, make_paper, make_summary, make_user

pytestmark = pytest.mark.browser

# Fixed dates, a day apart, so "newest first" cannot depend on how fast rows were made.
NEWEST = datetime(2024, 3, 20, 14, 30, tzinfo=UTC)

LONG_BODY = (
    "\n\n".join(
        f"Paragraph {n} of a long summary. " + "The method is explained at length here. " * 12
        for n in range(1, 13)
    )
    + "\n\nThe very last sentence of the long summary."
)


def dated_summary(days_ago, **fields):
    summary = make_summary(**fields)
    Summary.objects.filter(pk=summary.pk).update(created_at=NEWEST - timedelta(days=days_ago))
    return summary


def feed_titles(page):
    return page.locator("article.feed-item .paper-heading h2").all_inner_texts()


def test_feed_shows_ten_newest_first_and_pages_to_the_rest(live_server, page):
    # Made oldest first, so the database's own order is the reverse of the feed's.
    for days_ago in reversed(range(12)):
        dated_summary(days_ago, paper=make_paper(title=f"Paper number {days_ago + 1:02d}"))

    page.goto(live_server.url)
    expect(page.locator("article.feed-item")).to_have_count(10)
    assert feed_titles(page) == [f"Paper number {n:02d}" for n in range(1, 11)]

    pager = page.get_by_role("navigation", name="Pages")
    pager.get_by_role("link", name="Older page").click()
    expect(page).to_have_url(re.compile(r"/\?after=[\w.-]+$"))
    expect(page.locator("article.feed-item")).to_have_count(2)
    assert feed_titles(page) == ["Paper number 11", "Paper number 12"]
    expect(pager.get_by_role("link", name="Older page")).to_have_count(0)

    pager.get_by_role("link", name="Newer page").click()
    expect(page.locator("article.feed-item")).to_have_count(10)
    assert feed_titles(page) == [f"Paper number {n:02d}" for n in range(1, 11)]
    pager.get_by_role("link", name="Oldest page").click()
    expect(page).to_have_url(re.compile(r"/\?last=1$"))
    assert feed_titles(page) == [f"Paper number {n:02d}" for n in range(3, 13)]
    pager.get_by_role("link", name="Newest page").click()
    expect(page).to_have_url(re.compile(r"/$"))
    assert feed_titles(page) == [f"Paper number {n:02d}" for n in range(1, 11)]


def test_read_more_opens_the_whole_summary(live_server, page):
    long = dated_summary(0, body=LONG_BODY)
    short = dated_summary(1, body="A short summary.")

    page.goto(live_server.url)
    long_item = page.locator(f"#summary-{long.pk}")
    short_item = page.locator(f"#summary-{short.pk}")
    expect(short_item.get_by_role("link", name="Read more")).to_have_count(0)
    # The card holds the start of the text (its excerpt), not the rest.
    expect(long_item.locator(".summary-body")).to_contain_text("Paragraph 1 of a long summary.")
    expect(long_item.get_by_text("The very last sentence of the long summary.")).to_have_count(0)

    long_item.get_by_role("link", name="Read more").click()

    expect(page).to_have_url(f"{live_server.url}/summaries/{long.pk}/")
    expect(page.get_by_text("The very last sentence of the long summary.")).to_be_visible()


def test_feed_item_shows_exact_date_comment_counts_and_links_to_its_paper(live_server, page):
    one = dated_summary(0, paper=make_paper(title="A paper with one comment"))
    two = dated_summary(1)
    make_comment(one)
    make_comment(two)
    make_comment(two)

    page.goto(live_server.url)
    first = page.locator(f"#summary-{one.pk}")
    expect(first.locator("time")).to_have_attribute("title", "20 March 2024, 14:30 UTC")
    expect(first.get_by_role("link", name="1 comment", exact=True)).to_be_visible()
    second = page.locator(f"#summary-{two.pk}")
    expect(second.get_by_role("link", name="2 comments", exact=True)).to_be_visible()

    first.get_by_role("link", name="A paper with one comment").click()
    expect(page).to_have_url(f"{live_server.url}{one.paper.get_absolute_url()}")
    expect(page.get_by_role("heading", level=1)).to_have_text("A paper with one comment")


def test_paper_page_shows_the_paper_and_its_summaries_best_first(live_server, page):
    paper = make_paper(
        "conf/nips/RenHGS15",
        title="Faster R-CNN: Towards Real-Time Object Detection",
        authors="Shaoqing Ren, Kaiming He, Ross Girshick, Jian Sun",
        venue="NIPS",
        year=2015,
        abstract="State-of-the-art object detection networks depend on region proposals.",
    )
    scores = {"middling": 3, "best": 10, "worst": -1}
    for username, score in scores.items():
        summary = make_summary(paper=paper, author=make_user(username), body=f"By {username}.")
        Summary.objects.filter(pk=summary.pk).update(score=score)
    best = Summary.objects.get(author__username="best")
    make_comment(best, author=make_user("critic"), body="A fair reading of the paper.")

    page.goto(f"{live_server.url}/paper/conf/nips/RenHGS15/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Faster R-CNN: Towards Real-Time Object Detection"
    )
    heading = page.locator(".paper-heading")
    expect(heading.locator(".authors")).to_have_text(
        "Shaoqing Ren, Kaiming He, Ross Girshick, Jian Sun"
    )
    expect(heading.locator(".venue")).to_have_text("NIPS 2015")
    expect(page.locator("details.abstract")).to_contain_text("depend on region proposals")

    summaries = page.locator("article.summary")
    expect(summaries).to_have_count(3)
    assert summaries.evaluate_all("els => els.map(el => el.id)") == ["best", "middling", "worst"]
    best_comments = page.locator("#best .comment")
    expect(best_comments).to_have_count(1)
    expect(best_comments).to_contain_text("critic")
    expect(best_comments).to_contain_text("A fair reading of the paper.")


def _assert_scrolled_to(page, element_id):
    assert page.evaluate("document.querySelector(':target')?.id") == element_id
    # Bootstrap asks for smooth scrolling, so the jump to the fragment is animated.
    page.wait_for_function(
        """id => {
            const top = document.getElementById(id).getBoundingClientRect().top;
            return window.scrollY > 0 && top >= 0 && top < window.innerHeight / 2;
        }""",
        arg=element_id,
    )


@pytest.mark.parametrize(
    "old_link",
    ["/paper?bibtexKey=conf/icml/Old17#carol", "/paper?bibtexKey=conf/icml/Old17&a=carol"],
    ids=["fragment", "a-parameter"],
)
def test_old_links_land_on_the_users_summary(live_server, page, old_link):
    paper = make_paper("conf/icml/Old17", abstract="An abstract. " * 80)
    # Enough text above carol's summary that landing on it means scrolling down.
    for username, score in [("alice", 5), ("bob", 4), ("carol", 1)]:
        summary = make_summary(paper=paper, author=make_user(username), body=LONG_BODY)
        Summary.objects.filter(pk=summary.pk).update(score=score)

    page.goto(f"{live_server.url}{old_link}")

    if "&a=" in old_link:
        # Named, the summary is found on the server: its own page, wherever the paper's
        # page lists it (papers.views.legacy_redirect).
        expect(page).to_have_url(f"{live_server.url}{summary.get_absolute_url()}")
        expect(page.locator("article.summary#carol")).to_be_visible()
        return
    expect(page).to_have_url(f"{live_server.url}/paper/conf/icml/Old17/#carol")
    _assert_scrolled_to(page, "carol")


def test_math_in_a_summary_is_typeset(live_server, page):
    summary = make_summary(body="Inline $a_i * b_i$ and\n\n$$\\sum_{i=1}^n x_i$$\n")

    page.goto(f"{live_server.url}{summary.paper.get_absolute_url()}")

    body = page.locator(f"[id='{summary.author.username}'] .summary-body")
    inline = body.locator(".katex").first
    expect(inline).to_be_visible()
    box = inline.bounding_box()
    assert box["width"] > 0 and box["height"] > 0
    display = body.locator(".katex-display")
    expect(display).to_be_visible()
    assert display.bounding_box()["height"] > 0


def test_without_javascript_math_is_laid_out(live_server, js_disabled_page):
    page = js_disabled_page
    summary = make_summary(body="Inline $a_i * b_i$ and\n\n$$\\sum_{i=1}^n x_i$$\n")

    page.goto(f"{live_server.url}{summary.paper.get_absolute_url()}")

    math = page.locator(".summary-body .katex")
    expect(math.first).to_be_visible()
    for box in [m.bounding_box() for m in math.all()]:
        assert box is not None and box["width"] > 0 and box["height"] > 0


def test_without_javascript_read_more_opens_the_summary_page(live_server, js_disabled_page):
    page = js_disabled_page
    long = make_summary(body=LONG_BODY)

    page.goto(live_server.url)
    page.locator(f"#summary-{long.pk}").get_by_role("link", name="Read more").click()

    expect(page).to_have_url(f"{live_server.url}/summaries/{long.pk}/")
    expect(page.get_by_text("The very last sentence of the long summary.")).to_be_visible()


def test_comment_count_link_lands_on_the_comments(live_server, page):
    summary = make_summary()
    make_comment(summary)

    page.goto(live_server.url)
    page.locator(f"#summary-{summary.pk}").get_by_role("link", name="1 comment").click()

    expect(page).to_have_url(re.compile(rf"/summaries/{summary.pk}/#"))
    # The URL changes when the new page is committed, before it is parsed far
    # enough to have a target: wait for it, then ask where it is.
    page.wait_for_load_state("domcontentloaded")
    page.wait_for_function("document.querySelector(':target') != null", timeout=5000)
    assert page.evaluate("document.querySelector(':target').closest('.comments') != null")


def long_discussion(threads):
    """A summary with `threads` top-level comments, a minute apart, oldest first."""
    summary = make_summary()
    start = NEWEST - timedelta(days=1)
    tops = []
    for n in range(threads):
        top = make_comment(summary, body=f"Thread number {n}.")
        Comment.objects.filter(pk=top.pk).update(created_at=start + timedelta(minutes=n))
        tops.append(top)
    return summary, tops


def test_an_old_comment_anchor_finds_the_page_that_holds_it(live_server, page):
    summary, tops = long_discussion(THREADS_PER_PAGE + 3)
    late = tops[-1]

    page.goto(f"{live_server.url}{summary.get_absolute_url()}#comment-{late.pk}")

    expect(page).to_have_url(f"{live_server.url}{late.get_absolute_url()}")
    expect(page.locator(f"#comment-{late.pk}")).to_be_in_viewport()


def test_without_javascript_every_page_of_comments_is_reachable(live_server, js_disabled_page):
    page = js_disabled_page
    summary, tops = long_discussion(THREADS_PER_PAGE + 3)
    page.goto(f"{live_server.url}{summary.get_absolute_url()}")
    expect(page.locator(".comment")).to_have_count(THREADS_PER_PAGE)
    expect(page.get_by_text(f"Thread number {THREADS_PER_PAGE}.", exact=True)).to_have_count(0)

    pages = page.get_by_role("navigation", name="Pages of comments (bottom)")
    pages.get_by_role("link", name="Later comments").click()

    expect(page).to_have_url(
        f"{live_server.url}{summary.get_absolute_url()}?page=2#comments-{summary.pk}"
    )
    expect(page.locator(".comment")).to_have_count(3)
    expect(page.get_by_text(f"Thread number {THREADS_PER_PAGE + 2}.", exact=True)).to_be_visible()
    pages = page.get_by_role("navigation", name="Pages of comments (top)")
    pages.get_by_role("link", name="Page 1").click()
    expect(page.locator(".comment")).to_have_count(THREADS_PER_PAGE)


def test_read_more_on_a_comment_opens_it_whole_in_context(live_server, js_disabled_page):
    page = js_disabled_page
    summary = make_summary()
    comment = make_comment(
        summary, body="The start of a long comment. " + "It goes on. " * 100 + "Its last words."
    )

    page.goto(f"{live_server.url}{summary.paper.get_absolute_url()}")
    box = page.locator(f"#comment-{comment.pk}")
    expect(box.get_by_text("Its last words.")).to_have_count(0)
    box.get_by_role("link", name="Read more").click()

    expect(page).to_have_url(f"{live_server.url}{comment.get_absolute_url()}")
    expect(page.locator(f"#comment-{comment.pk}")).to_contain_text("Its last words.")
