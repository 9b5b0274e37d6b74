"""Sign-in and sign-up with ORCID and GitHub (allauth.socialaccount), against the local
stand-in for both (tests/oauth_server.py): the ORCID iD an ORCID sign-in brings, the
e-mail address ORCID does not give, GitHub's verified addresses, usernames by the site's
rules, connecting to an existing account, and providers that are off."""

import re
from urllib.parse import urlsplit

import pytest
import requests
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from accounts.models import User
from shortscience.env import social_apps
from summaries.models import Comment
from tests.accounts.test_allauth_accounts import confirm
from tests.factories import make_summary, make_user

pytestmark = pytest.mark.django_db
JOSIAH = "0000-0002-1825-0097"
TEXT = "Does the bound hold for small n as well?"


def sign_in_with(client, provider, process="login"):
    """The round trip a browser makes: the site's button, the provider's authorization
    page (which signs in at once), and back to the site's callback. Returns the
    callback's response."""
    start = client.post(reverse(f"{provider}_login"), {"process": process})
    assert start.status_code == 302, start
    authorize = requests.get(start["Location"], allow_redirects=False, timeout=5)
    assert authorize.status_code == 302, authorize.text
    back = urlsplit(authorize.headers["Location"])
    assert back.path == reverse(f"{provider}_callback")
    return client.get(f"{back.path}?{back.query}")


def comment(client, summary):
    return client.post(reverse("summaries:comment", args=[summary.pk]), {"body": TEXT})


def logged_in_user(client):
    return User.objects.get(pk=client.session["_auth_user_id"])


# ORCID ---------------------------------------------------------------------------


def test_orcid_sign_up_fills_the_orcid_id_and_asks_for_an_address(client, oauth_providers):
    summary = make_summary()
    response = sign_in_with(client, "orcid")
    # ORCID's record shows no address: the last step asks for one.
    assert response.status_code == 302
    assert response["Location"] == reverse("socialaccount_signup")
    page = client.get(response["Location"])
    html = page.content.decode()
    assert "Sign up with ORCID" in html
    assert 'name="email"' in html
    # A username made from the name on the record, free by the site's rules.
    assert 'name="username" value="josiah"' in html

    response = client.post(
        reverse("socialaccount_signup"), {"username": "jcarberry", "email": "josiah@example.org"}
    )
    assert response.status_code == 302
    user = logged_in_user(client)
    assert (user.username, user.orcid) == ("jcarberry", JOSIAH)
    assert (user.first_name, user.last_name) == ("Josiah", "Carberry")
    assert not user.has_usable_password()
    assert SocialAccount.objects.get(user=user, provider="orcid").uid == JOSIAH

    # Logged in, but the address is not verified yet: no posting until it is.
    (message,) = mail.outbox
    assert message.to == ["josiah@example.org"]
    assert comment(client, summary).status_code == 403
    assert not Comment.objects.exists()
    confirm(client, message)
    assert comment(client, summary).status_code == 302
    assert Comment.objects.get().author == user

    # The record is asked for as ORCID's JSON, from the public API.
    (record,) = [r for r in oauth_providers.requests if r[1].endswith("/record")]
    assert record[1] == f"/orcid-pub/v3.0/{JOSIAH}/record"
    assert record[2]["accept"] == "application/orcid+json"


def test_orcid_sign_up_refuses_a_taken_username_and_address(client, oauth_providers):
    make_user("Josiah", email="josiah@example.org")
    sign_in_with(client, "orcid")
    page = client.get(reverse("socialaccount_signup")).content.decode()
    # The suggestion is not the taken name.
    suggested = re.search(r'name="username" value="([^"]*)"', page).group(1)
    assert suggested.lower() != "josiah" and suggested.startswith("josiah")
    # A look-alike of the taken name (Cyrillic о) and the taken address are refused.
    response = client.post(
        reverse("socialaccount_signup"), {"username": "Jоsiah", "email": "josiah@example.org"}
    )
    assert response.status_code == 200
    assert User.objects.count() == 1
    assert not SocialAccount.objects.exists()


def test_orcid_signs_in_again_to_the_same_account(client, oauth_providers):
    sign_in_with(client, "orcid")
    client.post(
        reverse("socialaccount_signup"), {"username": "jcarberry", "email": "josiah@example.org"}
    )
    user = logged_in_user(client)
    client.logout()
    response = sign_in_with(client, "orcid")
    assert response.status_code == 302
    assert logged_in_user(client) == user
    assert User.objects.count() == 1


def test_connecting_orcid_fills_the_orcid_id_of_an_existing_account(client, oauth_providers):
    user = make_user("ada", orcid="0000-0003-2424-9997")
    client.force_login(user)
    page = client.get(reverse("socialaccount_connections")).content.decode()
    assert "Connect ORCID" in page and "Connect GitHub" in page

    response = sign_in_with(client, "orcid", process="connect")
    assert response.status_code == 302
    assert response["Location"] == reverse("socialaccount_connections")
    user.refresh_from_db()
    # The iD ORCID has just proved replaces the one typed in the settings.
    assert user.orcid == JOSIAH
    assert SocialAccount.objects.get(provider="orcid").user == user
    assert User.objects.count() == 1
    # Connecting brings no name or address: the account's own are kept.
    assert (user.first_name, user.email) == ("", "ada@example.org")


def test_a_refused_authorization_changes_nothing(client, oauth_providers):
    oauth_providers.deny()
    response = sign_in_with(client, "orcid")
    assert response["Location"] == reverse("socialaccount_login_cancelled")
    html = client.get(response["Location"]).content.decode()
    assert "Sign-in cancelled" in html
    assert '<main id="main"' in html  # the site's page
    assert not User.objects.exists()


