"""Writing in the browser: the live preview of comments and replies, the Write/Preview
switch on a phone, and Ctrl+Enter to post."""

import re

import pytest
from playwright.sync_api import expect

from summaries.models import Comment, Summary
from tests.browser.helpers import field, form_posts, log_in
from tests.factories import make_comment, make_paper, make_summary, make_user, summary_text

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}


@pytest.fixture
def discussed():
    """A summary by ada with bob's comment on it; carol is the one writing."""
    summary = make_summary(author=make_user("ada"))
    comment = make_comment(summary, author=make_user("bob"), body="Is $n > 2$ needed?")
    make_user("carol")
    return summary, comment


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport=PHONE)
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


def preview_of(form):
    return form.get_by_role("region", name="Preview")


def test_the_comment_preview_shows_rendered_math(live_server, page, discussed):
    summary, _ = discussed
    log_in(page, live_server, "carol")
    page.goto(f"{live_server.url}{summary.get_absolute_url()}")
    form = page.locator("#comment-form")
    # Nothing to preview yet: no empty box under the field.
    expect(preview_of(form)).to_have_count(0)

    field(page, "Your comment").press_sequentially(r"Take $\frac{a}{b}$ and **this**.", delay=5)

    preview = preview_of(form)
    expect(preview.locator(".katex")).to_have_count(1)
    expect(preview.locator("strong")).to_have_text("this")
    assert not Comment.objects.filter(author__username="carol").exists()


def test_a_reply_opened_in_place_has_the_preview_too(live_server, page, discussed):
    summary, comment = discussed
    log_in(page, live_server, "carol")
    page.goto(f"{live_server.url}{summary.paper.get_absolute_url()}")
    page.locator(f"#comment-{comment.pk}").get_by_role("link", name="Reply").click()
    form = page.locator(f"#reply-form-{comment.pk}")

    field(form, "Your reply").press_sequentially("Only for $n = 2$.", delay=5)

    expect(preview_of(form).locator(".katex")).to_have_count(1)


def test_a_comment_over_its_limit_is_refused_in_the_preview(live_server, page, discussed):
    """The comment preview renders with the comment's limit, not the summary's."""
    summary, _ = discussed
    log_in(page, live_server, "carol")
    page.goto(f"{live_server.url}{summary.get_absolute_url()}")
    textarea = field(page, "Your comment")
    textarea.fill("x" * 10_000)
    textarea.press("End")
    textarea.press_sequentially("y")

    expect(preview_of(page.locator("#comment-form"))).to_contain_text("too long to preview")


def test_on_a_phone_write_and_preview_take_turns(live_server, phone):
    paper = make_paper()
    make_user("ada")
    log_in(phone, live_server, "ada")
    phone.goto(f"{live_server.url}/summaries/write/{paper.bibtex_key}/")
    textarea = field(phone, "Summary")
    write = phone.get_by_role("button", name="Write", exact=True)
    show_preview = phone.get_by_role("group", name="Write or preview").get_by_role(
        "button", name="Preview"
    )
    preview = phone.locator("#preview")

    # The form first, the preview out of the way (it would sit far below the form).
    expect(write).to_have_attribute("aria-pressed", "true")
    expect(show_preview).to_have_attribute("aria-pressed", "false")
    expect(preview).to_be_hidden()
    textarea.fill(r"Display: $$\sum_{i=1}^n x_i$$")

    # By keyboard, as well as by touch.
    show_preview.focus()
    phone.keyboard.press("Enter")
    expect(show_preview).to_have_attribute("aria-pressed", "true")
    expect(textarea).to_be_hidden()
    expect(preview.locator(".katex-display")).to_be_visible()
    # The preview is on the first screen, not far below the form.
    assert preview.bounding_box()["y"] < PHONE["height"]

    write.focus()
    phone.keyboard.press("Space")
    expect(textarea).to_be_visible()
    expect(preview).to_be_hidden()
    expect(textarea).to_have_value(r"Display: $$\sum_{i=1}^n x_i$$")
    assert not Summary.objects.exists()


def test_on_a_phone_the_comment_form_switches_too(live_server, phone, discussed):
    summary, _ = discussed
    log_in(phone, live_server, "carol")
    phone.goto(f"{live_server.url}{summary.get_absolute_url()}")
    form = phone.locator("#comment-form")
    textarea = field(form, "Your comment")
    textarea.fill("Is $x^2$ convex?")

    form.get_by_role("button", name="Preview").click()
    expect(textarea).to_be_hidden()
    expect(preview_of(form).locator(".katex")).to_be_visible()
    form.get_by_role("button", name="Write").click()
    expect(textarea).to_be_visible()


def test_wide_screens_have_no_switch(live_server, page):
    paper = make_paper()
    make_user("ada")
    log_in(page, live_server, "ada")
    page.goto(f"{live_server.url}/summaries/write/{paper.bibtex_key}/")
    expect(page.get_by_role("group", name="Write or preview")).to_be_hidden()
    expect(page.locator("#preview")).to_be_visible()
    expect(field(page, "Summary")).to_be_visible()


def test_ctrl_enter_posts_a_comment_once(live_server, page, discussed):
    summary, _ = discussed
    log_in(page, live_server, "carol")
    page.goto(f"{live_server.url}{summary.get_absolute_url()}")
    textarea = field(page, "Your comment")
    textarea.fill("Posted from the keyboard.")
    posts = form_posts(page)

    textarea.press("Control+Enter")
    textarea.press("Control+Enter")

    comment = Comment.objects.filter(author__username="carol")
    expect(page).to_have_url(re.compile(r"#comment-\d+$"))
    expect(page.locator(".comment").filter(has_text="Posted from the keyboard.")).to_have_count(1)
    assert comment.get().body == "Posted from the keyboard."
    assert len([post for post in posts if "/comments/" in post.url]) == 1


def test_ctrl_enter_publishes_a_summary(live_server, page):
    paper = make_paper()
    make_user("ada")
    log_in(page, live_server, "ada")
    page.goto(f"{live_server.url}/summaries/write/{paper.bibtex_key}/")
    text = summary_text("Published with the keyboard.")
    field(page, "Summary").fill(text)

    field(page, "Summary").press("Control+Enter")

    expect(page).to_have_url(f"{live_server.url}{paper.get_absolute_url()}#ada")
    expect(page.get_by_role("status")).to_have_text("Summary published.")
    assert Summary.objects.get().body == text
