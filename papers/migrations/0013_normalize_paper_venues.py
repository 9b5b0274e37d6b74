"""Store the papers' venues under the names of the venue table (0010): "NIPS" and
"Advances in Neural Information Processing Systems 33 (NeurIPS 2020)" become
"NeurIPS", in the papers and in their search documents. Venues the table does not know
are kept as written. `manage.py normalize_venues` does the same after the table grows.

Not atomic: one UPDATE per spelling that changes, each committed as it goes, so a large
table is not held in one transaction; a run cut short is finished by running it again.
"""

from django.db import migrations

from papers.venues import renormalize


def normalize(apps, schema_editor):
    db = schema_editor.connection.alias
    aliases = dict(
        apps.get_model("papers", "VenueAlias")
        .objects.using(db)
        .values_list("key", "venue__name")
        .order_by()
    )
    renormalize(
        apps.get_model("papers", "Paper").objects.using(db),
        apps.get_model("search", "Document").objects.using(db),
        aliases,
    )


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("papers", "0012_seed_venues"),
        ("search", "0002_document_names"),
    ]

    operations = [
        migrations.RunPython(normalize, migrations.RunPython.noop),
    ]
