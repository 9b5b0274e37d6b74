# The homepage tabs and profiles page through summaries by keyset
# (shortscience.pagination.keyset_page): each order gets an index with every sort key,
# the primary key last, over public summaries only for the tabs.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("summaries", "0004_post_keys"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="summary", name="summary_feed_idx"),
        migrations.RemoveIndex(model_name="summary", name="summary_popular_idx"),
        migrations.RemoveIndex(model_name="summary", name="summary_top_idx"),
        migrations.AddIndex(
            model_name="summary",
            index=models.Index(
                condition=models.Q(("is_hidden", False), ("is_private", False)),
                fields=["-created_at", "-id"],
                name="summary_recent_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="summary",
            index=models.Index(
                condition=models.Q(("is_hidden", False), ("is_private", False)),
                fields=["-hotness", "-id"],
                name="summary_popular_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="summary",
            index=models.Index(
                condition=models.Q(("is_hidden", False), ("is_private", False)),
                fields=["-score", "-created_at", "-id"],
                name="summary_top_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="summary",
            index=models.Index(
                fields=["author", "-created_at", "-id"], name="summary_author_recent_idx"
            ),
        ),
    ]
