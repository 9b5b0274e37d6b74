# Lists of comments (a paper's page, a profile) print a comment's excerpt
# (Comment.excerpt_html) instead of its whole text. Existing rows get an empty excerpt,
# which lists read as "print the whole text", as they did before; they are marked as
# rendered by an older renderer, so that `python manage.py rerender` (run after any
# renderer change) makes their excerpts. The excerpts are not made here: rendering
# every comment would hold the migration for as long as they take to render, where
# rerender works in resumable batches.

from django.db import migrations, models


def mark_for_rerender(apps, schema_editor):
    Comment = apps.get_model("summaries", "Comment")
    Comment.objects.filter(renderer_version__gt=0).update(renderer_version=0)


class Migration(migrations.Migration):
    dependencies = [
        ("summaries", "0006_summary_excerpt_html"),
    ]

    operations = [
        migrations.AddField(
            model_name="comment",
            name="excerpt_html",
            field=models.TextField(blank=True, db_default="", default="", editable=False),
        ),
        migrations.RunPython(mark_for_rerender, migrations.RunPython.noop, elidable=True),
    ]
