"""Background tasks of summaries: mail about comments and re-rendering summaries.

Each is enqueued with `enqueue_after_commit` in the transaction of the write that calls
for it. With the database backend (production, `make run`) the task is a row written in
that transaction: the worker sees it exactly when the write commits, and a rolled-back
write leaves no task. Tasks take ids only and read the rows as they are when they run.

A task may run more than once: a worker killed mid-task has it run again (see
`shortscience/management/commands/run_worker.py`), so each one is safe to repeat.
"""

import logging
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django_tasks import task
from django_tasks_db import DatabaseBackend

from shortscience import fragments

from . import notifications

logger = logging.getLogger(__name__)

# A comment's mail that could not be sent is tried again this long after each attempt;
# after the last one it is given up and logged.
MAIL_RETRY_DELAYS = (timedelta(minutes=1), timedelta(minutes=10), timedelta(hours=1))
# Summaries re-rendered by one task: a task stays short (a summary with a hundred
# formulas renders in about 50 ms), and an edit of a much-cited paper is spread over
# several tasks rather than one that holds a worker for minutes.
RERENDER_BATCH = 50


def enqueue_after_commit(task_, *args):
    """Enqueue `task_` so that it runs only once the current transaction has committed.

    The database backend stores the task in this very transaction (an outbox: no
    moment between the commit and the enqueue in which a crash loses it). Any other
    backend (the tests' immediate one) is handed the task on commit.
    """
    if isinstance(task_.get_backend(), DatabaseBackend):
        task_.enqueue(*args)
    else:
        transaction.on_commit(lambda: task_.enqueue(*args))


@task()
def mail_comment(comment_id, attempt=1):
    """Mail the people a new comment concerns (`notifications.comment_posted`); mail that
    could not be sent is tried again later by a new task, already sent mail is not."""
    failed = notifications.comment_posted(comment_id)
    if not failed:
        return 0
    # A backend that cannot run a task later (the tests' immediate one) gets no retry.
    if attempt > len(MAIL_RETRY_DELAYS) or not mail_comment.get_backend().supports_defer:
        logger.error("Gave up mail about comment %s after %s attempts", comment_id, attempt)
        return failed
    delay = MAIL_RETRY_DELAYS[attempt - 1]
    mail_comment.using(run_after=timezone.now() + delay).enqueue(comment_id, attempt + 1)
    return failed


def rerender_later(summary_ids):
    """Enqueue the re-rendering of these summaries, RERENDER_BATCH to a task.

    Enqueued at once rather than on commit: rendering reads whatever is there when it
    runs, so the immediate backend may render inside the transaction (as the site did
    before tasks), and the database backend's row is seen when the write commits.
    """
    ids = sorted(set(summary_ids))
    for start in range(0, len(ids), RERENDER_BATCH):
        rerender_summaries.enqueue(ids[start : start + RERENDER_BATCH])


@task()
def rerender_summaries(summary_ids):
    """Render the summaries again from their text as it is now (their citations resolve
    anew), store the HTML and make their papers' cached fragments stale. Returns how
    many were found: one deleted meanwhile is skipped.

    One summary at a time, its row locked while it renders: an edit by its author at
    that moment waits for one render, not a batch, and cannot be overwritten by HTML
    rendered from the text it replaced.
    """
    from .models import Summary

    done = 0
    for pk in summary_ids[:RERENDER_BATCH]:
        with transaction.atomic():
            summary = (
                Summary.objects.select_for_update().filter(pk=pk).only("pk", "paper_id", "body")
            ).first()
            if summary is None:
                continue
            Summary.objects.filter(pk=pk).update(**summary.rendered_fields())
            fragments.invalidate(fragments.paper_scope(summary.paper_id), fragments.LISTINGS)
        done += 1
    return done
