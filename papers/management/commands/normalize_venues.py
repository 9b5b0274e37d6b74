from django.core.management.base import BaseCommand

from papers.models import Paper
from papers.signals import venues_renamed
from papers.venues import VenueMap, renormalize


class Command(BaseCommand):
    help = (
        "Store every paper's venue under its name in the venue table, after moderators "
        "added venues or spellings there (papers added since are mapped as they come)."
    )

    def handle(self, *args, **options):
        changes = renormalize(Paper.objects, None, VenueMap().aliases)
        # Written with update(): the search documents' copies of the venue and the
        # cached pages follow the signal (search.receivers, summaries.receivers).
        venues_renamed.send(sender=Paper, changes=changes)
        for old, new in sorted(changes.items()):
            self.stdout.write(f"{old} → {new}")
        noun = "spelling" if len(changes) == 1 else "spellings"
        self.stdout.write(self.style.SUCCESS(f"{len(changes)} venue {noun} renamed."))
