"""Comment threads in the browser: replying (in place, and without JavaScript), editing,
deleting and removing; and the pages they make pass axe and the Nu HTML Checker."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from summaries import services
from summaries.discussion import THREADS_PER_PAGE
from summaries.models import Comment
from tests.browser.checks import BLOCKING_IMPACTS, axe_violations, describe, run_vnu
from tests.browser.helpers import field, form_posts, log_in
from tests.factories import make_comment, make_summary, make_user

pytestmark = pytest.mark.browser


def status(page):
    return page.get_by_role("status")


def comment_box(page, comment):
    return page.locator(f"#comment-{comment.pk}")


@pytest.fixture
def thread():
    """A summary by ada with bob's comment on it; carol is logged in in the tests."""
    summary = make_summary(author=make_user("ada"), body="A summary worth discussing.")
    comment = make_comment(summary, author=make_user("bob"), body="Is $n > 2$ needed?")
    later = make_comment(summary, author=make_user("dan"), body="A later remark.")
    make_user("carol")
    return summary, comment, later


def assert_reply_under(page, parent, after):
    """The newest comment is a reply to `parent`, shown between it and `after`."""
    new = Comment.objects.latest("pk")
    assert new.parent_id == parent.pk
    ids = page.locator(".comment").evaluate_all("els => els.map((el) => el.id)")
    assert ids.index(f"comment-{parent.pk}") < ids.index(f"comment-{new.pk}")
    assert ids.index(f"comment-{new.pk}") < ids.index(f"comment-{after.pk}")
    expect(comment_box(page, new)).to_have_class(re.compile(r"\bcomment-reply\b"))
    return new


def test_reply_opens_in_place_with_javascript(live_server, page, thread):
    summary, comment, later = thread
    log_in(page, live_server, "carol")
    paper_url = f"{live_server.url}{summary.paper.get_absolute_url()}"
    page.goto(paper_url)

    reply_link = comment_box(page, comment).get_by_role("link", name="Reply")
    expect(reply_link).to_have_attribute("aria-expanded", "false")
    reply_link.click()

    expect(page).to_have_url(paper_url)
    form = page.locator(f"#reply-form-{comment.pk}")
    textarea = field(form, "Your reply")
    expect(textarea).to_be_focused()
    expect(reply_link).to_have_attribute("aria-expanded", "true")

    # Cancel folds the form away without losing what was written, and the focus goes back.
    textarea.fill("Yes: for $n = 2$ it fails.")
    form.get_by_role("button", name="Cancel").click()
    expect(form).to_be_hidden()
    expect(reply_link).to_be_focused()
    reply_link.click()
    expect(textarea).to_have_value("Yes: for $n = 2$ it fails.")

    posts = form_posts(page)
    form.get_by_role("button", name="Reply").dblclick()

    # The page of the discussion that holds the reply, at the reply.
    expect(page).to_have_url(re.compile(rf"/summaries/{summary.pk}/\?comment=(\d+)#comment-\1$"))
    new = assert_reply_under(page, comment, later)
    expect(comment_box(page, new)).to_contain_text("Yes: for")
    expect(comment_box(page, new).locator(".katex").first).to_be_visible()
    expect(page.get_by_role("heading", name="3 comments")).to_be_visible()
    assert len(posts) == 1


def test_reply_without_javascript(live_server, js_disabled_page, thread):
    page = js_disabled_page
    summary, comment, later = thread
    log_in(page, live_server, "carol")
    page.goto(f"{live_server.url}{summary.paper.get_absolute_url()}")

    comment_box(page, comment).get_by_role("link", name="Reply").click()

    expect(page).to_have_url(
        f"{live_server.url}/summaries/{summary.pk}/?reply={comment.pk}#reply-form-{comment.pk}"
    )
    form = page.locator(f"#reply-form-{comment.pk}")
    field(form, "Your reply").fill("Only for the strict case.")
    form.get_by_role("button", name="Reply").click()

    new = assert_reply_under(page, comment, later)
    expect(page).to_have_url(f"{live_server.url}{new.get_absolute_url()}")
    expect(comment_box(page, new)).to_contain_text("Only for the strict case.")


