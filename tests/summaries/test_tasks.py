"""Background tasks on the database backend, run by the site's worker command
(`manage.py run_worker`), as deployed: mail about comments and re-rendering summaries
that cite a changed paper. The rest of the suite runs tasks as they are enqueued
(tests/settings.py)."""

import threading
import time
from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.core.management import call_command
from django.db import connection, transaction
from django.test import override_settings
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from summaries import notifications, services, tasks
from summaries.models import Comment, SentNotification, Summary
from tests.factories import make_paper, make_summary, make_user

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# Committed for real, as on the site: the worker checks its connection between tasks as
# a request does, which a test's wrapping transaction would not survive on PostgreSQL.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("database_tasks")]


@pytest.fixture
def database_tasks():
    with override_settings(TASKS=DATABASE_TASKS):
        yield


def run_worker(*extra):
    """The worker command, in this process: every task that is ready, then it exits."""
    call_command(
        "run_worker", "--batch", "--no-startup-delay", "--interval", "0", "-v", "0", *extra
    )


def queued(path="summaries.tasks.mail_comment"):
    return list(DBTaskResult.objects.filter(task_path=path).order_by("enqueued_at"))


def recipients():
    return sorted(address for message in mail.outbox for address in message.to)


class DiesOnSecondMail(LocmemBackend):
    """A worker killed while it hands over the second mail: nothing after that point runs
    (SystemExit, like a kill, is no Exception the mail code could catch)."""

    def send_messages(self, messages):
        if len(mail.outbox) >= 1:
            raise SystemExit("killed")
        return super().send_messages(messages)


class FailingBackend(LocmemBackend):
    def send_messages(self, messages):
        raise ConnectionRefusedError("SMTP server down")


def a_thread(ada="ada", bob="bob"):
    """A summary by ada with bob's question under it."""
    summary = make_summary(author=make_user(ada))
    question, _ = services.add_comment(summary=summary, author=make_user(bob), body="Why?")
    return summary, question


def test_a_comment_enqueues_its_mail_and_the_worker_command_sends_it():
    summary, question = a_thread()
    (task,) = queued()
    assert task.status == TaskResultStatus.READY
    assert task.args_kwargs == {"args": [question.pk], "kwargs": {}}
    assert mail.outbox == []  # nothing in the request

    run_worker()

    assert recipients() == ["ada@example.org"]
    task.refresh_from_db()
    assert task.status == TaskResultStatus.SUCCESSFUL
    (sent,) = SentNotification.objects.all()
    assert (sent.comment_id, sent.recipient_id, sent.kind) == (
        question.pk,
        summary.author_id,
        "comment",
    )


def test_a_rolled_back_comment_leaves_no_task():
    summary = make_summary()
    with pytest.raises(RuntimeError), transaction.atomic():
        services.add_comment(summary=summary, author=make_user(), body="Never mind.")
        raise RuntimeError
    assert not DBTaskResult.objects.exists()


@pytest.mark.parametrize("change", ["deleted", "hidden", "summary hidden"])
def test_content_withdrawn_before_the_worker_runs_sends_nothing(change):
    summary, question = a_thread()
    if change == "deleted":
        Comment.objects.filter(pk=question.pk).update(deleted_at=timezone.now(), body="")
    elif change == "hidden":
        Comment.objects.filter(pk=question.pk).update(is_hidden=True)
    else:
        Summary.objects.filter(pk=summary.pk).update(is_hidden=True)
    run_worker()
    assert mail.outbox == []
    assert queued()[0].status == TaskResultStatus.SUCCESSFUL


def test_a_task_run_again_after_dying_mid_task_mails_nobody_twice():
    summary, question = a_thread()
    run_worker()
    mail.outbox.clear()
    reply, _ = services.add_comment(
        summary=summary, author=make_user("cy"), body="Because.", parent=question
    )
    # The reply concerns ada (her summary) and bob (his thread): the worker dies while
    # the second mail is handed over, after the first went out.
    dies = override_settings(EMAIL_BACKEND=f"{__name__}.DiesOnSecondMail")
    with dies, pytest.raises(SystemExit):
        notifications.comment_posted(reply.pk)
    assert recipients() == ["ada@example.org"]
    assert SentNotification.objects.filter(comment=reply).count() == 1

    notifications.comment_posted(reply.pk)  # the task, run again
    notifications.comment_posted(reply.pk)  # and once more: nothing left to send

    assert recipients() == ["ada@example.org", "bob@example.org"]
    assert SentNotification.objects.filter(comment=reply).count() == 2
    ids = {message.extra_headers["Message-ID"] for message in mail.outbox}
    assert len(ids) == 2 and all(f"<comment-{reply.pk}." in i for i in ids)


