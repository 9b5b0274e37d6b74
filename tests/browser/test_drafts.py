"""Drafts in the browser: text kept while typing comes back after the tab was closed,
goes once it is posted, stays when the post is refused; a summary's draft saved on the
server comes back in another browser; leaving unsaved text asks first."""

import json

import pytest
from playwright.sync_api import expect

from summaries.models import Comment, Draft, Summary
from tests.browser.helpers import field, log_in
from tests.factories import make_comment, make_paper, make_summary, make_user, summary_text

pytestmark = pytest.mark.browser

NOTICE = "Restored your unsaved draft"


@pytest.fixture
def discussed():
    summary = make_summary(author=make_user("ada"))
    make_comment(summary, author=make_user("bob"), body="Is $n > 2$ needed?")
    make_user("carol")
    return summary


def local_drafts(page):
    """The drafts the page's origin keeps, by key."""
    return json.loads(
        page.evaluate(
            """() => JSON.stringify(Object.fromEntries(Object.keys(localStorage)
                .filter((key) => key.startsWith("draft:"))
                .map((key) => [key, JSON.parse(localStorage.getItem(key))])))"""
        )
    )


def wait_for_local_draft(page, text):
    page.wait_for_function(
        """(text) => Object.keys(localStorage).some((key) => key.startsWith("draft:")
            && JSON.parse(localStorage.getItem(key)).text === text)""",
        arg=text,
    )


def test_a_comment_comes_back_after_the_tab_was_closed(live_server, page, discussed):
    url = f"{live_server.url}{discussed.get_absolute_url()}"
    log_in(page, live_server, "carol")
    page.goto(url)
    text = "Half a thought about $n$, interrupted."
    field(page, "Your comment").fill(text)
    wait_for_local_draft(page, text)
    context = page.context
    page.close()

    again = context.new_page()
    again.goto(url)
    textarea = field(again, "Your comment")
    expect(textarea).to_have_value(text)
    notice = again.get_by_role("status").filter(has_text=NOTICE)
    expect(notice).to_be_visible()

    notice.get_by_role("button", name="Discard").click()
    expect(textarea).to_have_value("")
    expect(notice).to_have_count(0)
    again.reload()
    expect(field(again, "Your comment")).to_have_value("")


def test_a_posted_comment_s_draft_is_gone(live_server, page, discussed):
    url = f"{live_server.url}{discussed.get_absolute_url()}"
    log_in(page, live_server, "carol")
    page.goto(url)
    text = "A comment that gets posted."
    field(page, "Your comment").fill(text)
    wait_for_local_draft(page, text)
    page.get_by_role("button", name="Comment", exact=True).click()

    expect(page.locator(".comment").filter(has_text=text)).to_have_count(1)
    assert Comment.objects.filter(body=text).exists()
    expect(field(page, "Your comment")).to_have_value("")
    assert local_drafts(page) == {}
    expect(page.get_by_text(NOTICE)).to_have_count(0)


def test_a_refused_summary_keeps_its_text_and_its_draft(live_server, page):
    paper = make_paper()
    make_user("ada")
    log_in(page, live_server, "ada")
    write_url = f"{live_server.url}/summaries/write/{paper.bibtex_key}/"
    page.goto(write_url)
    field(page, "Summary").fill("ok.")
    page.get_by_role("button", name="Publish").click()

    expect(page.locator("#div_id_body")).to_contain_text("A summary needs at least 100 characters")
    expect(field(page, "Summary")).to_have_value("ok.")
    # The server handed the text back: it is not "restored" over itself.
    expect(page.get_by_text(NOTICE)).to_have_count(0)
    [draft] = local_drafts(page).values()
    assert draft["text"] == "ok." and "submitted" not in draft
    assert not Summary.objects.exists()


def test_a_summary_draft_comes_back_in_another_browser(live_server, browser, page):
    paper = make_paper()
    make_user("ada")
    log_in(page, live_server, "ada")
    page.goto(f"{live_server.url}/summaries/write/{paper.bibtex_key}/")
    text = summary_text("Begun on the office computer, with $\\lambda$ in it.")

    with page.expect_response(
        lambda response: "/summaries/drafts/" in response.url, timeout=20_000
    ) as saved:
        field(page, "Summary").fill(text)
    assert saved.value.status == 204
    assert Draft.objects.get().body == text

    # Another browser: no local storage, no session in common.
    elsewhere = browser.new_context()
    try:
        home = elsewhere.new_page()
        log_in(home, live_server, "ada")
        home.goto(f"{live_server.url}/summaries/write/{paper.bibtex_key}/")
        expect(field(home, "Summary")).to_have_value(text)
        expect(home.get_by_role("status").filter(has_text="This is your draft")).to_be_visible()

        home.get_by_role("button", name="Publish").click()
        expect(home.get_by_role("status")).to_have_text("Summary published.")
        assert Summary.objects.get().body == text
        assert not Draft.objects.exists()
    finally:
        elsewhere.close()


def test_leaving_unsaved_text_asks_first(live_server, page, discussed):
    log_in(page, live_server, "carol")
    page.goto(f"{live_server.url}{discussed.get_absolute_url()}")
    dialogs = []

    def answer(dialog):
        dialogs.append(dialog.type)
        dialog.dismiss()

    page.on("dialog", answer)
    home = page.get_by_role("link", name="ShortScience").first
    # Nothing typed: leaving asks nothing.
    home.click()
    expect(page).to_have_url(f"{live_server.url}/")
    assert dialogs == []

    page.goto(f"{live_server.url}{discussed.get_absolute_url()}")
    field(page, "Your comment").fill("Not posted yet.")
    page.get_by_role("link", name="ShortScience").first.click()
    page.wait_for_timeout(500)
    assert dialogs == ["beforeunload"]
    # Dismissed: the page and its text stay.
    expect(field(page, "Your comment")).to_have_value("Not posted yet.")

    # Posting is not leaving.
    page.get_by_role("button", name="Comment", exact=True).click()
    expect(page.locator(".comment").filter(has_text="Not posted yet.")).to_have_count(1)
    assert dialogs == ["beforeunload"]
