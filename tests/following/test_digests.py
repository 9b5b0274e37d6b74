"""Digest mail (following.digests): who gets one and what it lists, sent once across
re-runs, the inbox's privacy, the one-click unsubscribe, the cost of one digest, the
cron command and the worker's own look for due digests."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.core.management import call_command
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from accounts.models import User
from following import digests, preferences, services
from following.models import InboxPreference, Notification
from following.tasks import send_due_digests
from shortscience.worker import Worker
from summaries import services as summary_services
from summaries.models import Comment, Summary
from tests.factories import make_comment, make_paper, make_summary, make_user, summary_text

pytestmark = pytest.mark.django_db

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


class DiesWhileSending(LocmemBackend):
    """A worker killed while the mail is handed over: SystemExit, like a kill, is no
    Exception that the sending code could catch and go on from."""

    def send_messages(self, messages):
        raise SystemExit("killed")


class Refuses(LocmemBackend):
    def send_messages(self, messages):
        raise ConnectionRefusedError("SMTP server down")


def on_digest(user, period="daily"):
    """`user` chose a digest a while ago, and it is due now."""
    preferences.save(user, mail=period)
    InboxPreference.objects.filter(user=user).update(
        digest_since=timezone.now() - timedelta(days=1),
        digest_due_at=timezone.now() - timedelta(minutes=1),
    )


def notify(user, kind="paper", summary=None, **fields):
    return Notification.objects.create(
        recipient=user, kind=kind, summary=summary or make_summary(), **fields
    )


def listed(message):
    """The lines of a digest's text that list notifications."""
    return [line for line in message.body.splitlines() if line.startswith("- ")]


def test_a_due_digest_lists_the_unread_notifications_of_the_kinds_taken():
    ada, bob = make_user("ada"), make_user("bob")
    on_digest(ada)
    author = make_user("writer", display_name="Wanda Writer")
    followed = notify(ada, summary=make_summary(author=author, paper=make_paper(title="Followed")))
    notify(ada, "mention", actor=author, summary=make_summary(paper=make_paper(title="Named")))
    own = make_summary(author=ada, paper=make_paper(title="Mine"))
    question = make_comment(own, author=author)
    notify(ada, "comment", summary=own, comment=question, actor=author)
    notify(ada, read_at=timezone.now())  # read already
    old = notify(ada)  # from before the last digest
    Notification.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=3))
    notify(bob)  # bob takes his mail at once: no digest
    Notification.objects.filter(recipient=ada).update(actor=author)

    assert digests.send_due() == (1, 0, False)
    (message,) = mail.outbox
    assert message.to == ["ada@example.org"]
    assert message.subject == "Your daily ShortScience digest: 3 new notifications"
    lines = listed(message)
    assert len(lines) == 3
    assert "- Wanda Writer wrote a summary of “Followed”, a paper you follow" in lines
    assert "- Wanda Writer mentioned you in a summary of “Named”" in lines
    assert "- Wanda Writer commented on your summary of “Mine”" in lines
    assert f"{followed.summary.get_absolute_url()}" in message.body
    assert f"?comment={question.pk}#comment-{question.pk}" in message.body
    assert "/notifications/" in message.body
    html = message.alternatives[0].content
    assert "Wanda Writer commented on your summary of “Mine”" in html
    # Marked, and the next digest a day after this one was due.
    assert Notification.objects.filter(recipient=ada, mailed_at__isnull=False).count() == 3
    pref = InboxPreference.objects.get(user=ada)
    assert pref.digest_due_at > timezone.now() + timedelta(hours=23)
    # Not due any more: nothing more is sent.
    assert digests.send_due() == (0, 0, False)
    assert len(mail.outbox) == 1


