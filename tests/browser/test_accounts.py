"""Accounts as a user meets them: sign up, verify the address, post; log in and out;
change or reset a password."""

import re

import pytest
from playwright.sync_api import expect

from summaries.models import Comment
from tests.browser.helpers import field, fill_login_form, log_in, nav
from tests.factories import PASSWORD, make_summary, make_user

pytestmark = pytest.mark.browser

NEW_PASSWORD = "lantern-orchid-glacier-42"
COMMENT = "Does the bound hold for $n = 1$ as well?"


def log_out(page):
    nav(page).get_by_role("button", name="Log out").click()
    expect(nav(page).get_by_role("link", name="Log in")).to_be_visible()


def link_in(message, live_server, path):
    """The link in the mail, on the server under test (mail names the host it was asked on)."""
    found = re.search(rf"https?://[^/\s]+({re.escape(path)}\S+/)", message.body)
    assert found, message.body
    return f"{live_server.url}{found.group(1)}"


def comment_on(page, text):
    form = page.locator("#comment-form")
    field(form, "Your comment").fill(text)
    form.get_by_role("button", name="Comment").click()


def test_sign_up_verify_the_address_and_post(live_server, page, mailoutbox):
    summary = make_summary(author=make_user("ada"), body="A summary to discuss.")
    page.goto(live_server.url)
    nav(page).get_by_role("link", name="Sign up").click()

    field(page, "Username").fill("newcomer")
    field(page, "Email").fill("newcomer@example.org")
    field(page, "Password").fill(NEW_PASSWORD)
    field(page, "Password (again)").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Create account").click()

    expect(page).to_have_url(f"{live_server.url}/")
    expect(nav(page).get_by_role("link", name="newcomer", exact=True)).to_be_visible()
    expect(page.get_by_text("Verify your e-mail address to write summaries")).to_be_visible()

    # Before the address is verified, a comment is refused and its text handed back.
    page.goto(f"{live_server.url}{summary.get_absolute_url()}")
    comment_on(page, COMMENT)
    expect(page.get_by_role("heading", name="Verify your e-mail address to post")).to_be_visible()
    expect(page.get_by_label("Your text")).to_have_value(COMMENT)
    assert not Comment.objects.exists()

    (message,) = mailoutbox
    assert message.to == ["newcomer@example.org"]
    page.goto(link_in(message, live_server, "/accounts/confirm-email/"))
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_text("Verify your e-mail address to write summaries")).to_have_count(0)

    page.goto(f"{live_server.url}{summary.get_absolute_url()}")
    comment_on(page, COMMENT)
    expect(page.locator(".comment").filter(has_text="Does the bound hold")).to_be_visible()
    assert Comment.objects.get().author.username == "newcomer"


def test_log_out_and_log_in_by_email(live_server, page):
    make_user("ada", email="ada@example.org")
    log_in(page, live_server, "ada")
    log_out(page)
    nav(page).get_by_role("link", name="Log in").click()
    fill_login_form(page, "ada@example.org")
    expect(nav(page).get_by_role("link", name="ada", exact=True)).to_be_visible()


def test_wrong_password_does_not_log_in(live_server, page):
    make_user("ada")
    page.goto(f"{live_server.url}/accounts/login/")
    fill_login_form(page, "ada", "not-the-password")
    expect(page.locator("main")).to_contain_text("are not correct")
    expect(nav(page).get_by_role("link", name="Log in")).to_be_visible()


def test_change_password_then_log_in_with_the_new_one(live_server, page):
    make_user("ada")
    log_in(page, live_server, "ada")

    page.goto(f"{live_server.url}/accounts/settings/")
    page.get_by_role("link", name="Change your password").click()
    field(page, "Current Password").fill(PASSWORD)
    field(page, "New Password").fill(NEW_PASSWORD)
    field(page, "New Password (again)").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Change Password").click()
    expect(
        page.get_by_role("status").filter(has_text="Password successfully changed")
    ).to_be_visible()
    # Changing the password keeps this session logged in.
    expect(nav(page).get_by_role("link", name="ada", exact=True)).to_be_visible()

    log_out(page)
    page.goto(f"{live_server.url}/accounts/login/")
    fill_login_form(page, "ada", PASSWORD)
    expect(page.locator("main")).to_contain_text("are not correct")
    log_in(page, live_server, "ada", NEW_PASSWORD)


def test_reset_a_forgotten_password_by_mail(live_server, page, mailoutbox):
    make_user("ada", email="ada@example.org")
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_role("link", name="Forgot your password?").click()

    field(page, "Email").fill("ada@example.org")
    page.get_by_role("button", name="Reset My Password").click()
    expect(page.get_by_text("We have sent you an email")).to_be_visible()

    (message,) = mailoutbox
    assert message.to == ["ada@example.org"]
    link = link_in(message, live_server, "/accounts/password/reset/key/")

    page.goto(link)
    field(page, "New Password").fill(NEW_PASSWORD)
    field(page, "New Password (again)").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Change Password").click()
    expect(page.get_by_text("Your password is now changed.")).to_be_visible()

    page.goto(f"{live_server.url}/accounts/login/")
    fill_login_form(page, "ada", NEW_PASSWORD)
    expect(nav(page).get_by_role("link", name="ada", exact=True)).to_be_visible()

    # The link works once.
    log_out(page)
    page.goto(link)
    expect(page.get_by_role("heading", name="Bad Token")).to_be_visible()
