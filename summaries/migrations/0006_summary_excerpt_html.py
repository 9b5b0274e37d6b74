# Cards print a summary's excerpt (markup.excerpt, Summary.excerpt_html) instead of its
# whole text. Existing rows get an empty excerpt, which cards read as "print the whole
# text", as they did before; they are marked as rendered by an older renderer, so that
# `python manage.py rerender` (run after any renderer change) makes their excerpts. The
# excerpts are not made here: rendering every summary would hold the migration for as
# long as the catalogue takes to render, where rerender works in resumable batches.

from django.db import migrations, models


def mark_for_rerender(apps, schema_editor):
    Summary = apps.get_model("summaries", "Summary")
    Summary.objects.filter(renderer_version__gt=0).update(renderer_version=0)


class Migration(migrations.Migration):
    dependencies = [
        ("summaries", "0005_keyset_listing_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="summary",
            name="excerpt_html",
            field=models.TextField(blank=True, db_default="", default="", editable=False),
        ),
        migrations.RunPython(mark_for_rerender, migrations.RunPython.noop, elidable=True),
    ]
