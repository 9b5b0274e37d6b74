"""The background worker: django_tasks_db's, plus taking back interrupted tasks.

django_tasks_db's worker claims a task (status RUNNING, its id appended to the row's
`worker_ids`) and marks it finished when it returns. A worker that dies in between, by
SIGKILL, a crash or the machine going down, leaves the task RUNNING for ever, and the
backend never runs it again. This worker puts such tasks back in the queue:

- at start, every task still RUNNING under its own id: a worker runs one task at a
  time, so a task it holds when it starts was interrupted. Give each worker an id of
  its own that it keeps across restarts (`--worker-id`, unique among running workers)
  and a restart takes its task back at once;
- every minute, any task RUNNING for longer than the lease (`--lease`, 15 minutes):
  its worker is gone for good, or it holds a task far longer than any of ours takes.

So a task may run more than once (at least once), and each of the site's tasks is
written to be repeated safely (summaries.tasks). Finished tasks older than a week are
deleted along the way, a bounded batch a minute, so the table stays small.

Every DIGEST_CHECK_EVERY seconds it also looks for inbox digests that are due (one
query on a partial index, following.digests) and, when some are and no digest task is
waiting or running, enqueues one: digests need no cron beside the worker, and run as
any task does, taken back if the worker dies in one.
"""

import logging
import os
import time
from datetime import timedelta

from django.db import close_old_connections
from django.db.utils import InterfaceError, OperationalError
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

logger = logging.getLogger(__name__)

DEFAULT_LEASE = timedelta(minutes=15)
KEEP_FINISHED = timedelta(days=7)
HOUSEKEEPING_EVERY = 60  # seconds
DIGEST_CHECK_EVERY = 300  # seconds
PRUNE_BATCH = 1000


class Worker(db_worker.Worker):
    def __init__(self, *, lease=DEFAULT_LEASE, keep_finished=KEEP_FINISHED, **kwargs):
        super().__init__(**kwargs)
        self.lease = lease
        self.keep_finished = keep_finished
        self.next_housekeeping = 0.0
        self.next_digest_check = 0.0

    def shutdown(self, signum, frame):
        # The first signal lets the running task finish. The library's answer to a second
        # one marks the task failed, so that it never runs again, mail unsent; leaving it
        # RUNNING instead lets a restart under this worker id take it back.
        if not self.running and self.running_task:
            logger.warning("Stopped in the middle of a task; it runs again at the next start.")
            os._exit(1)
        super().shutdown(signum, frame)

    def tasks(self):
        return DBTaskResult.objects.filter(backend_name=self.backend_name)

    def take_back(self, startup=False):
        """Put interrupted tasks back in the queue; returns their ids.

        The RUNNING rows are few (one per busy worker), read whole and judged here:
        the last id in `worker_ids` is the worker that claimed the task last.
        """
        stale_before = timezone.now() - self.lease
        interrupted = [
            pk
            for pk, worker_ids, started_at in self.tasks()
            .filter(status=TaskResultStatus.RUNNING)
            .values_list("pk", "worker_ids", "started_at")
            if (startup and worker_ids and worker_ids[-1] == self.worker_id)
            or (started_at is not None and started_at < stale_before)
        ]
        if interrupted:
            # Still RUNNING: a task that finished meanwhile is left as it is.
            self.tasks().filter(pk__in=interrupted, status=TaskResultStatus.RUNNING).update(
                status=TaskResultStatus.READY, started_at=None
            )
            logger.warning("Took back %d interrupted task(s): %s", len(interrupted), interrupted)
        return interrupted

    def prune(self):
        cutoff = timezone.now() - self.keep_finished
        old = self.tasks().finished().filter(finished_at__lt=cutoff).values_list("pk", flat=True)
        deleted, _ = self.tasks().filter(pk__in=list(old[:PRUNE_BATCH])).delete()
        return deleted

    def enqueue_digests(self):
        """Enqueue the sending of the digests due, unless none is or a task for it is
        already waiting or running (another worker's, or the last one's follow-up)."""
        from following import digests
        from following.tasks import send_due_digests

        if not digests.due().exists():
            return False
        waiting = self.tasks().filter(
            task_path=send_due_digests.module_path,
            status__in=(TaskResultStatus.READY, TaskResultStatus.RUNNING),
        )
        if waiting.exists():
            return False
        send_due_digests.using(backend=self.backend_name).enqueue()
        return True

    def housekeeping(self, startup=False):
        now = time.monotonic()
        if not startup and now < self.next_housekeeping:
            return
        self.next_housekeeping = now + HOUSEKEEPING_EVERY
        try:
            self.take_back(startup=startup)
            self.prune()
            if now >= self.next_digest_check:
                self.next_digest_check = now + DIGEST_CHECK_EVERY
                self.enqueue_digests()
        except OperationalError as error:
            # SQLite busy, or the database away for a moment: next time.
            logger.warning("Worker housekeeping postponed: %s", error)

    def run(self):
        """django_tasks_db's loop with the housekeeping above; one task at a time."""
        logger.info("Starting worker %s, queues %s", self.worker_id, ",".join(self.queue_names))
        self.housekeeping(startup=True)
        while self.running:
            close_old_connections()
            self.housekeeping()
            ready = self.tasks().ready()
            if not self.process_all_queues:
                ready = ready.filter(queue_name__in=self.queue_names)
            if self.excluded_queue_names:
                ready = ready.exclude(queue_name__in=self.excluded_queue_names)
            task_result, looked = None, True
            try:
                with exclusive_transaction(ready.db):
                    task_result = ready.get_locked()
                    if task_result is not None:
                        task_result.claim(self.worker_id)
            except (OperationalError, InterfaceError) as error:
                # SQLite busy: try again. The database away (restarted, failing over):
                # wait for it, as the site's pages do, rather than exit.
                if not is_locked_database_exception(error):
                    if self.batch:
                        raise
                    logger.warning("Worker cannot reach the database: %s", error)
                    time.sleep(max(self.interval, 1))
                looked = False
            if task_result is not None:
                self.run_task(task_result)
            if self.batch and looked and task_result is None:
                return
            if self.max_tasks is not None and self._run_tasks >= self.max_tasks:
                return
            close_old_connections()
            if self.running and task_result is None:
                time.sleep(self.interval)
