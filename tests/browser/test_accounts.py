"""Accounts as a user meets them: sign up, log in and out, change or reset a password."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import field, fill_login_form, log_in, nav
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.browser

NEW_PASSWORD = "lantern-orchid-glacier-42"


def log_out(page):
    nav(page).get_by_role("button", name="Log out").click()
    expect(nav(page).get_by_role("link", name="Log in")).to_be_visible()


def test_sign_up_log_out_and_log_in_again(live_server, page):
    page.goto(live_server.url)
    nav(page).get_by_role("link", name="Sign up").click()

    field(page, "Username").fill("newcomer")
    field(page, "Email").fill("newcomer@example.org")
    field(page, "Password").fill(NEW_PASSWORD)
    field(page, "Password confirmation").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Create account").click()

    expect(page).to_have_url(f"{live_server.url}/")
    expect(nav(page).get_by_role("link", name="newcomer", exact=True)).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("Welcome, newcomer!")

    log_out(page)
    expect(nav(page).get_by_role("link", name="newcomer")).to_have_count(0)

    nav(page).get_by_role("link", name="Log in").click()
    fill_login_form(page, "newcomer", NEW_PASSWORD)
    expect(nav(page).get_by_role("link", name="newcomer", exact=True)).to_be_visible()


def test_wrong_password_does_not_log_in(live_server, page):
    make_user("ada")
    page.goto(f"{live_server.url}/accounts/login/")
    fill_login_form(page, "ada", "not-the-password")
    expect(page.locator("main")).to_contain_text("Please enter a correct username and password")
    expect(nav(page).get_by_role("link", name="Log in")).to_be_visible()


def test_change_password_then_log_in_with_the_new_one(live_server, page):
    make_user("ada")
    log_in(page, live_server, "ada")

    page.goto(f"{live_server.url}/accounts/password_change/")
    field(page, "Old password").fill(PASSWORD)
    field(page, "New password").fill(NEW_PASSWORD)
    field(page, "New password confirmation").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_role("heading", name="Password changed")).to_be_visible()
    # Changing the password keeps this session logged in.
    expect(nav(page).get_by_role("link", name="ada", exact=True)).to_be_visible()

    log_out(page)
    page.goto(f"{live_server.url}/accounts/login/")
    fill_login_form(page, "ada", PASSWORD)
    expect(page.locator("main")).to_contain_text("Please enter a correct username and password")
    log_in(page, live_server, "ada", NEW_PASSWORD)


def test_reset_a_forgotten_password_by_mail(live_server, page, mailoutbox):
    make_user("ada", email="ada@example.org")
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_role("link", name="Forgot your password?").click()

    field(page, "Email").fill("ada@example.org")
    page.get_by_role("button", name="Send reset link").click()
    expect(page.get_by_role("heading", name="Check your mail")).to_be_visible()

    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["ada@example.org"]
    link = re.search(r"https?://\S+/accounts/reset/\S+/", message.body)
    assert link, message.body

    page.goto(link.group(0))
    expect(page.get_by_role("heading", name="Choose a new password")).to_be_visible()
    field(page, "New password").fill(NEW_PASSWORD)
    field(page, "New password confirmation").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Set password").click()
    expect(page.get_by_role("heading", name="Password set")).to_be_visible()

    page.get_by_role("main").get_by_role("link", name="Log in").click()
    fill_login_form(page, "ada", NEW_PASSWORD)
    expect(nav(page).get_by_role("link", name="ada", exact=True)).to_be_visible()

    # The link works once.
    page.goto(link.group(0))
    expect(page.get_by_text("This reset link is invalid or has been used already.")).to_be_visible()
