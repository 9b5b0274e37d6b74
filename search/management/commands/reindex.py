from django.core.management.base import BaseCommand

from search import services


class Command(BaseCommand):
    help = (
        "Rebuild the search index from the papers, public summaries and comments. Run it "
        "after an import that wrote rows without going through the models' save()."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=1000)
        parser.add_argument(
            "--words",
            action="store_true",
            help=(
                "Only rebuild the words that spelling suggestions come from (PostgreSQL), "
                "dropping those of papers since deleted or retitled."
            ),
        )

    def handle(self, *args, batch_size, words, verbosity, **options):
        if words:
            count = services.refresh_words()
            self.stdout.write(self.style.SUCCESS(f"Kept {count} words for suggestions."))
            return

        def progress(done):
            if verbosity > 1:
                self.stderr.write(f"\r{done} documents", ending="")

        total = services.rebuild(batch_size=batch_size, progress=progress)
        if verbosity > 1:
            self.stderr.write("")
        self.stdout.write(self.style.SUCCESS(f"Indexed {total} documents."))
