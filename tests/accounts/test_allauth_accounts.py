"""Accounts on django-allauth: sign-up with e-mail verification, posting only once the
address is verified, log-in by username or e-mail, e-mail change, password reset, the
throttles and the addresses they count by, and the migration of existing accounts."""

import re
import time

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from moderation.models import Report
from papers.models import Paper
from shortscience.clientip import client_ip
from summaries.models import Comment, Summary, Vote
from tests.factories import (
    PASSWORD,
    make_comment,
    make_paper,
    make_summary,
    make_user,
    summary_text,
)

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "a-much-longer-new-passphrase"
TEXT = "A long thought about $\\lambda$ that must not be lost."


def confirmation_link(message):
    return re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^/\s]+/)", message.body).group(1)


def confirm(client, message):
    link = confirmation_link(message)
    assert client.get(link).status_code == 200  # a page with a button: GETs change nothing
    return client.post(link)


# Sign-up, verification, posting ------------------------------------------------------


def test_sign_up_verify_then_post(client):
    summary = make_summary()
    response = client.post(
        reverse("account_signup"),
        {
            "username": "newcomer",
            "email": "newcomer@example.org",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302
    (message,) = mail.outbox
    assert message.to == ["newcomer@example.org"]
    assert "/accounts/confirm-email/" in message.body

    # Logged in, reading works, posting waits for the address.
    assert client.get(summary.get_absolute_url()).status_code == 200
    url = reverse("summaries:comment", args=[summary.pk])
    refused = client.post(url, {"body": TEXT})
    assert refused.status_code == 403
    html = refused.content.decode()
    assert "Verify your e-mail address to post" in html
    assert "A long thought about $\\lambda$ that must not be lost." in html
    assert "newcomer@example.org" in html and 'name="action_send"' in html
    assert not Comment.objects.exists()

    assert confirm(client, message).status_code == 302
    assert EmailAddress.objects.get(email="newcomer@example.org").verified
    assert client.post(url, {"body": TEXT}).status_code == 302
    assert Comment.objects.get().author.username == "newcomer"


def test_the_refusal_page_sends_the_mail_again(client):
    user = make_user("ada", verified=False)
    client.force_login(user)
    refused = client.post(reverse("summaries:comment", args=[make_summary().pk]), {"body": TEXT})
    main = refused.content.decode().partition('<main id="main"')[2]
    form = re.search(r'<form method="post" action="([^"]+)".*?</form>', main, re.S)
    assert form.group(1) == reverse("account_email")
    assert 'name="email" value="ada@example.org"' in form.group(0)
    response = client.post(form.group(1), {"email": "ada@example.org", "action_send": ""})
    assert response.status_code == 302
    (message,) = mail.outbox
    assert message.to == ["ada@example.org"]
    confirm(client, message)
    assert User.objects.get(pk=user.pk).can_post


def _summary_by_other():
    return make_summary(author=make_user())


def _post_summary(client):
    paper = make_paper()
    url = reverse("summaries:write", args=[paper.bibtex_key])
    return client.post(url, {"body": summary_text(TEXT)}), Summary.objects.filter(paper=paper)


def _post_comment(client):
    summary = _summary_by_other()
    response = client.post(reverse("summaries:comment", args=[summary.pk]), {"body": TEXT})
    return response, Comment.objects.filter(summary=summary)


def _edit_comment(client, user):
    comment = make_comment(_summary_by_other(), author=user, body="first words")
    url = reverse("summaries:edit_comment", args=[comment.pk])
    response = client.post(url, {f"edit-{comment.pk}-body": TEXT, "body": TEXT})
    return response, Comment.objects.filter(pk=comment.pk, body=TEXT)


def _vote(client):
    summary = _summary_by_other()
    response = client.post(reverse("summaries:vote", args=[summary.pk]), {"value": "up"})
    return response, Vote.objects.filter(summary=summary)


def _report(client):
    summary = _summary_by_other()
    url = reverse("moderation:report", args=["summary", summary.pk])
    return client.post(url, {"reason": "spam", "body": TEXT}), Report.objects.all()


def _add_paper(client):
    data = {"title": "A paper of my own", "authors": "Ada Lovelace", "abstract": TEXT}
    data |= {"bibtex_key": "conf/own/Paper1", "year": "2020"}
    response = client.post(reverse("papers:add_details"), data)
    return response, Paper.objects.filter(bibtex_key="conf/own/Paper1")


POSTS = {
    "summary": _post_summary,
    "comment": _post_comment,
    "vote": _vote,
    "report": _report,
    "paper": _add_paper,
}


@pytest.mark.parametrize("kind", POSTS)
def test_unverified_users_may_not_post_and_get_their_text_back(client, kind):
    client.force_login(make_user(verified=False))
    response, made = POSTS[kind](client)
    assert response.status_code == 403
    assert not made.exists()
    html = response.content.decode()
    assert "Verify your e-mail address to post" in html
    if kind != "vote":
        assert "A long thought about $\\lambda$ that must not be lost." in html


def test_unverified_users_may_not_change_a_comment(client):
    user = make_user(verified=False)
    client.force_login(user)
    response, changed = _edit_comment(client, user)
    assert response.status_code == 403
    assert not changed.exists()
    assert "must not be lost" in response.content.decode()


@pytest.mark.parametrize("kind", POSTS)
def test_verified_users_post(client, kind):
    client.force_login(make_user())
    response, made = POSTS[kind](client)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert made.exists()


def test_a_vote_by_script_is_refused_in_json(client):
    client.force_login(make_user(verified=False))
    summary = _summary_by_other()
    response = client.post(
        reverse("summaries:vote", args=[summary.pk]),
        {"value": "up"},
        headers={"accept": "application/json"},
    )
    assert response.status_code == 403
    assert "Verify your e-mail address" in response.json()["error"]


def test_unverified_users_see_a_notice_and_others_do_not(client):
    notice = "Verify your e-mail address to write summaries"
    assert notice not in client.get("/").content.decode()
    client.force_login(make_user())
    assert notice not in client.get("/").content.decode()
    client.force_login(make_user(verified=False))
    html = client.get("/").content.decode()
    assert notice in html
    assert f'href="{reverse("account_email")}"' in html


# Log-in --------------------------------------------------------------------------------


@pytest.mark.parametrize("login", ["ada", "Ada@Example.org"])
def test_an_existing_account_logs_in_by_username_or_email_and_posts(client, login):
    make_user("ada", email="ada@example.org")
    response = client.post(reverse("account_login"), {"login": login, "password": PASSWORD})
    assert response.status_code == 302
    response, made = _post_comment(client)
    assert response.status_code == 302 and made.exists()


def test_login_page_sends_back_to_next(client):
    make_user("ada")
    response = client.post(
        f"{reverse('account_login')}?next=/paper/x/",
        {"login": "ada", "password": PASSWORD, "next": "/paper/x/"},
    )
    assert response["Location"] == "/paper/x/"


# E-mail change -------------------------------------------------------------------------


def test_changing_the_email_address_verifies_the_new_one_first(client):
    user = make_user("ada", email="ada@example.org")
    client.force_login(user)
    response = client.post(
        reverse("account_email"), {"email": "countess@example.org", "action_add": ""}
    )
    assert response.status_code == 302
    (message,) = mail.outbox
    assert message.to == ["countess@example.org"]
    # Until then the old address is the account's, and the user may still post.
    user = User.objects.get(pk=user.pk)
    assert user.email == "ada@example.org" and user.can_post
    new = EmailAddress.objects.get(email="countess@example.org")
    assert not new.verified and not new.primary

    confirm(client, message)
    user = User.objects.get(pk=user.pk)
    assert user.email == "countess@example.org" and user.can_post
    # One address per account: the old one is gone.
    assert list(EmailAddress.objects.filter(user=user).values_list("email", flat=True)) == [
        "countess@example.org"
    ]


def test_the_email_page_is_the_sites(client):
    client.force_login(make_user())
    html = client.get(reverse("account_email")).content.decode()
    assert "vendor/bootstrap/css/bootstrap.min.css" in html
    assert 'class="form-control' in html


# Password reset ------------------------------------------------------------------------


def test_password_reset_mail_links_to_the_reset_page(client):
    make_user("ada", email="ada@example.org")
    response = client.post(reverse("account_reset_password"), {"email": "ADA@example.org"})
    assert response.status_code == 302
    (message,) = mail.outbox
    assert message.to == ["ada@example.org"]
    assert re.search(r"/accounts/password/reset/key/\S+/", message.body)


# Throttles -----------------------------------------------------------------------------


class Clock:
    """allauth's rate limits read the time through this; tests move it on."""

    def __init__(self):
        self.now = time.time()

    def time(self):
        return self.now

    def monotonic(self):
        return time.monotonic()

    def sleep(self, seconds):
        time.sleep(seconds)


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr("allauth.core.internal.ratelimit.time", clock)
    return clock


def refused_login(response):
    return response.status_code == 429 or "Too many failed login attempts" in (
        response.content.decode()
    )


def test_guessing_a_password_is_stopped_and_the_right_one_waits_too(client, clock):
    make_user("ada")
    login = reverse("account_login")
    answers = [client.post(login, {"login": "ada", "password": f"guess{n}"}) for n in range(40)]
    refused = [refused_login(answer) for answer in answers]
    # Five wrong guesses for one account in five minutes, then every try is refused.
    assert refused == [False] * 5 + [True] * 35
    assert refused_login(client.post(login, {"login": "ada", "password": PASSWORD}))
    assert "_auth_user_id" not in client.session

    clock.now += 5 * 60 + 1
    response = client.post(login, {"login": "ada", "password": PASSWORD})
    assert response.status_code == 302
    assert "_auth_user_id" in client.session


def test_failed_logins_from_one_address_are_limited_across_accounts(client, clock):
    login = reverse("account_login")
    for n in range(10):
        response = client.post(login, {"login": f"someone{n}", "password": "guess"})
        assert not refused_login(response)
    assert refused_login(client.post(login, {"login": "someone-else", "password": "guess"}))


def test_reset_mails_to_one_address_are_limited(client, clock):
    make_user("ada", email="ada@example.org")
    answers = [
        client.post(reverse("account_reset_password"), {"email": "ada@example.org"})
        for _ in range(15)
    ]
    assert len(mail.outbox) == 3
    assert [answer.status_code for answer in answers] == [302] * 3 + [429] * 12
    assert "Too many tries" in answers[-1].content.decode()
    clock.now += 60 * 60 + 1
    client.post(reverse("account_reset_password"), {"email": "ada@example.org"})
    assert len(mail.outbox) == 4


def test_reset_mails_from_one_address_are_limited(client, clock):
    for n in range(25):
        make_user(f"user{n}", email=f"user{n}@example.org")
        client.post(reverse("account_reset_password"), {"email": f"user{n}@example.org"})
    assert len(mail.outbox) == 20


# The client's address behind proxies ---------------------------------------------------


def request_from(remote, forwarded=None):
    headers = {"x-forwarded-for": forwarded} if forwarded is not None else {}
    return RequestFactory().get("/", REMOTE_ADDR=remote, headers=headers)


def test_without_proxies_the_forwarded_header_is_ignored(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request_from("203.0.113.9", "198.51.100.1")) == "203.0.113.9"


@pytest.mark.parametrize(
    ("count", "forwarded", "expected"),
    [
        (1, "198.51.100.1", "198.51.100.1"),
        (1, "6.6.6.6, 198.51.100.1", "198.51.100.1"),  # the client's own addition is ignored
        (2, "6.6.6.6, 198.51.100.1, 10.0.0.2", "198.51.100.1"),
        (2, "10.0.0.2", "10.0.0.1"),  # fewer hops than proxies: the connection's address
        (1, "not-an-address", "10.0.0.1"),
        (1, "", "10.0.0.1"),
    ],
)
def test_behind_proxies_the_client_is_counted_from_the_right(settings, count, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = count
    assert client_ip(request_from("10.0.0.1", forwarded)) == expected


def test_clients_behind_the_proxy_are_counted_apart_and_cannot_spoof(client, settings, clock):
    settings.TRUSTED_PROXY_COUNT = 1
    login = reverse("account_login")

    def attempt(forwarded, n):
        return client.post(
            login,
            {"login": f"someone{n}", "password": "guess"},
            headers={"x-forwarded-for": forwarded},
        )

    for n in range(10):
        assert not refused_login(attempt("198.51.100.1", n))
    assert refused_login(attempt("198.51.100.1", 10))
    # Another client behind the same proxy has its own count.
    assert not refused_login(attempt("198.51.100.2", 11))
    # The first one cannot pass for someone else by sending a header of its own: the
    # proxy appends the address it saw.
    for n in range(12, 20):
        assert refused_login(attempt(f"203.0.113.{n}, 198.51.100.1", n))


def test_the_sites_own_limits_count_the_same_address(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "signup": (1, 3600)}

    def sign_up(forwarded, n):
        data = {"username": f"newcomer{n}", "email": f"new{n}@example.org"}
        data |= {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
        response = client.post(
            reverse("account_signup"), data, headers={"x-forwarded-for": forwarded}
        )
        client.logout()
        return response.status_code

    assert sign_up("198.51.100.1", 1) == 302
    assert sign_up("6.6.6.6, 198.51.100.1", 2) == 429
    assert sign_up("198.51.100.2", 3) == 302


# The migration of existing accounts ----------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_migration_gives_existing_accounts_their_address_verified_oldest_first():
    executor = MigrationExecutor(connection)
    before = [
        ("accounts", "0003_username_skeleton"),
        ("account", "0009_emailaddress_unique_primary_email"),
    ]
    after = [("accounts", "0004_email_addresses")]
    executor.migrate(before)
    try:
        old = executor.loader.project_state(before).apps.get_model("accounts", "User")

        def user(username, email, joined):
            return old.objects.create(
                username=username, username_skeleton=username, email=email, date_joined=joined
            ).pk

        later = user("later", "Shared@Example.org", "2020-03-01T00:00Z")
        oldest = user("oldest", "shared@example.org", "2019-01-01T00:00Z")
        other = user("other", "other@example.org", "2021-01-01T00:00Z")
        user("nomail", "", "2021-06-01T00:00Z")
        executor.loader.build_graph()
        executor.migrate(after)
    finally:
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
    rows = {
        row.user_id: (row.email, row.verified, row.primary) for row in EmailAddress.objects.all()
    }
    assert rows == {
        oldest: ("shared@example.org", True, True),
        later: ("shared@example.org", False, True),
        other: ("other@example.org", True, True),
    }
    assert User.objects.get(pk=oldest).can_post and not User.objects.get(pk=later).can_post


def test_the_notice_asks_the_database_only_until_the_address_is_verified(client):
    notice = "Verify your e-mail address to write summaries"
    user = make_user(verified=False)
    client.force_login(user)

    def home():
        with CaptureQueriesContext(connection) as queries:
            html = client.get("/").content.decode()
        asked = any("account_emailaddress" in q["sql"] for q in queries.captured_queries)
        return notice in html, asked

    assert home() == (True, True)
    assert home() == (True, True)  # asked on each page while unverified
    EmailAddress.objects.filter(user=user).update(verified=True)
    assert home() == (False, True)
    assert home() == (False, False)  # the session remembers it


def test_a_session_that_remembers_it_may_post_is_still_refused_once_unverified(client):
    user = make_user()
    client.force_login(user)
    client.get("/")  # remembered
    EmailAddress.objects.filter(user=user).update(verified=False)
    summary = make_summary()
    response = client.post(reverse("summaries:vote", args=[summary.pk]), {"value": "up"})
    assert response.status_code == 403
