import sys

from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.models import User
from markup.render import RENDERER_VERSION, cited_keys
from papers.models import Paper
from shortscience import fragments
from shortscience.progress import Progress
from summaries.models import Comment, Summary

BATCH_SIZE = 200


class Command(BaseCommand):
    help = (
        "Re-render stored HTML (abstracts, summaries, comments, bios) made by an older renderer. "
        "Safe to interrupt: each batch is committed with the new version, so a second run "
        "resumes where the first stopped."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--all",
            action="store_true",
            help="Re-render every row, not only those from an older renderer version.",
        )
        parser.add_argument("--batch-size", type=int, default=BATCH_SIZE)

    def handle(self, *args, all, batch_size, **options):
        self.batch_size = batch_size
        total = 0
        try:
            total += self.rerender("abstracts", Paper.objects.all(), all)
            total += self.rerender("summaries", Summary.objects.all(), all)
            total += self.rerender("comments", Comment.objects.all(), all)
            total += self.rerender(
                "bios", User.objects.exclude(bio=""), all, version_field="bio_renderer_version"
            )
        except KeyboardInterrupt:
            fragments.invalidate(fragments.SITE)
            self.stderr.write("\nInterrupted. Finished batches are saved; run again to resume.")
            sys.exit(130)
        # Rows were written with update(), which no receiver sees: every cached page
        # fragment may hold the old markup.
        fragments.invalidate(fragments.SITE)
        self.stdout.write(
            self.style.SUCCESS(f"Re-rendered {total} texts with renderer v{RENDERER_VERSION}.")
        )

    def rerender(self, label, queryset, everything, version_field="renderer_version"):
        if not everything:
            queryset = queryset.filter(**{f"{version_field}__lt": RENDERER_VERSION})
        pks = list(queryset.order_by("pk").values_list("pk", flat=True))
        progress = Progress(label, len(pks), self.stderr)
        model = queryset.model
        for start in range(0, len(pks), self.batch_size):
            batch = pks[start : start + self.batch_size]
            with transaction.atomic():
                # update() rather than save(): re-rendering is not an edit, and must
                # not touch updated_at.
                for row in model.objects.filter(pk__in=batch):
                    if model is Summary:
                        keys = cited_keys(row.body)
                        model.objects.filter(pk=row.pk).update(**row.rendered_fields(keys))
                        row.record_citations(keys)
                    else:
                        model.objects.filter(pk=row.pk).update(**row.rendered_fields())
            progress.advance(len(batch))
        progress.finish()
        return len(pks)
