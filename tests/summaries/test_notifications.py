import logging
import re

import pytest
from django.conf import settings
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from summaries import services
from summaries.models import Comment, Summary
from tests.factories import make_paper, make_summary, make_user

pytestmark = pytest.mark.django_db

# Headers that could name someone; only the recipient's own address may appear in them.
PERSONAL_HEADERS = ("To", "Cc", "Bcc", "Reply-To", "From", "Sender")


class FailingBackend(BaseEmailBackend):
    """Stands in for an SMTP server that refuses everything."""

    def send_messages(self, email_messages):
        raise ConnectionRefusedError("SMTP server down")


class RefusesOneAddressBackend(LocmemBackend):
    """Stands in for a server that refuses one recipient and takes the others."""

    def send_messages(self, email_messages):
        if any("refused@" in address for m in email_messages for address in m.to):
            raise OSError("550 mailbox unavailable")
        return super().send_messages(email_messages)


@pytest.fixture
def post(django_capture_on_commit_callbacks):
    """Add a comment the way the site does, running what waits for the commit."""

    def add(summary, author, body="A comment.", parent=None):
        with django_capture_on_commit_callbacks(execute=True):
            comment, _ = services.add_comment(
                summary=summary, author=author, body=body, parent=parent
            )
        return comment

    return add


def recipients():
    return sorted(address for message in mail.outbox for address in message.to)


def headers_of(message):
    return dict(message.message().items())


def assert_names_nobody_else(message, people):
    """Nobody but the recipient in the headers: no address, username or display name."""
    (recipient,) = message.to
    headers = headers_of(message)
    for person in people:
        if person.email == recipient:
            continue
        for name, value in headers.items():
            if name in PERSONAL_HEADERS or name.startswith("List-"):
                for mark in filter(None, [person.email, person.username, person.display_name]):
                    assert mark not in value, f"{name} names {person.username}: {value}"


def test_summary_author_hears_of_a_comment_through_the_real_view(
    client, django_capture_on_commit_callbacks
):
    ada = make_user("ada")
    summary = make_summary(author=ada, paper=make_paper(title="Attention Is All You Need"))
    bob = make_user("bob", display_name="Bob Marley")
    client.force_login(bob)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("summaries:comment", args=[summary.pk]), {"body": "Does $n > 2$ hold?"}
        )
    assert response.status_code == 302
    comment = Comment.objects.get()

    (message,) = mail.outbox
    assert message.to == ["ada@example.org"]
    assert message.from_email == settings.DEFAULT_FROM_EMAIL
    assert message.subject == "New comment on your summary of “Attention Is All You Need”"
    # The comment in context: the page of the discussion that holds it.
    link = f"{settings.SITE_URL}/summaries/{summary.pk}/?comment={comment.pk}#comment-{comment.pk}"
    assert link in message.body
    assert "Bob Marley commented on your summary" in message.body
    assert "Does $n > 2$ hold?" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html" and f'href="{link}"' in html
    assert_names_nobody_else(message, [ada, bob])


def test_each_mail_has_a_one_click_unsubscribe_link(post):
    ada = make_user("ada")
    post(make_summary(author=ada), make_user())
    (message,) = mail.outbox
    headers = headers_of(message)
    match = re.fullmatch(r"<(\S+)>", headers["List-Unsubscribe"])
    assert match
    unsubscribe = match.group(1)
    assert unsubscribe.startswith(f"{settings.SITE_URL}/accounts/unsubscribe/")
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert unsubscribe in message.body


def test_no_mail_about_ones_own_comment(post):
    ada = make_user()
    post(make_summary(author=ada), ada)
    assert mail.outbox == []


def test_no_mail_when_the_author_turned_comment_mail_off(post):
    ada = make_user(notify_on_comment=False)
    post(make_summary(author=ada), make_user())
    assert mail.outbox == []


def test_reply_reaches_earlier_participants_once_each(post):
    ada, bob, carol, dan, eve = (make_user(name) for name in ["ada", "bob", "carol", "dan", "eve"])
    summary = make_summary(author=ada)
    question = post(summary, bob, "A question.")
    post(summary, carol, "Me too.", parent=question)
    post(summary, ada, "The author answers.", parent=question)
    post(summary, bob, "Bob again.", parent=question)
    mail.outbox.clear()

    post(summary, dan, "Dan joins.", parent=question)

    # ada hears once, as the summary's author; bob (asked) and carol (replied) as
    # participants; dan wrote it; eve never took part.
    assert recipients() == ["ada@example.org", "bob@example.org", "carol@example.org"]
    by_address = {message.to[0]: message for message in mail.outbox}
    assert "commented on your summary" in by_address["ada@example.org"].body
    assert "replied in a discussion you took part in" in by_address["bob@example.org"].body
    assert by_address["bob@example.org"].subject.startswith("New reply in a discussion on")
    for message in mail.outbox:
        assert_names_nobody_else(message, [ada, bob, carol, dan, eve])


def test_later_repliers_and_those_who_opted_out_are_not_mailed(post):
    ada = make_user("ada", notify_on_comment=False)
    bob = make_user("bob")
    quiet = make_user("quiet", notify_on_reply=False)
    summary = make_summary(author=ada)
    question = post(summary, bob)
    first = post(summary, quiet, "First reply.", parent=question)
    post(summary, ada, "The author replies too.", parent=question)
    mail.outbox.clear()

    # A reply made earlier than one already in the thread, as a late-arriving post is.
    later = make_user("later")
    post(summary, later, "Later reply.", parent=question)
    assert recipients() == ["ada@example.org", "bob@example.org"]
    assert first.pk < Comment.objects.get(body="Later reply.").pk


