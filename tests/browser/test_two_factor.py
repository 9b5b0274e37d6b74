"""Two-factor authentication as a user meets it: turn on an authenticator app from the
settings, keep the recovery codes, then log in with the password and a code."""

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from playwright.sync_api import expect

from tests.accounts.test_two_factor import totp_code
from tests.browser.checks import axe_violations, describe
from tests.browser.helpers import field, fill_login_form, log_in, nav
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def _one_step_of_tolerance(settings):
    # Codes are good for one 30-second step either side: log-in uses the next step's
    # code, since the one that turned the app on is spent.
    settings.MFA_TOTP_TOLERANCE = 1


def test_turn_on_an_authenticator_app_and_log_in_with_it(live_server, page):
    make_user("ada")
    log_in(page, live_server, "ada")

    page.goto(f"{live_server.url}/accounts/settings/")
    page.get_by_role("link", name="Two-factor authentication").click()
    page.get_by_role("link", name="Activate").click()
    # Changing how one logs in asks for the password again.
    field(page, "Password").fill(PASSWORD)
    page.get_by_role("button", name="Confirm").click()

    qr = page.get_by_role("img", name="QR code for your authenticator app")
    expect(qr).to_be_visible()
    # The inline image is drawn, not refused by the Content-Security-Policy.
    assert qr.evaluate("image => image.complete && image.naturalWidth > 0")
    secret = field(page, "Secret").input_value()
    field(page, "Authenticator code").fill(totp_code(secret))
    page.get_by_role("button", name="Turn on").click()

    expect(page.get_by_role("heading", name="Recovery Codes")).to_be_visible()
    codes = page.get_by_label("Unused codes").input_value().split()
    assert len(codes) == 10

    nav(page).get_by_role("button", name="Log out").click()
    page.goto(f"{live_server.url}/accounts/login/")
    fill_login_form(page, "ada")
    expect(page.get_by_role("heading", name="Two-factor authentication")).to_be_visible()
    expect(nav(page).get_by_role("link", name="Log in")).to_be_visible()

    field(page, "Code").fill("000000" if totp_code(secret, 1) != "000000" else "111111")
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("main")).to_contain_text("Incorrect code")

    field(page, "Code").fill(totp_code(secret, 1))
    page.get_by_role("button", name="Log in").click()
    expect(nav(page).get_by_role("link", name="ada", exact=True)).to_be_visible()


def test_the_two_factor_page_reads_in_the_dark_theme(live_server, browser, axe_source):
    user = make_user("ada")
    context = browser.new_context(color_scheme="dark")
    page = context.new_page()
    log_in(page, live_server, "ada")
    TOTP.activate(user, generate_totp_secret())

    page.goto(f"{live_server.url}/accounts/2fa/")
    expect(page.get_by_role("link", name="Deactivate")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("data-bs-theme", "dark")
    contrast = [v for v in axe_violations(page, axe_source) if v["id"] == "color-contrast"]
    context.close()
    assert not contrast, describe(contrast)
