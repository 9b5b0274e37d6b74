from django.core.management.base import BaseCommand

from accounts import counts


class Command(BaseCommand):
    help = (
        "Count again every user's summaries and comments as their profile shows them "
        "(accounts.counts), for rows written past the models."
    )

    def handle(self, *args, **options):
        users = counts.recount_all()
        self.stdout.write(f"Counted the summaries and comments of {users:,} users.")
