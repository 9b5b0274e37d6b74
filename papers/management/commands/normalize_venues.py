from django.core.management.base import BaseCommand

from papers.models import Paper
from papers.venues import VenueMap, renormalize
from search.models import Document
from shortscience import fragments


class Command(BaseCommand):
    help = (
        "Store every paper's venue under its name in the venue table, after moderators "
        "added venues or spellings there (papers added since are mapped as they come)."
    )

    def handle(self, *args, **options):
        changes = renormalize(Paper.objects, Document.objects, VenueMap().aliases)
        if changes:
            # Venue lists and pages are cached under the feed's scope; cards and paper
            # pages are keyed by what they print, the venue included.
            fragments.invalidate(fragments.LISTINGS)
        for old, new in sorted(changes.items()):
            self.stdout.write(f"{old} → {new}")
        noun = "spelling" if len(changes) == 1 else "spellings"
        self.stdout.write(self.style.SUCCESS(f"{len(changes)} venue {noun} renamed."))
