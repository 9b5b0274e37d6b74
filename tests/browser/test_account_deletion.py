"""Deleting an account as a person would: from the settings, through the password asked
again, to a site that no longer knows the name."""

import pytest
from playwright.sync_api import expect

from accounts.models import User
from summaries.models import Summary
from tests.browser.helpers import field, log_in, nav
from tests.factories import PASSWORD, make_summary, make_user

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(
    ("choice", "summary_left"),
    [("Delete it", False), ("Keep it without my name", True)],
)
def test_deleting_an_account_from_the_settings(live_server, page, choice, summary_left):
    person = make_user("leaving_soon")
    summary = make_summary(author=person, body="A summary written before leaving.")
    log_in(page, live_server, person.username)

    page.goto(f"{live_server.url}/accounts/settings/")
    page.get_by_role("link", name="Delete my account…").click()
    # allauth asks for the password again unless it was given a moment ago.
    if page.get_by_label("Password").count():
        field(page, "Password").fill(PASSWORD)
        page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("link", name="Download my data")).to_be_visible()
    page.get_by_label(choice).check()
    page.get_by_label("I understand that my account cannot be brought back.").check()
    page.get_by_role("button", name="Delete my account").click()

    expect(nav(page).get_by_role("link", name="Log in")).to_be_visible()
    assert not User.objects.filter(username="leaving_soon").exists()
    assert Summary.objects.filter(pk=summary.pk).exists() == summary_left
    page.goto(f"{live_server.url}{summary.paper.get_absolute_url()}")
    expect(page.get_by_text("leaving_soon")).to_have_count(0)
    if summary_left:
        expect(page.get_by_text("A summary written before leaving.")).to_be_visible()
