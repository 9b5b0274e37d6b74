import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from .factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db
User = get_user_model()
NEW_PASSWORD = "a-much-longer-new-passphrase"


def test_signup_creates_account_and_logs_in(client):
    response = client.post(
        reverse("accounts:signup"),
        {
            "username": "newcomer",
            "email": "new@example.org",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302
    user = User.objects.get(username="newcomer")
    assert client.session["_auth_user_id"] == str(user.pk)


def test_signup_returns_to_next(client):
    response = client.post(
        reverse("accounts:signup"),
        {
            "username": "writer",
            "email": "w@example.org",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
            "next": "/paper/conf/x/Y/",
        },
    )
    assert response["Location"] == "/paper/conf/x/Y/"


def test_signup_ignores_offsite_next(client):
    response = client.post(
        reverse("accounts:signup"),
        {
            "username": "writer",
            "email": "w@example.org",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
            "next": "https://evil.example/",
        },
    )
    assert response["Location"] == "/"


def test_signup_rejects_duplicate_email_and_weak_password(client):
    make_user("first", email="taken@example.org")
    response = client.post(
        reverse("accounts:signup"),
        {
            "username": "second",
            "email": "TAKEN@example.org",
            "password1": "123",
            "password2": "123",
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "email" in errors and "password2" in errors
    assert not User.objects.filter(username="second").exists()


def test_login_and_logout(client):
    make_user("ada")
    response = client.post(reverse("login"), {"username": "ada", "password": PASSWORD})
    assert response.status_code == 302
    html = client.get("/").content.decode()
    assert 'href="/user/ada/"' in html and "Log out" in html
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_wrong_password_is_a_form_error(client):
    make_user("ada")
    response = client.post(reverse("login"), {"username": "ada", "password": "nope"})
    assert response.status_code == 200
    assert response.context["form"].errors


def test_change_password(client):
    user = make_user()
    client.force_login(user)
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_reset_password_by_mail(client):
    user = make_user(email="ada@example.org")
    response = client.post(reverse("password_reset"), {"email": "ada@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/]+(/accounts/reset/\S+/)", mail.outbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    set_url = form_page.redirect_chain[-1][0]
    client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_reset_for_unknown_address_sends_nothing_but_says_the_same(client):
    response = client.post(reverse("password_reset"), {"email": "ghost@example.org"}, follow=True)
    assert "Check your mail" in response.content.decode()
    assert mail.outbox == []


@pytest.mark.parametrize("name", ["login", "password_reset", "accounts:signup"])
def test_pages_render_with_the_site_layout(client, name):
    html = client.get(reverse(name)).content.decode()
    assert "vendor/bootstrap/css/bootstrap.min.css" in html
    assert "csrfmiddlewaretoken" in html


@pytest.mark.parametrize("username", ["main", "comments-3", "anonymous-12", "Anonymous", "id_body"])
def test_usernames_that_clash_with_page_ids_are_reserved(client, username):
    response = client.post(
        reverse("accounts:signup"),
        {
            "username": username,
            "email": "x@example.org",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    )
    assert "reserved" in response.context["form"].errors["username"][0]
    assert not User.objects.filter(username=username).exists()