def test_kinds_turned_off_and_mail_switches_leave_their_notifications_out():
    ada = make_user("ada")
    on_digest(ada, "weekly")
    User.objects.filter(pk=ada.pk).update(notify_on_comment=False)
    InboxPreference.objects.filter(user=ada).update(muted=["topic"])
    own = make_summary(author=ada)
    notify(ada, "comment", summary=own, comment=make_comment(own))
    notify(ada, "topic")
    reply = notify(ada, "reply", summary=own, comment=make_comment(own))
    digests.send_due()
    (message,) = mail.outbox
    assert message.subject.startswith("Your weekly ShortScience digest: 1 new notification")
    assert len(listed(message)) == 1 and "replied in a discussion" in listed(message)[0]
    assert list(Notification.objects.filter(mailed_at__isnull=False)) == [reply]


def test_a_digest_with_nothing_to_list_is_not_sent_and_waits_a_period():
    ada = make_user("ada")
    on_digest(ada)
    notify(ada, read_at=timezone.now())
    assert digests.send_due() == (0, 0, False)
    assert mail.outbox == []
    assert not digests.due().exists()


def test_a_long_digest_lists_fifty_and_counts_the_rest(monkeypatch):
    ada = make_user("ada")
    on_digest(ada)
    summary = make_summary()
    others = [make_summary(paper=summary.paper, author=make_user()) for _ in range(54)]
    for item in [summary, *others]:
        notify(ada, summary=item)
    digests.send_due()
    (message,) = mail.outbox
    assert message.subject.endswith(": 55 new notifications")
    assert len(listed(message)) == digests.LISTED == 50
    assert "…and 5 more." in message.body
    assert "…and 5 more." in message.alternatives[0].content
    # The ones counted are not counted again in the next digest.
    assert not Notification.objects.filter(mailed_at__isnull=True).exists()


def test_a_digest_is_sent_once_though_the_worker_dies_mid_send_and_runs_again():
    ada = make_user("ada")
    on_digest(ada)
    notify(ada)
    notify(ada)
    due_at = InboxPreference.objects.get(user=ada).digest_due_at
    dies = override_settings(EMAIL_BACKEND=f"{__name__}.DiesWhileSending")
    with dies, pytest.raises(SystemExit):
        digests.send_due()
    # Rolled back with the mail: nothing marked, still due.
    assert mail.outbox == []
    assert not Notification.objects.filter(mailed_at__isnull=False).exists()
    assert InboxPreference.objects.get(user=ada).digest_due_at == due_at

    assert digests.send_due() == (1, 0, False)  # the task, run again
    assert digests.send_due() == (0, 0, False)  # and once more
    digests.send_digest(ada.pk)  # and straight at the user
    (message,) = mail.outbox
    assert len(listed(message)) == 2
    assert re.fullmatch(
        rf"<digest-{ada.pk}\.\d+\.2@127\.0\.0\.1>", message.extra_headers["Message-ID"]
    )


def test_a_failing_mail_server_postpones_the_digest_without_losing_it():
    ada = make_user("ada")
    on_digest(ada)
    notify(ada)
    with override_settings(EMAIL_BACKEND=f"{__name__}.Refuses"):
        assert digests.send_due() == (0, 1, False)
    pref = InboxPreference.objects.get(user=ada)
    assert pref.digest_due_at > timezone.now() + timedelta(minutes=59)
    assert not Notification.objects.filter(mailed_at__isnull=False).exists()
    assert digests.send_due(now=timezone.now() + timedelta(hours=2)) == (1, 0, False)


# Privacy: the inbox's own rules, read when the digest is sent


def test_content_made_private_hidden_or_deleted_since_is_not_listed():
    ada, author = make_user("ada"), make_user("author")
    on_digest(ada)
    private = make_summary(author=author, body=summary_text("PRIVATE-LATER text."))
    hidden = make_summary(author=author)
    on_hers = make_summary(author=ada)
    deleted = make_comment(on_hers, author=author, body="DELETED-LATER")
    removed = make_comment(on_hers, author=author)
    kept = make_summary(author=author, paper=make_paper(title="Still public"))
    for summary in (private, hidden, kept):
        notify(ada, summary=summary, actor=author)
    notify(ada, "comment", summary=on_hers, comment=deleted, actor=author)
    notify(ada, "comment", summary=on_hers, comment=removed, actor=author)
    Summary.objects.filter(pk=private.pk).update(is_private=True)
    Summary.objects.filter(pk=hidden.pk).update(is_hidden=True)
    Comment.objects.filter(pk=deleted.pk).update(deleted_at=timezone.now(), body="")
    Comment.objects.filter(pk=removed.pk).update(is_hidden=True)

    digests.send_due()
    (message,) = mail.outbox
    assert message.subject.endswith(": 1 new notification")
    assert listed(message) == ["- author wrote a summary of “Still public”, a paper you follow"]
    for secret in (private.paper.title, hidden.paper.title, f"comment={deleted.pk}"):
        assert secret not in message.body and secret not in message.alternatives[0].content
    # Left unmarked: should a summary come back, the inbox still shows it unread.
    assert Notification.objects.filter(mailed_at__isnull=True).count() == 4


