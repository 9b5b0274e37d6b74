"""Sign-in with ORCID as a person does it: the button on the log-in page, ORCID's
authorization (the local stand-in, tests/oauth_server.py), the last step of the sign-up,
and the site's pages logged in."""

import pytest
from playwright.sync_api import expect

from accounts.models import User
from tests.browser.helpers import field, nav

pytestmark = pytest.mark.browser


def test_sign_in_with_orcid_from_the_login_page(live_server, page, oauth_providers, mailoutbox):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_role("button", name="Sign in with ORCID").click()

    # Back from ORCID, which gave no e-mail address: the last step asks for one.
    expect(page.get_by_role("heading", name="Sign up with ORCID")).to_be_visible()
    expect(field(page, "Username")).to_have_value("josiah")
    field(page, "Email").fill("josiah@example.org")
    page.get_by_role("button", name="Create account").click()

    expect(page).to_have_url(f"{live_server.url}/")
    user = nav(page).get_by_role("link", name="josiah", exact=True, include_hidden=True)
    expect(user).to_have_count(1)
    expect(page.get_by_text("Verify your e-mail address to write summaries")).to_be_visible()
    assert User.objects.get(username="josiah").orcid == "0000-0002-1825-0097"
    (message,) = mailoutbox
    assert message.to == ["josiah@example.org"]

    # The profile's settings show the iD ORCID proved.
    page.goto(f"{live_server.url}/accounts/settings/")
    expect(field(page, "ORCID iD")).to_have_value("0000-0002-1825-0097")
