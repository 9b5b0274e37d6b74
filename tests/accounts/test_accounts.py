import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db
User = get_user_model()
NEW_PASSWORD = "a-much-longer-new-passphrase"


def signup(client, **changes):
    data = {
        "username": "newcomer",
        "email": "new@example.org",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
        **changes,
    }
    return client.post(reverse("account_signup"), data)


def test_signup_creates_account_logs_in_and_sends_the_verification_mail(client):
    response = signup(client)
    assert response.status_code == 302
    user = User.objects.get(username="newcomer")
    assert client.session["_auth_user_id"] == str(user.pk)
    address = EmailAddress.objects.get(user=user)
    assert (address.email, address.primary, address.verified) == ("new@example.org", True, False)
    (message,) = mail.outbox
    assert message.to == ["new@example.org"]
    assert "/accounts/confirm-email/" in message.body


def test_signup_returns_to_next(client):
    response = signup(client, next="/paper/conf/x/Y/")
    assert response["Location"] == "/paper/conf/x/Y/"


def test_signup_ignores_offsite_next(client):
    response = signup(client, next="https://evil.example/")
    assert response["Location"] == "/"


def test_signup_rejects_duplicate_email_and_weak_password(client):
    make_user("first", email="taken@example.org")
    response = signup(client, username="second", email="TAKEN@example.org", password1="123")
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "email" in errors and "password1" in errors
    assert not User.objects.filter(username="second").exists()


@pytest.mark.parametrize("login", ["ada", "ada@example.org", "ADA@example.org"])
def test_login_by_username_or_email_and_logout(client, login):
    make_user("ada", email="ada@example.org")
    response = client.post(reverse("account_login"), {"login": login, "password": PASSWORD})
    assert response.status_code == 302
    html = client.get("/").content.decode()
    assert 'href="/user/ada/"' in html and "Log out" in html
    # Logging out is a POST; a GET only asks.
    assert client.get(reverse("account_logout")).status_code == 200
    assert "_auth_user_id" in client.session
    response = client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_wrong_password_is_a_form_error(client):
    make_user("ada")
    response = client.post(reverse("account_login"), {"login": "ada", "password": "nope"})
    assert response.status_code == 200
    assert response.context["form"].errors


def test_change_password(client):
    user = make_user()
    client.force_login(user)
    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_reset_password_by_mail(client):
    user = make_user(email="ada@example.org")
    response = client.post(reverse("account_reset_password"), {"email": "ada@example.org"})
    assert response.status_code == 302
    (message,) = mail.outbox
    assert message.to == ["ada@example.org"]
    link = re.search(r"https?://[^/]+(/accounts/password/reset/key/\S+/)", message.body).group(1)
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    set_url = form_page.redirect_chain[-1][0]
    response = client.post(set_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_reset_for_unknown_address_sends_nothing_that_resets(client):
    response = client.post(
        reverse("account_reset_password"), {"email": "ghost@example.org"}, follow=True
    )
    assert response.status_code == 200
    # allauth says the same as for a known address, and at most tells the address
    # that it has no account here: no reset link goes out.
    assert all("/password/reset/key/" not in message.body for message in mail.outbox)


@pytest.mark.parametrize(
    "name", ["account_login", "account_reset_password", "account_signup", "account_email"]
)
def test_pages_render_with_the_site_layout(client, name):
    client.force_login(make_user()) if name == "account_email" else None
    html = client.get(reverse(name)).content.decode()
    assert "vendor/bootstrap/css/bootstrap.min.css" in html
    assert "csrfmiddlewaretoken" in html
    assert 'class="form-control' in html


def test_settings_link_to_the_email_and_password_pages(client):
    client.force_login(make_user())
    html = client.get(reverse("accounts:settings")).content.decode()
    assert f'href="{reverse("account_email")}"' in html
    assert f'href="{reverse("account_change_password")}"' in html


@pytest.mark.parametrize("username", ["main", "comments-3", "anonymous-12", "Anonymous", "id_body"])
def test_usernames_that_clash_with_page_ids_are_reserved(client, username):
    response = signup(client, username=username, email="x@example.org")
    assert "reserved" in response.context["form"].errors["username"][0]
    assert not User.objects.filter(username=username).exists()
