"""Following a paper and hearing of it: the Following tab, the inbox with its unread
count in the header, marking read, and a mention that links to the profile."""

import re

import pytest
from playwright.sync_api import expect

from summaries import services
from tests.browser.helpers import log_in, nav
from tests.factories import make_paper, make_user, summary_text

pytestmark = pytest.mark.browser


def test_follow_a_paper_then_find_its_new_summary_and_a_mention(live_server, page):
    grace, ada = make_user("grace"), make_user("ada")
    paper = make_paper(title="Attention Is All You Need")
    log_in(page, live_server, "grace")

    page.goto(f"{live_server.url}{paper.get_absolute_url()}")
    expect(page.locator(".follower-count")).to_have_text("0 followers")
    page.get_by_role("button", name=re.compile("^Follow")).click()
    expect(page.get_by_role("status")).to_contain_text("You follow")
    expect(page.locator(".follower-count")).to_have_text("1 follower")
    expect(page.get_by_role("button", name=re.compile("^Following"))).to_have_attribute(
        "aria-pressed", "true"
    )

    # Another user publishes a summary of it (the tasks run as the write commits).
    summary, _ = services.save_summary(
        paper=paper,
        author=ada,
        body=summary_text("Attention alone, without recurrence, is enough."),
        is_private=False,
        is_anonymous=False,
    )

    page.goto(f"{live_server.url}/following/")
    expect(page.locator(f"#summary-{summary.pk}")).to_contain_text("Attention alone")
    inbox_link = nav(page).get_by_role("link", name=re.compile("^Inbox"))
    expect(inbox_link).to_contain_text("1 unread")

    inbox_link.click()
    expect(page).to_have_title(re.compile("^Inbox"))
    expect(page.locator(".inbox-item")).to_contain_text("ada wrote a summary of")
    page.get_by_role("button", name=re.compile("^Mark read")).click()
    expect(nav(page).get_by_role("link", name=re.compile("^Inbox"))).not_to_contain_text("unread")

    # A mention in a comment: linked to the profile, and in the inbox.
    services.add_comment(summary=summary, author=ada, body="As @grace pointed out, yes.")
    page.goto(f"{live_server.url}/notifications/")
    expect(nav(page).get_by_role("link", name=re.compile("^Inbox"))).to_contain_text("1 unread")
    expect(page.locator(".inbox-unread")).to_contain_text("ada mentioned you in a comment")
    page.get_by_role("button", name="Read the comment").first.click()
    mention = page.locator("a.mention", has_text="@grace")
    expect(mention).to_have_attribute("href", "/user/grace/")
    mention.click()
    expect(page).to_have_url(f"{live_server.url}/user/grace/")
    expect(nav(page).get_by_role("link", name=re.compile("^Inbox"))).not_to_contain_text("unread")
    assert grace.notifications.filter(read_at__isnull=True).count() == 0