def test_a_code_from_elsewhere_is_refused(client, oauth_providers):
    client.post(reverse("orcid_login"), {"process": "login"})
    state = client.session["socialaccount_states"]
    state_id = next(iter(state))
    response = client.get(reverse("orcid_callback"), {"code": "forged", "state": state_id})
    assert response.status_code == 401
    assert "could not sign you in with your account at ORCID" in response.content.decode()
    assert not User.objects.exists()


# GitHub --------------------------------------------------------------------------


def test_github_sign_up_with_a_verified_address_may_post_at_once(client, oauth_providers):
    summary = make_summary()
    response = sign_in_with(client, "github")
    assert response.status_code == 302
    user = logged_in_user(client)
    assert user.username == "octocat"
    address = EmailAddress.objects.get(user=user, primary=True)
    assert (address.email, address.verified) == ("octocat@github.com", True)
    assert not mail.outbox
    assert comment(client, summary).status_code == 302
    # The addresses were asked for with the token GitHub gave.
    emails = [r for r in oauth_providers.requests if r[1] == "/github-api/user/emails"]
    assert emails[0][2]["authorization"].startswith("token ")


def test_github_address_that_github_has_not_verified_waits(client, oauth_providers):
    oauth_providers.sign_in_as("github", "monalisa")
    summary = make_summary()
    assert sign_in_with(client, "github").status_code == 302
    user = logged_in_user(client)
    assert user.username == "monalisa" and not user.orcid
    assert not EmailAddress.objects.get(user=user).verified
    (message,) = mail.outbox
    assert message.to == ["mona@example.org"]
    assert comment(client, summary).status_code == 403
    confirm(client, message)
    assert comment(client, summary).status_code == 302


def test_github_login_taken_under_a_look_alike_gets_another_name(client, oauth_providers):
    make_user("оctocat")  # a Cyrillic о: the same skeleton as "octocat"
    assert sign_in_with(client, "github").status_code == 302
    user = logged_in_user(client)
    # GitHub's name with a few random characters after it.
    assert user.username.startswith("octocat") and user.username != "octocat"
    # One address per account: GitHub's primary one, which GitHub verified.
    (address,) = EmailAddress.objects.filter(user=user)
    assert (address.email, address.verified, address.primary) == ("octocat@github.com", True, True)


# Providers that are off -----------------------------------------------------------


def test_providers_are_off_without_their_variables(client):
    html = client.get(reverse("account_login")).content.decode()
    assert "Sign in with" not in html and "/accounts/orcid/" not in html
    assert "Sign up with" not in client.get(reverse("account_signup")).content.decode()
    for provider in ("orcid", "github"):
        for name in (f"{provider}_login", f"{provider}_callback"):
            assert client.get(reverse(name)).status_code == 404
            assert client.post(reverse(name)).status_code == 404
    client.force_login(make_user("ada"))
    assert client.get(reverse("socialaccount_connections")).status_code == 200
    assert "Sign-in with ORCID" not in client.get(reverse("accounts:settings")).content.decode()


def test_the_pages_offer_the_providers_that_are_on(client, oauth_providers):
    login = client.get(reverse("account_login"))
    html = login.content.decode()
    for provider, name in (("orcid", "ORCID"), ("github", "GitHub")):
        form = re.search(
            rf'<form method="post" action="{reverse(f"{provider}_login")}\?process=login"'
            rf".*?</form>",
            html,
            re.S,
        )
        assert form and "csrfmiddlewaretoken" in form.group(0)
        assert f"Sign in with {name}</button>" in form.group(0)
    assert "Sign up with ORCID" in client.get(reverse("account_signup")).content.decode()
    # Browsers hold the redirect to the provider to the policy's form-action.
    policy = login["Content-Security-Policy"]
    assert f"form-action 'self' {oauth_providers.url}" in policy
    client.force_login(make_user("ada"))
    assert (
        "Sign-in with ORCID or GitHub" in client.get(reverse("accounts:settings")).content.decode()
    )


def test_social_apps_come_from_the_environment(monkeypatch):
    for name in ("ORCID_CLIENT_ID", "ORCID_SECRET", "ORCID_BASE_DOMAIN"):
        monkeypatch.delenv(name, raising=False)
    for name in ("GITHUB_CLIENT_ID", "GITHUB_SECRET"):
        monkeypatch.delenv(name, raising=False)
    providers, origins = social_apps()
    assert providers["orcid"]["APPS"] == providers["github"]["APPS"] == []
    assert providers["orcid"]["BASE_DOMAIN"] == "orcid.org" and origins == []

    monkeypatch.setenv("ORCID_CLIENT_ID", "APP-1")
    monkeypatch.setenv("ORCID_SECRET", "s1")
    monkeypatch.setenv("ORCID_BASE_DOMAIN", "sandbox.orcid.org")
    monkeypatch.setenv("GITHUB_CLIENT_ID", "Iv1.2")
    monkeypatch.setenv("GITHUB_SECRET", "s2")
    providers, origins = social_apps()
    assert providers["orcid"] == {
        "BASE_DOMAIN": "sandbox.orcid.org",
        "MEMBER_API": False,
        "APPS": [{"client_id": "APP-1", "secret": "s1"}],
    }
    assert providers["github"]["APPS"] == [{"client_id": "Iv1.2", "secret": "s2"}]
    assert origins == ["https://sandbox.orcid.org", "https://github.com"]

    monkeypatch.delenv("GITHUB_SECRET")
    with pytest.raises(ImproperlyConfigured, match="GITHUB_SECRET"):
        social_apps()
