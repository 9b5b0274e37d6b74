import sys
from itertools import chain
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from papers.importing import BATCH_SIZE, Importer, read_file
from shortscience.progress import Progress

# Rejections listed one per line; past this many only the count is given.
MAX_LISTED = 200


class Command(BaseCommand):
    help = (
        "Add or update papers from BibTeX (.bib), DBLP XML (.xml) or arXiv metadata "
        "JSON lines (.jsonl/.json). Idempotent: a second run of the same files changes "
        "nothing. Bad records are reported with their line and skipped."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE")
        parser.add_argument("--batch-size", type=int, default=BATCH_SIZE)

    def handle(self, *args, files, batch_size, **options):
        for path in files:
            if not Path(path).is_file():
                raise CommandError(f"No such file: {path}")
            try:
                read_file(path)
            except ValueError as error:
                raise CommandError(str(error)) from None
        progress = Progress("records", None, self.stderr, unit="read")
        importer = Importer(batch_size=batch_size, on_batch=progress.advance)
        try:
            tally = importer.run(chain.from_iterable(read_file(path) for path in files))
        except KeyboardInterrupt:
            self.stderr.write("\nInterrupted. Finished batches are saved; run again to resume.")
            sys.exit(130)
        progress.finish()
        for rejected in tally.rejected[:MAX_LISTED]:
            self.stdout.write(f"rejected {rejected}")
        if len(tally.rejected) > MAX_LISTED:
            self.stdout.write(f"… and {len(tally.rejected) - MAX_LISTED} more rejected")
        summary = (
            f"{tally.created} created, {tally.updated} updated, {tally.unchanged} unchanged, "
            f"{len(tally.rejected)} rejected"
        )
        if tally.skipped:
            summary += f", {tally.skipped} skipped (not papers)"
        if tally.shortened:
            summary += f", {tally.shortened} shortened (author list or abstract too long)"
        self.stdout.write(self.style.SUCCESS(summary) if not tally.rejected else summary)
        return None
