"""Two-factor authentication (allauth.mfa): an authenticator app's codes (TOTP) asked
for at log-in once turned on, and recovery codes that each work once."""

import re
import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.urls import reverse

from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _one_step_of_tolerance(settings):
    # A code is good for one 30-second step either side, as authenticator apps expect:
    # the test can then log in with the next step's code, since a code, once used, is
    # refused for as long as it is valid.
    settings.MFA_TOTP_TOLERANCE = 1


def totp_code(secret, steps_ahead=0):
    """The code an authenticator app shows for the secret (RFC 6238), `steps_ahead` of
    30 seconds from now."""
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30 + steps_ahead))


def log_in(client, username="ada", password=PASSWORD):
    return client.post(reverse("account_login"), {"login": username, "password": password})


def turn_on_totp(client):
    """Activate an authenticator app for the logged-in user; its secret, and the
    recovery codes allauth makes along with it."""
    url = reverse("mfa_activate_totp")
    # Asked for the password again first, as for every change to how one logs in.
    asked = client.get(url)
    assert asked.status_code == 302 and asked.url.startswith(reverse("account_reauthenticate"))
    confirmed = client.post(asked.url, {"password": PASSWORD})
    assert confirmed.status_code == 302 and confirmed.url == url
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    secret = re.search(r'id="authenticator_secret"[^>]*value="([A-Z2-7]+)"', html).group(1)
    # The QR code is an inline image, which the Content-Security-Policy lets through.
    assert 'src="data:image/svg+xml;base64,' in html
    assert "data:" in page["Content-Security-Policy"].partition("img-src")[2].split(";")[0]
    response = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
    assert response.status_code == 302
    assert response.url == reverse("mfa_view_recovery_codes")
    codes_page = client.get(response.url).content.decode()
    recovery = Authenticator.objects.get(type=Authenticator.Type.RECOVERY_CODES)
    codes = recovery.wrap().get_unused_codes()
    assert codes and all(code in codes_page for code in codes)
    return secret, codes


def is_logged_in(client):
    return "_auth_user_id" in client.session


def test_settings_link_to_two_factor(client):
    client.force_login(make_user("ada"))
    html = client.get(reverse("accounts:settings")).content.decode()
    assert f'href="{reverse("mfa_index")}"' in html
    index = client.get(reverse("mfa_index"))
    assert index.status_code == 200
    assert "Authenticator App" in index.content.decode()


def test_log_in_asks_for_the_code_once_totp_is_on(client):
    make_user("ada")
    assert log_in(client).url == reverse("summaries:home")
    secret, _ = turn_on_totp(client)
    client.post(reverse("account_logout"))
    assert not is_logged_in(client)

    # The password alone no longer logs in: the code is asked for next.
    response = log_in(client)
    assert response.url == reverse("mfa_authenticate")
    assert not is_logged_in(client)
    page = client.get(response.url)
    assert "Two-factor authentication" in page.content.decode()

    wrong = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    if wrong.status_code == 302:  # one chance in a million that it was the code
        pytest.skip("000000 happened to be the code")
    assert wrong.status_code == 200
    assert "Incorrect code." in wrong.content.decode()
    assert not is_logged_in(client)

    right = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret, 1)})
    assert right.status_code == 302
    assert right.url == reverse("summaries:home")
    assert is_logged_in(client)


def test_a_recovery_code_works_once(client):
    make_user("ada")
    log_in(client)
    _, codes = turn_on_totp(client)
    client.post(reverse("account_logout"))

    log_in(client)
    response = client.post(reverse("mfa_authenticate"), {"code": codes[0]})
    assert response.status_code == 302 and is_logged_in(client)
    client.post(reverse("account_logout"))

    log_in(client)
    again = client.post(reverse("mfa_authenticate"), {"code": codes[0]})
    assert again.status_code == 200 and not is_logged_in(client)
    assert client.post(reverse("mfa_authenticate"), {"code": codes[1]}).status_code == 302
    assert is_logged_in(client)


def test_a_wrong_password_never_reaches_the_code(client):
    make_user("ada")
    log_in(client)
    turn_on_totp(client)
    client.post(reverse("account_logout"))
    response = log_in(client, password="not-the-password")
    assert response.status_code == 200
    assert client.get(reverse("mfa_authenticate")).status_code == 302
    assert not is_logged_in(client)