def test_deleted_and_hidden_comments_leave_their_authors_out_of_the_thread(post):
    bob, carol = make_user("bob"), make_user("carol")
    summary = make_summary(author=make_user(notify_on_comment=False))
    question = post(summary, bob)
    gone = post(summary, carol, "Said and taken back.", parent=question)
    Comment.objects.filter(pk=gone.pk).update(deleted_at=timezone.now(), body="")
    mail.outbox.clear()
    post(summary, make_user(), "A reply.", parent=question)
    assert recipients() == ["bob@example.org"]


def test_nothing_about_a_comment_deleted_before_the_mail_goes(django_capture_on_commit_callbacks):
    summary = make_summary()
    with django_capture_on_commit_callbacks(execute=True):
        comment, _ = services.add_comment(summary=summary, author=make_user(), body="Oops.")
        Comment.objects.filter(pk=comment.pk).update(deleted_at=timezone.now(), body="")
    assert mail.outbox == []


def test_nothing_about_hidden_summaries_or_comments(post):
    hidden_summary = make_summary(is_hidden=True)
    post(hidden_summary, make_user())

    summary = make_summary()
    bob = make_user()
    question = post(summary, bob)
    Comment.objects.filter(pk=question.pk).update(is_hidden=True)
    mail.outbox.clear()
    post(summary, make_user(), "Reply under a hidden comment.", parent=question)
    assert mail.outbox == []


def test_private_summary_comments_reach_its_author_only(post):
    ada, bob = make_user("ada"), make_user("bob")
    summary = make_summary(author=ada)
    question = post(summary, bob, "Asked while it was public.")
    Summary.objects.filter(pk=summary.pk).update(is_private=True)
    mail.outbox.clear()

    post(summary, ada, "The author answers in private.", parent=question)
    assert mail.outbox == []

    # However a comment got there, only the author hears of it.
    post(summary, make_user("carol"), "Another voice.", parent=question)
    assert recipients() == ["ada@example.org"]


def test_anonymous_author_is_never_revealed(post):
    ada = make_user("ada", display_name="Ada Lovelace")
    bob = make_user("bob")
    carol = make_user("carol")
    summary = make_summary(author=ada, is_anonymous=True)
    question = post(summary, bob, "Who wrote this?")
    (to_author,) = mail.outbox
    assert to_author.to == ["ada@example.org"]
    assert "your anonymous summary" in to_author.body
    mail.outbox.clear()

    post(summary, ada, "I did, but I will not say.", parent=question)
    post(summary, carol, "Carol chimes in.", parent=question)

    to_others = [message for message in mail.outbox if message.to != ["ada@example.org"]]
    assert [m.to for m in to_others] == [["bob@example.org"], ["bob@example.org"]]
    for message in to_others:
        html, _ = message.alternatives[0]
        text = "\n".join([message.subject, message.body, html, str(message.message())])
        for mark in ["ada", "Ada Lovelace", "ada@example.org"]:
            assert not re.search(rf"\b{re.escape(mark)}\b", text), (mark, message.body)
        assert "the anonymous author" in message.body.lower()
    about_the_author, about_carol = to_others
    assert "The anonymous author replied" in about_the_author.body
    assert "Carol" not in about_the_author.body
    assert "carol replied" in about_carol.body
    assert "summary of “" in about_carol.body and "” by the anonymous author" in about_carol.body


@override_settings(EMAIL_BACKEND=f"{__name__}.FailingBackend")
def test_a_mail_failure_loses_nothing_and_is_logged(post, caplog):
    ada = make_user()
    summary = make_summary(author=ada)
    with caplog.at_level(logging.ERROR, logger="summaries.notifications"):
        comment = post(summary, make_user(), "Kept whatever the mail does.")
    assert Comment.objects.get(pk=comment.pk).body == "Kept whatever the mail does."
    (record,) = [record for record in caplog.records if record.name == "summaries.notifications"]
    assert record.exc_info and "SMTP server down" in str(record.exc_info[1])
    # The immediate backend cannot try again later; the database backend's worker does
    # (tests/summaries/test_tasks.py).
    assert any("Gave up mail about comment" in record.message for record in caplog.records)


@override_settings(EMAIL_BACKEND=f"{__name__}.RefusesOneAddressBackend")
def test_one_refused_address_does_not_keep_the_others_mail(post, caplog):
    refused = make_user("refused")
    bob = make_user("bob")
    summary = make_summary(author=refused)
    question = post(summary, bob)
    mail.outbox.clear()
    caplog.clear()
    with caplog.at_level(logging.ERROR, logger="summaries.notifications"):
        post(summary, make_user(), "A reply.", parent=question)
    assert recipients() == ["bob@example.org"]
    logged = [record for record in caplog.records if record.name == "summaries.notifications"]
    assert len(logged) == 1


@pytest.mark.django_db(transaction=True)
@override_settings(EMAIL_BACKEND=f"{__name__}.FailingBackend")
def test_a_mail_failure_during_the_post_still_redirects_to_the_comment(client, caplog):
    # Without the test's wrapping transaction the mail goes out inside the request, as
    # it does on the site: the failure must not become an error page.
    summary = make_summary()
    client.force_login(make_user())
    with caplog.at_level(logging.ERROR, logger="summaries.notifications"):
        response = client.post(
            reverse("summaries:comment", args=[summary.pk]), {"body": "Still here."}
        )
    comment = Comment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == comment.get_absolute_url()
    assert comment.body == "Still here."
    assert any(record.exc_info for record in caplog.records)