def test_a_summary_made_anonymous_since_names_no_author_in_the_digest():
    ada, author = make_user("ada"), make_user("secretauthor")
    on_digest(ada)
    paper = make_paper(title="Later anonymous")
    summary = make_summary(author=author, paper=paper)
    notify(ada, "paper", summary=summary, actor=author)
    # Written as "a person you follow wrote it": that alone would say who.
    notify(ada, "person", summary=make_summary(author=author), actor=author)
    comment = make_comment(summary, author=author)
    notify(ada, "mention", summary=summary, comment=comment, actor=author)
    Summary.objects.filter(author=author).update(is_anonymous=True)

    digests.send_due()
    (message,) = mail.outbox
    assert sorted(listed(message)) == [
        "- An anonymous author wrote a summary of “Later anonymous”, a paper you follow",
        "- The summary's author mentioned you in a comment on a summary of “Later anonymous”",
    ]
    assert "secretauthor" not in message.body
    assert "secretauthor" not in message.alternatives[0].content
    assert "secretauthor" not in str(message.message())


def test_immediate_mail_stops_for_digest_readers_and_their_digest_tells_instead(
    django_capture_on_commit_callbacks,
):
    ada, bob = make_user("ada"), make_user("bob")
    on_digest(ada)
    summary = make_summary(author=ada, paper=make_paper(title="Asked about"))
    with django_capture_on_commit_callbacks(execute=True):
        summary_services.add_comment(summary=summary, author=bob, body="Why?")
    assert mail.outbox == []  # no mail per comment
    digests.send_due()
    (message,) = mail.outbox
    assert listed(message) == ["- bob commented on your summary of “Asked about”"]


def test_no_mail_means_neither_mail_per_comment_nor_digest(django_capture_on_commit_callbacks):
    ada = make_user("ada")
    preferences.save(ada, mail="none")
    with django_capture_on_commit_callbacks(execute=True):
        summary_services.add_comment(
            summary=make_summary(author=ada), author=make_user(), body="Hi"
        )
    assert digests.send_due(now=timezone.now() + timedelta(days=30)) == (0, 0, False)
    assert mail.outbox == []


# Unsubscribe


def test_the_digests_one_click_unsubscribe_turns_digests_off():
    ada = make_user("ada")
    on_digest(ada)
    notify(ada)
    digests.send_due()
    (message,) = mail.outbox
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = message.extra_headers["List-Unsubscribe"].strip("<>")
    assert url in message.body
    path = url.removeprefix("http://127.0.0.1:8000")
    page = Client().get(path).content.decode()
    assert "Stop digests of your inbox?" in page
    # As a mail program posts it: no session, no cookie, no CSRF token.
    response = Client(enforce_csrf_checks=True).post(path)
    assert "You are unsubscribed" in response.content.decode()
    pref = InboxPreference.objects.get(user=ada)
    assert (pref.mail, pref.digest_due_at) == ("none", None)
    notify(ada)
    assert digests.send_due(now=timezone.now() + timedelta(days=30)) == (0, 0, False)
    # An old digest's link, once the user chose immediate mail again, changes nothing.
    preferences.save(ada, mail="immediate")
    Client().post(path)
    assert InboxPreference.objects.get(user=ada).mail == "immediate"


# Cost


