"""`manage.py send_digests`: send the daily and weekly digests that are due, for cron.

The worker (`manage.py run_worker`) sends them too, looking every few minutes; this
command is for sites that run digests from cron instead, or beside it: a digest is sent
once whoever sends it (following.digests)."""

from django.core.management.base import BaseCommand, CommandError

from following import digests
from shortscience.text import plural


class Command(BaseCommand):
    help = "Send the daily and weekly inbox digests that are due."

    def add_arguments(self, parser):
        parser.add_argument(
            "--limit",
            type=int,
            default=None,
            help="Send at most this many digests (default: every one that is due).",
        )

    def handle(self, *, limit, verbosity, **options):
        sent = failed = 0
        while limit is None or sent + failed < limit:
            batch = digests.BATCH if limit is None else min(digests.BATCH, limit - sent - failed)
            done, refused, more = digests.send_due(limit=batch)
            sent, failed = sent + done, failed + refused
            if not more:
                break
        if verbosity:
            self.stdout.write(f"Sent {plural(sent, 'digest')}.")
        if failed:
            # Non-zero for cron to report; the failures are logged and tried again later.
            raise CommandError(
                f"{failed} digest{' was' if failed == 1 else 's were'} not sent "
                "(see the log); each is tried again in an hour."
            )
