"""Fill Paper.normalized_title for the papers there already, a batch at a time.

Not atomic: each batch is committed as it is written, so a table of millions of
papers is neither locked for the whole run nor held in one transaction. A run cut
short is resumed by running it again: it writes only the papers still without one.
"""

from django.db import migrations

from papers.duplicates import normalize_title

BATCH_SIZE = 2_000


def fill(apps, schema_editor):
    Paper = apps.get_model("papers", "Paper")
    papers = Paper.objects.using(schema_editor.connection.alias)
    last = 0
    while True:
        batch = list(
            papers.filter(pk__gt=last, normalized_title="")
            .only("pk", "title")
            .order_by("pk")[:BATCH_SIZE]
        )
        if not batch:
            return
        for paper in batch:
            paper.normalized_title = normalize_title(paper.title)
        papers.bulk_update(batch, ["normalized_title"])
        last = batch[-1].pk


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("papers", "0007_paper_normalized_title_distinct_claim"),
    ]

    operations = [
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
