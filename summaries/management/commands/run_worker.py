"""`manage.py run_worker`: runs the site's background tasks (shortscience/worker.py)."""

import os
from datetime import timedelta

from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django_tasks_db.management.commands import db_worker

from shortscience.worker import DEFAULT_LEASE, Worker


class Command(db_worker.Command):
    help = (
        "Run the background tasks (mail, re-rendering) as they are enqueued, taking back "
        "tasks that a dead worker left half done."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--lease",
            type=float,
            default=DEFAULT_LEASE.total_seconds(),
            help="Seconds after which a task still running is taken to be abandoned by its "
            "worker and run again (default: %(default)s).",
        )

    def handle(self, *, verbosity, reload, batch, lease, **options):
        self.configure_logging(verbosity)
        queue_names = options["queue_name"].split(",")
        excluded = options["exclude_queues"].split(",") if options["exclude_queues"] else []
        worker = Worker(
            lease=timedelta(seconds=lease),
            queue_names=queue_names,
            interval=options["interval"],
            batch=batch,
            backend_name=options["backend_name"],
            startup_delay=options["startup_delay"],
            max_tasks=options["max_tasks"],
            worker_id=options["worker_id"],
            excluded_queue_names=excluded,
        )
        if reload and not batch:
            # As runserver does in development: a code change restarts the worker (its
            # interrupted task is taken back at start, under the same worker id).
            if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                worker.configure_signals()
            run_with_reloader(worker.run)
        else:
            worker.configure_signals()
            worker.run()