def test_edit_in_place_with_javascript(live_server, page, thread):
    summary, comment, _ = thread
    log_in(page, live_server, "bob")
    summary_url = f"{live_server.url}{summary.get_absolute_url()}"
    page.goto(summary_url)
    box = comment_box(page, comment)

    box.get_by_role("link", name="Edit").click()

    expect(page).to_have_url(summary_url)
    textarea = field(box, "Your comment")
    expect(textarea).to_be_focused()
    expect(textarea).to_have_value("Is $n > 2$ needed?")
    expect(box.locator(".comment-body")).to_be_hidden()

    box.get_by_role("button", name="Cancel").click()
    expect(box.locator(".comment-body")).to_be_visible()
    expect(textarea).to_be_hidden()

    box.get_by_role("link", name="Edit").click()
    textarea.fill("Is $n \\geq 3$ needed?")
    box.get_by_role("button", name="Save").click()

    expect(page).to_have_url(f"{live_server.url}{comment.get_absolute_url()}")
    expect(status(page)).to_have_text("Comment saved.")
    box = comment_box(page, comment)
    expect(box.locator(".comment-body .katex")).to_be_visible()
    expect(box.locator(".comment-edited")).to_contain_text("edited")
    expect(box.locator(".comment-edited time")).to_have_attribute("title", re.compile("UTC"))
    comment.refresh_from_db()
    assert comment.body == "Is $n \\geq 3$ needed?"


def test_edit_without_javascript_and_an_error_keeps_the_text(live_server, js_disabled_page, thread):
    page = js_disabled_page
    summary, comment, _ = thread
    log_in(page, live_server, "bob")
    page.goto(f"{live_server.url}{summary.get_absolute_url()}")

    comment_box(page, comment).get_by_role("link", name="Edit").click()

    expect(page).to_have_url(f"{live_server.url}/comments/{comment.pk}/edit/")
    expect(page.get_by_role("heading", name="Edit your comment")).to_be_visible()
    text = "w" * 10_001
    field(page, "Your comment").fill(text)
    page.get_by_role("button", name="Save").click()
    expect(page.locator(f"#div_edit-{comment.pk}_body")).to_contain_text(
        "Ensure this value has at most 10000 characters (it has 10001)."
    )
    assert field(page, "Your comment").evaluate("el => el.value.length") == 10_001

    field(page, "Your comment").fill("Shorter now.")
    page.get_by_role("button", name="Save").click()
    expect(status(page)).to_have_text("Comment saved.")
    expect(comment_box(page, comment)).to_contain_text("Shorter now.")


def test_delete_a_comment_with_replies_leaves_a_placeholder(live_server, page, thread):
    summary, comment, _ = thread
    reply = make_comment(summary, parent=comment, author=make_user("eve"), body="Eve's answer.")
    log_in(page, live_server, "bob")
    page.goto(f"{live_server.url}{summary.paper.get_absolute_url()}")
    page.once("dialog", lambda dialog: dialog.accept())

    comment_box(page, comment).get_by_role("button", name="Delete").click()

    expect(status(page)).to_have_text("Your comment was deleted.")
    box = comment_box(page, comment)
    expect(box).to_have_text("[deleted]")
    expect(page.get_by_text("needed?")).to_have_count(0)
    expect(comment_box(page, reply)).to_contain_text("Eve's answer.")
    expect(page.get_by_role("heading", name="2 comments")).to_be_visible()


def test_summary_author_removes_a_comment(live_server, page, thread):
    summary, comment, later = thread
    log_in(page, live_server, "ada")
    page.goto(f"{live_server.url}{summary.get_absolute_url()}")
    dialogs = []

    def accept(dialog):
        dialogs.append(dialog.message)
        dialog.accept()

    page.once("dialog", accept)
    comment_box(page, later).get_by_role("button", name="Remove").click()

    expect(status(page)).to_have_text("The comment was removed.")
    assert dialogs == ["Remove this comment? Its text will be gone for everyone."]
    expect(comment_box(page, later)).to_have_count(0)
    expect(page.get_by_text("A later remark.")).to_have_count(0)
    expect(comment_box(page, comment).get_by_role("button", name="Remove")).to_be_visible()


