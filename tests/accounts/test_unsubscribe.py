import re

import pytest
from django.conf import settings
from django.core import mail, signing
from django.test import Client
from django.urls import reverse

from accounts.models import User
from summaries import services
from summaries.notifications import unsubscribe_token
from tests.factories import make_summary, make_user

pytestmark = pytest.mark.django_db


def url_for(token):
    return reverse("accounts:unsubscribe", args=[token])


@pytest.fixture
def csrf_client():
    # As a mail program posts: no session, no cookie, no CSRF token.
    return Client(enforce_csrf_checks=True)


def preferences(user):
    user.refresh_from_db()
    return user.notify_on_comment, user.notify_on_reply


def test_get_asks_first_and_changes_nothing(client):
    # Mail scanners open every link in a message; only the button unsubscribes.
    ada = make_user()
    response = client.get(url_for(unsubscribe_token(ada, "notify_on_comment")))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Stop mail about comments on your summaries?" in html
    assert re.search(r'<form method="post"[^>]*>\s*<button type="submit"', html)
    assert preferences(ada) == (True, True)


@pytest.mark.parametrize(
    ("preference", "left"),
    [("notify_on_comment", (False, True)), ("notify_on_reply", (True, False))],
)
def test_the_button_turns_that_preference_off_without_a_csrf_token(csrf_client, preference, left):
    ada = make_user()
    response = csrf_client.post(url_for(unsubscribe_token(ada, preference)))
    assert response.status_code == 200
    assert "You are unsubscribed" in response.content.decode()
    assert preferences(ada) == left


def test_one_click_post_from_the_mail_header_works(csrf_client, django_capture_on_commit_callbacks):
    ada = make_user("ada")
    with django_capture_on_commit_callbacks(execute=True):
        services.add_comment(summary=make_summary(author=ada), author=make_user(), body="Hi.")
    (message,) = mail.outbox
    header = message.extra_headers["List-Unsubscribe"]
    link = re.fullmatch(r"<(\S+)>", header).group(1).removeprefix(settings.SITE_URL)

    response = csrf_client.post(
        link, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )

    assert response.status_code == 200
    assert preferences(ada) == (False, True)


@pytest.mark.parametrize(
    "make_token",
    [
        lambda user: unsubscribe_token(user, "notify_on_comment")[:-3] + "abc",
        lambda user: "not-a-token",
        # Signed by the site, but for another purpose.
        lambda user: signing.dumps({"user": user.pk, "pref": "notify_on_comment"}),
        # Ours, but naming something that is no mail preference.
        lambda user: signing.dumps(
            {"user": user.pk, "pref": "is_active"}, salt="summaries.notifications.unsubscribe"
        ),
    ],
    ids=["tampered", "garbage", "other-salt", "not-a-preference"],
)
def test_a_bad_token_is_a_clear_400_and_changes_nothing(csrf_client, make_token):
    ada = make_user()
    token = make_token(ada)
    for method in (csrf_client.get, csrf_client.post):
        response = method(url_for(token))
        assert response.status_code == 400
        assert "This unsubscribe link is not valid" in response.content.decode()
    ada.refresh_from_db()
    assert ada.is_active and preferences(ada) == (True, True)


def test_token_of_a_deleted_account_is_a_400(csrf_client):
    ada = make_user()
    token = unsubscribe_token(ada, "notify_on_reply")
    User.objects.filter(pk=ada.pk).delete()
    assert csrf_client.post(url_for(token)).status_code == 400


def test_the_token_names_one_user_only(csrf_client):
    ada, bob = make_user(), make_user()
    csrf_client.post(url_for(unsubscribe_token(ada, "notify_on_comment")))
    assert preferences(ada) == (False, True)
    assert preferences(bob) == (True, True)


def test_other_pages_keep_their_csrf_check(csrf_client):
    ada = make_user()
    csrf_client.force_login(ada)
    response = csrf_client.post(reverse("accounts:settings"), {"notify_on_comment": ""})
    assert response.status_code == 403
    assert preferences(ada) == (True, True)