def test_one_digest_takes_the_same_queries_however_long(django_assert_num_queries):
    def queries_for_digest_of(count):
        user = make_user()
        on_digest(user)
        for _ in range(count):
            notify(user, summary=make_summary(paper=make_paper()), actor=make_user())
        with CaptureQueriesContext(connection) as captured:
            assert digests.send_digest(user.pk)
        return len(captured)

    # A savepoint, the preference with its user, moving the due date, the ids, the
    # listed rows with their actors, summaries, papers and comments, marking them, the
    # savepoint's release.
    assert queries_for_digest_of(2) == 7
    assert queries_for_digest_of(30) == 7


def test_the_due_digests_are_found_on_their_partial_index():
    ada = make_user("ada")
    on_digest(ada)
    sql = str(digests.due().values("user_id").query)
    assert '"digest_due_at" <=' in sql
    assert "inbox_preference_due_idx" in {index.name for index in InboxPreference._meta.indexes}
    assert list(digests.due().values_list("user_id", flat=True)) == [ada.pk]


# Scheduling: the cron command, and the worker's own look


def test_the_command_sends_the_due_digests_and_says_how_many(capsys):
    for name in ("ada", "bob"):
        user = make_user(name)
        on_digest(user)
        notify(user)
    call_command("send_digests")
    assert capsys.readouterr().out == "Sent 2 digests.\n"
    assert sorted(m.to[0] for m in mail.outbox) == ["ada@example.org", "bob@example.org"]
    call_command("send_digests")
    assert capsys.readouterr().out == "Sent 0 digests.\n"


def test_the_command_sends_in_batches(monkeypatch):
    monkeypatch.setattr(digests, "BATCH", 2)
    for _ in range(5):
        user = make_user()
        on_digest(user)
        notify(user)
    call_command("send_digests", verbosity=0)
    assert len(mail.outbox) == 5


def worker():
    return Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    )


@override_settings(TASKS=DATABASE_TASKS)
def test_the_worker_enqueues_one_digest_task_when_some_are_due():
    the_worker = worker()
    assert the_worker.enqueue_digests() is False  # none due: no task
    ada = make_user("ada")
    on_digest(ada)
    assert the_worker.enqueue_digests() is True
    assert the_worker.enqueue_digests() is False  # one is waiting already
    (task,) = DBTaskResult.objects.filter(task_path=send_due_digests.module_path)
    assert task.status == TaskResultStatus.READY
    # Housekeeping looks every DIGEST_CHECK_EVERY seconds, not every minute.
    DBTaskResult.objects.all().delete()
    the_worker.housekeeping(startup=True)
    assert DBTaskResult.objects.count() == 1
    DBTaskResult.objects.all().delete()
    the_worker.next_housekeeping = 0
    the_worker.housekeeping()
    assert DBTaskResult.objects.count() == 0


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DATABASE_TASKS)
def test_the_worker_command_sends_the_due_digests_by_itself():
    ada = make_user("ada")
    on_digest(ada)
    services.follow(ada, "paper", paper := make_paper(title="Watched"))
    summary_services.save_summary(
        paper=paper,
        author=make_user("writer"),
        body=summary_text("A summary."),
        is_private=False,
        is_anonymous=False,
    )
    call_command("run_worker", "--batch", "--no-startup-delay", "--interval", "0", "-v", "0")
    (message,) = mail.outbox
    assert listed(message) == ["- writer wrote a summary of “Watched”, a paper you follow"]
    assert DBTaskResult.objects.get(task_path=send_due_digests.module_path).return_value == {
        "sent": 1,
        "failed": 0,
    }


class Unreachable(LocmemBackend):
    def open(self):
        raise ConnectionRefusedError("no mail server")


def test_an_unreachable_mail_server_leaves_the_digests_due_for_the_next_look():
    ada = make_user("ada")
    on_digest(ada)
    notify(ada)
    with override_settings(EMAIL_BACKEND=f"{__name__}.Unreachable"):
        # Failed, and not "more to do": the task does not enqueue itself again at once.
        assert digests.send_due() == (0, 1, False)
    assert list(digests.due().values_list("user_id", flat=True)) == [ada.pk]
    assert digests.send_due() == (1, 0, False)
