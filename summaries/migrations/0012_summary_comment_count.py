"""`Summary.comment_count`: the comments anyone sees under a summary, kept by the database.

Every list of summaries printed it, and each counted it with a subquery per row: about
half a millisecond of the ORM's Python to build and compile, and a scan of each listed
summary's comments. It is now a column, kept right by triggers on the comments table:
a comment counts while it is neither deleted (nor removed: `deleted_at` is set) nor
hidden, under the summary it is under. Triggers rather than calls in the code, because
comments change state in many places, some of them with `update()` (moderation) or in
SQL (the benchmark's data), and a trigger sees them all. `Summary.save()` never writes
the column back (see there), so a summary loaded before a comment was posted cannot
undo it.
"""

from django.db import migrations, models

SHOWN = "{row}.deleted_at IS NULL AND NOT {row}.is_hidden"

POSTGRESQL = f"""
CREATE FUNCTION summaries_comment_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND {SHOWN.format(row="OLD")} THEN
        UPDATE summaries_summary SET comment_count = comment_count - 1 WHERE id = OLD.summary_id;
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') AND {SHOWN.format(row="NEW")} THEN
        UPDATE summaries_summary SET comment_count = comment_count + 1 WHERE id = NEW.summary_id;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER summaries_comment_count AFTER INSERT OR DELETE
    OR UPDATE OF summary_id, deleted_at, is_hidden ON summaries_comment
    FOR EACH ROW EXECUTE FUNCTION summaries_comment_count();
"""
POSTGRESQL_DROP = """
DROP TRIGGER summaries_comment_count ON summaries_comment;
DROP FUNCTION summaries_comment_count();
"""

SQLITE = [
    f"""CREATE TRIGGER summaries_comment_count_insert AFTER INSERT ON summaries_comment
    WHEN {SHOWN.format(row="NEW")} BEGIN
        UPDATE summaries_summary SET comment_count = comment_count + 1 WHERE id = NEW.summary_id;
    END""",
    f"""CREATE TRIGGER summaries_comment_count_delete AFTER DELETE ON summaries_comment
    WHEN {SHOWN.format(row="OLD")} BEGIN
        UPDATE summaries_summary SET comment_count = comment_count - 1 WHERE id = OLD.summary_id;
    END""",
    f"""CREATE TRIGGER summaries_comment_count_update
    AFTER UPDATE OF summary_id, deleted_at, is_hidden ON summaries_comment BEGIN
        UPDATE summaries_summary SET comment_count = comment_count - 1
        WHERE id = OLD.summary_id AND {SHOWN.format(row="OLD")};
        UPDATE summaries_summary SET comment_count = comment_count + 1
        WHERE id = NEW.summary_id AND {SHOWN.format(row="NEW")};
    END""",
]
SQLITE_DROP = [
    "DROP TRIGGER summaries_comment_count_insert",
    "DROP TRIGGER summaries_comment_count_delete",
    "DROP TRIGGER summaries_comment_count_update",
]

FILL = """
UPDATE summaries_summary SET comment_count = (
    SELECT COUNT(*) FROM summaries_comment c
    WHERE c.summary_id = summaries_summary.id AND c.deleted_at IS NULL AND NOT c.is_hidden
)
"""


def _run(schema_editor, statements):
    for statement in statements:
        schema_editor.execute(statement)


def create_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        _run(schema_editor, [POSTGRESQL])
    elif vendor == "sqlite":
        _run(schema_editor, SQLITE)
    else:
        raise NotImplementedError(f"comment_count triggers for {vendor}")
    schema_editor.execute(FILL)


def drop_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    _run(schema_editor, [POSTGRESQL_DROP] if vendor == "postgresql" else SQLITE_DROP)


class Migration(migrations.Migration):
    dependencies = [
        ("summaries", "0011_sent_notification"),
    ]

    operations = [
        migrations.AddField(
            model_name="summary",
            name="comment_count",
            field=models.PositiveIntegerField(
                default=0,
                db_default=0,
                editable=False,
                help_text="The comments anyone sees (neither deleted nor hidden), kept by "
                "triggers on the comments table.",
            ),
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