def test_a_restarted_worker_takes_back_the_task_it_was_running():
    a_thread()
    (task,) = queued()
    # What a worker killed mid-task leaves: the task claimed and never finished.
    task.claim("worker-1")

    run_worker("--worker-id", "worker-2")  # another worker's task, within its lease
    task.refresh_from_db()
    assert task.status == TaskResultStatus.RUNNING and mail.outbox == []

    run_worker("--worker-id", "worker-1")  # the same worker, started again
    task.refresh_from_db()
    assert task.status == TaskResultStatus.SUCCESSFUL
    assert task.worker_ids == ["worker-1", "worker-1"]
    assert recipients() == ["ada@example.org"]


def test_a_task_running_past_its_lease_is_run_again_by_any_worker():
    a_thread()
    (task,) = queued()
    task.claim("gone-for-good")
    DBTaskResult.objects.filter(pk=task.pk).update(started_at=timezone.now() - timedelta(hours=1))
    run_worker("--worker-id", "another", "--lease", "600")
    task.refresh_from_db()
    assert task.status == TaskResultStatus.SUCCESSFUL
    assert recipients() == ["ada@example.org"]


def test_mail_that_could_not_be_sent_is_tried_again_later_by_a_new_task():
    a_thread()
    with override_settings(EMAIL_BACKEND=f"{__name__}.FailingBackend"):
        run_worker()
    first, retry = queued()
    assert first.status == TaskResultStatus.SUCCESSFUL and first.return_value == 1
    assert retry.status == TaskResultStatus.READY
    assert retry.args_kwargs["args"][1] == 2  # the second attempt
    assert retry.run_after > timezone.now() + timedelta(seconds=50)
    assert not SentNotification.objects.exists()

    run_worker()  # not due yet
    retry.refresh_from_db()
    assert retry.status == TaskResultStatus.READY and mail.outbox == []

    DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())
    run_worker()
    assert recipients() == ["ada@example.org"]
    assert len(queued()) == 2


def test_the_worker_deletes_finished_tasks_after_a_week():
    a_thread()
    a_thread("eve", "fay")
    old, recent = queued()
    run_worker()
    DBTaskResult.objects.filter(pk=old.pk).update(finished_at=timezone.now() - timedelta(days=8))
    run_worker()
    # Each comment's inbox task too (following.tasks.notify_comment): only the old
    # mail task is a week old.
    assert recent.pk in set(DBTaskResult.objects.values_list("pk", flat=True))
    assert not DBTaskResult.objects.filter(pk=old.pk).exists()
    assert DBTaskResult.objects.count() == 3


def cite(paper, n):
    return [
        make_summary(
            author=make_user(f"citer{i}"), body=f"As in \\cite{{{paper.bibtex_key}}}. " * 9
        )
        for i in range(n)
    ]


def test_an_edited_paper_re_renders_its_citing_summaries_in_bounded_tasks(monkeypatch):
    monkeypatch.setattr(tasks, "RERENDER_BATCH", 2)
    paper = make_paper("conf/x/Cited20", title="Old title", authors="Ada Lovelace", year=2020)
    citing = cite(paper, 3)
    DBTaskResult.objects.all().delete()
    paper.year = 2021
    paper.save()

    batches = queued("summaries.tasks.rerender_summaries")
    assert sorted(len(task.args_kwargs["args"][0]) for task in batches) == [1, 2]
    assert all("2020" in Summary.objects.get(pk=s.pk).body_html for s in citing)

    run_worker()

    assert all("Lovelace, 2021" in Summary.objects.get(pk=s.pk).body_html for s in citing)
    assert {task.return_value for task in queued("summaries.tasks.rerender_summaries")} == {1, 2}


def test_a_summary_deleted_before_its_re_render_is_skipped():
    paper = make_paper("conf/x/Cited21", title="A title", authors="Ada Lovelace", year=2020)
    gone, kept = cite(paper, 2)
    paper.title = "A new title"
    paper.save()
    gone.delete()
    run_worker()
    (task,) = queued("summaries.tasks.rerender_summaries")
    assert task.status == TaskResultStatus.SUCCESSFUL and task.return_value == 1


class SlowLocmemBackend(LocmemBackend):
    def send_messages(self, messages):
        time.sleep(0.3)
        return super().send_messages(messages)


@override_settings(EMAIL_BACKEND=f"{__name__}.SlowLocmemBackend")
def test_two_runs_of_one_task_at_once_send_each_mail_once():
    if connection.vendor != "postgresql":
        pytest.skip(
            "SQLite's in-memory test database cannot be shared by two threads' "
            "transactions: this test runs on PostgreSQL only (scripts/with-postgres)"
        )
    summary, question = a_thread()
    reply, _ = services.add_comment(
        summary=summary, author=make_user("cy"), body="Because.", parent=question
    )
    mail.outbox.clear()
    SentNotification.objects.all().delete()

    def run():
        try:
            notifications.comment_posted(reply.pk)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert recipients() == ["ada@example.org", "bob@example.org"]
