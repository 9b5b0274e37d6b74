"""What a logged-out post leaves in the session (summaries.stash): its text waits for
the login up to a cap; a longer one is handed back on the page, and nothing is kept."""

from html import unescape

import pytest
from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.contrib.sessions.models import Session
from django.test import RequestFactory
from django.urls import reverse

from summaries import stash
from summaries.models import Summary
from summaries.stash import STASH_MAX_CHARS
from tests.factories import PASSWORD, make_comment, make_paper, make_summary, make_user

pytestmark = pytest.mark.django_db

# The size of the post that was kept whole in a session row.
HUGE = "x" * 2_300_000


def test_the_cap_is_above_any_text_a_form_takes():
    assert STASH_MAX_CHARS > settings.SUMMARY_MAX_LENGTH + 1_000
    assert STASH_MAX_CHARS > settings.COMMENT_MAX_LENGTH + 1_000


def write_url(paper):
    return reverse("summaries:write", args=[paper.bibtex_key])


def stored_session_bytes():
    return sum(len(row.session_data) for row in Session.objects.all())


def assert_handed_back(response, text, next_url):
    assert response.status_code == 403
    assert response.templates[0].name == "errors/login_to_post.html"
    html = response.content.decode()
    assert "too long for us to keep" in html
    assert f"readonly>{text}</textarea>" in html
    # The same address as the redirect to the login page, which leads back to the form.
    login_url = redirect_to_login(next_url).url
    assert login_url.startswith(reverse("account_login"))
    assert f'href="{login_url}"' in unescape(html)


def test_the_longest_summary_waits_through_the_login(client):
    paper = make_paper()
    make_user("returning")
    body = "A long summary. " * (settings.SUMMARY_MAX_LENGTH // 16)
    assert len(body) == settings.SUMMARY_MAX_LENGTH
    response = client.post(write_url(paper), {"body": body, "publish": "1"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    login = client.post(response["Location"], {"login": "returning", "password": PASSWORD})
    assert login["Location"] == write_url(paper)
    assert client.get(write_url(paper)).context["form"]["body"].value() == body


def test_a_summary_over_the_cap_is_handed_back_and_not_kept(client):
    paper = make_paper()
    response = client.post(write_url(paper), {"body": HUGE, "publish": "1"})
    assert_handed_back(response, HUGE, write_url(paper))
    # Nothing of it in any session row (there is none: nothing was kept).
    assert stored_session_bytes() < 10_000
    assert not Summary.objects.exists()


def test_a_comment_over_the_cap_is_handed_back(client):
    summary = make_summary()
    url = reverse("summaries:comment", args=[summary.pk])
    response = client.post(url, {"body": HUGE})
    assert_handed_back(response, HUGE, summary.get_absolute_url())
    assert stored_session_bytes() < 10_000


def test_an_edit_over_the_cap_is_handed_back(client):
    comment = make_comment(make_summary())
    url = reverse("summaries:edit_comment", args=[comment.pk])
    assert_handed_back(client.post(url, {"body": HUGE}), HUGE, url)
    assert stored_session_bytes() < 10_000


def test_a_report_over_the_cap_is_handed_back(client):
    summary = make_summary()
    url = reverse("moderation:report", args=["summary", summary.pk])
    assert_handed_back(client.post(url, {"reason": "spam", "body": HUGE}), HUGE, url)
    assert stored_session_bytes() < 10_000


def test_a_comment_under_the_cap_waits(client):
    summary = make_summary()
    body = "y" * settings.COMMENT_MAX_LENGTH
    response = client.post(reverse("summaries:comment", args=[summary.pk]), {"body": body})
    assert response.status_code == 302
    assert client.session[f"kept:comment:{summary.pk}"]["body"] == body


# The cap itself, on the kept texts of one session


@pytest.fixture
def request_with_session(client):
    request = RequestFactory().post("/")
    request.session = client.session
    return request


def test_a_post_of_exactly_the_cap_is_kept_and_one_more_character_is_not(request_with_session):
    data = {"body": "z" * (STASH_MAX_CHARS - len("body"))}
    assert stash.keep(request_with_session, "a", data) is True
    assert stash.pop(request_with_session, "a") == data
    data["body"] += "z"
    assert stash.keep(request_with_session, "a", data) is False
    assert stash.pop(request_with_session, "a") is None


def test_kept_texts_of_one_session_stay_within_the_cap_together(request_with_session):
    third = STASH_MAX_CHARS // 3 - len("body")
    for name in ("first", "second", "third"):
        assert stash.keep(request_with_session, name, {"body": "w" * third})
    # A fourth lets the oldest go, the others stay.
    assert stash.keep(request_with_session, "fourth", {"body": "w" * third})
    kept = [
        name
        for name in ("first", "second", "third", "fourth")
        if stash.pop(request_with_session, name)
    ]
    assert kept == ["second", "third", "fourth"]
