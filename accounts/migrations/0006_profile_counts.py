from django.db import migrations, models
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce


def count_everyone(apps, schema_editor):
    """What accounts.counts.recount_all does, written out against the models as they
    are at this migration: a migration cannot call the code, which may change."""
    User = apps.get_model("accounts", "User")
    Summary = apps.get_model("summaries", "Summary")
    Comment = apps.get_model("summaries", "Comment")
    person = OuterRef("pk")
    summaries = Summary.objects.filter(
        author=person, is_private=False, is_hidden=False, is_anonymous=False
    )
    comments = Comment.objects.filter(
        author=person,
        is_hidden=False,
        deleted_at__isnull=True,
        summary__is_private=False,
        summary__is_hidden=False,
    ).exclude(Q(summary__author=person) & Q(summary__is_anonymous=True))

    def count(queryset):
        counted = queryset.order_by().values("author").annotate(n=Count("pk")).values("n")
        return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))

    User.objects.update(public_summary_count=count(summaries), public_comment_count=count(comments))


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_deleted_at"),
        ("summaries", "0008_comment_author_recent_idx"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="public_comment_count",
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
        migrations.AddField(
            model_name="user",
            name="public_summary_count",
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
        migrations.RunPython(count_everyone, migrations.RunPython.noop),
    ]