def many_threads(summary, count):
    """`count` top-level comments under `summary`, a minute apart, oldest first."""
    start = timezone.now() - timedelta(days=1)
    tops = []
    for n in range(count):
        top = make_comment(summary, body=f"Thread number {n}.")
        Comment.objects.filter(pk=top.pk).update(created_at=start + timedelta(minutes=n))
        tops.append(top)
    return tops


def test_a_reply_in_place_on_page_two_lands_on_page_two(live_server, page, thread):
    summary, _, _ = thread
    tops = many_threads(summary, THREADS_PER_PAGE + 2)
    target, after = tops[-2], tops[-1]
    log_in(page, live_server, "carol")
    page.goto(f"{live_server.url}{summary.get_absolute_url()}?page=2")

    comment_box(page, target).get_by_role("link", name="Reply").click()
    form = page.locator(f"#reply-form-{target.pk}")
    field(form, "Your reply").fill("Answering on the second page.")
    form.get_by_role("button", name="Reply").click()

    new = assert_reply_under(page, target, after)
    expect(page).to_have_url(f"{live_server.url}{new.get_absolute_url()}")
    pages = page.get_by_role("navigation", name="Pages of comments (top)")
    expect(pages.locator("[aria-current=page]")).to_have_text("Page 2")
    expect(comment_box(page, new)).to_be_in_viewport()


def build_discussion():
    """A summary whose thread has every kind of comment: replies, a placeholder, an
    edited comment, one too heavy to show whole (its excerpt and "Read more"); carol is
    logged in."""
    summary = make_summary(author=make_user("ada"), body="A summary with a discussion.")
    carol = make_user("carol")
    first = make_comment(summary, author=carol, body="First, by carol: $x^2$.")
    services.edit_comment(first, body="First, by carol, edited: $x^2$.")
    make_comment(summary, parent=first, body="A reply.")
    gone = make_comment(summary, body="Soon gone.")
    make_comment(summary, parent=gone, body="A reply to what is gone.")
    services.delete_comment(gone)
    make_comment(summary, body="A last remark.")
    make_comment(summary, body="A heavy one: " + "$x_1 + y_1$ " * 40)
    return summary, first


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_on_a_discussion_with_forms_open(live_server, browser, axe_source, scheme):
    summary, first = build_discussion()
    context = browser.new_context(bypass_csp=True, color_scheme=scheme)
    try:
        page = context.new_page()
        log_in(page, live_server, "carol")
        page.goto(f"{live_server.url}{summary.paper.get_absolute_url()}")
        comment_box(page, first).get_by_role("link", name="Reply").click()
        comment_box(page, first).get_by_role("link", name="Edit").click()
        expect(field(comment_box(page, first), "Your comment")).to_be_visible()
        page.evaluate("document.fonts.ready.then(() => true)")

        # Only the comment sections: test_accessibility checks whole pages.
        found = axe_violations(page, axe_source, within=".comments")
        blocking = [v for v in found if v["impact"] in BLOCKING_IMPACTS]

        assert not blocking, f"axe ({scheme}):\n{describe(blocking)}"
    finally:
        context.close()


@pytest.mark.django_db
def test_thread_pages_are_valid_html(client, tmp_path):
    summary, first = build_discussion()
    client.force_login(first.author)
    paged = make_summary(body="A summary with a long discussion.")
    many_threads(paged, THREADS_PER_PAGE + 1)
    pages = {
        "paper": summary.paper.get_absolute_url(),
        "summary-reply-open": f"{summary.get_absolute_url()}?reply={first.pk}",
        "edit": f"/comments/{first.pk}/edit/",
        "summary-paged": f"{paged.get_absolute_url()}?page=2",
    }
    for name, url in pages.items():
        response = client.get(url)
        assert response.status_code == 200, name
        html = response.content.decode()
        assert 'id="reply-form-' in html or name != "summary-reply-open"
        (tmp_path / f"{name}.html").write_text(html)

    errors = run_vnu(sorted(tmp_path.iterdir()))

    assert not errors, "\n".join(
        f"{name}: {message['message']} ({message.get('extract', '').strip()})"
        for name, messages in errors.items()
        for message in messages
    )
