import csv
import sys
from contextlib import ExitStack
from itertools import chain
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from papers.importing import BATCH_SIZE, Importer, read_file
from shortscience.progress import Progress

# Rejections listed one per line; past this many only the count is given.
MAX_LISTED = 200
# arXiv categories with no topic, listed by name (the most frequent first).
MAX_CATEGORIES_LISTED = 20


class Command(BaseCommand):
    help = (
        "Add or update papers from BibTeX (.bib), DBLP XML (.xml) or arXiv metadata "
        "JSON lines (.jsonl/.json). Idempotent: a second run of the same files changes "
        "nothing. Bad records are reported with their line and skipped. A record under a "
        "new key with the arXiv id or DOI of a paper here adds its key to that paper; one "
        "with the title, first author and year of a paper here (or of an earlier record) "
        "is reported as a probable duplicate and not created. Papers get the topics of "
        "their arXiv categories (JSON lines), those the site has."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE")
        parser.add_argument("--batch-size", type=int, default=BATCH_SIZE)
        parser.add_argument(
            "--allow-similar",
            action="store_true",
            help="Create the records that look like a paper here (same normalised title, "
            "first author's surname and a year at most one apart) instead of reporting them.",
        )
        parser.add_argument(
            "--similar-report",
            metavar="CSV",
            help="Write every probable duplicate not created to this CSV file "
            "(file, line, key, title, key of the paper it looks like).",
        )

    def handle(self, *args, files, batch_size, allow_similar, similar_report, **options):
        for path in files:
            if not Path(path).is_file():
                raise CommandError(f"No such file: {path}")
            try:
                read_file(path)
            except ValueError as error:
                raise CommandError(str(error)) from None
        progress = Progress("records", None, self.stderr, unit="read")
        with ExitStack() as stack:
            on_similar = None
            if similar_report:
                stream = stack.enter_context(
                    open(similar_report, "w", newline="", encoding="utf-8")
                )
                report = csv.writer(stream)
                report.writerow(["file", "line", "key", "title", "looks_like"])

                def on_similar(similar):
                    report.writerow(
                        [
                            similar.file,
                            similar.line,
                            similar.key,
                            similar.title,
                            similar.existing_key,
                        ]
                    )

            importer = Importer(
                batch_size=batch_size,
                on_batch=progress.advance,
                allow_similar=allow_similar,
                on_similar=on_similar,
            )
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
        for similar in tally.similar[:MAX_LISTED]:
            self.stdout.write(f"probable duplicate {similar}")
        if tally.similar_count > MAX_LISTED:
            more = tally.similar_count - MAX_LISTED
            where = f" (all in {similar_report})" if similar_report else ""
            self.stdout.write(f"… and {more} more probable duplicates{where}")
        if unknown := tally.categories_unknown:
            listed = ", ".join(
                f"{name} ({count})" for name, count in unknown.most_common(MAX_CATEGORIES_LISTED)
            )
            if len(unknown) > MAX_CATEGORIES_LISTED:
                listed += f", … and {len(unknown) - MAX_CATEGORIES_LISTED} more"
            self.stdout.write(
                f"arXiv categories with no topic here (records listing them): {listed}"
            )
        summary = (
            f"{tally.created} created, {tally.updated} updated, {tally.unchanged} unchanged, "
            f"{len(tally.rejected)} rejected"
        )
        if tally.merged:
            summary += (
                f", {tally.merged} added as another key of a paper here (same arXiv id or DOI)"
            )
        if tally.similar_count:
            summary += (
                f", {tally.similar_count} not created as probable duplicates of papers here "
                "(same title, first author and year; --allow-similar creates them)"
            )
        if tally.skipped:
            summary += f", {tally.skipped} skipped (not papers)"
        if tally.shortened:
            summary += f", {tally.shortened} shortened (author list or abstract too long)"
        if tally.topics_attached:
            given = _count(tally.topics_attached, "topic")
            summary += f", {given} given to papers from their arXiv categories"
        if unknown:
            summary += f", {_count(len(unknown), 'arXiv category', 'arXiv categories')} skipped "
            summary += "(no such topic)"
        self.stdout.write(self.style.SUCCESS(summary) if not tally.rejected else summary)
        return None


def _count(number, singular, plural=None):
    return f"{number} {singular if number == 1 else plural or singular + 's'}"
