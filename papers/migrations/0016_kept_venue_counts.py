"""A paper's public summaries and a venue's papers and summaries per year, kept by the
database: `Paper.public_summary_count` and `VenueYear`.

The venue pages counted them on every request that missed the cache: the venue list
grouped every public summary with its paper (140 ms of the database's time at 100,000
summaries), a venue's page every paper of the venue (158 ms for 11,000), and a year's
page every paper of that year (25 ms for 3,800); and any summary written empties that
cache. Now the
counts change where the summaries and papers do, in the same transaction, and the
pages read a row per venue and year, or a page of papers in an index's order.

Triggers rather than calls in the code, as for `Summary.comment_count` (summaries
0012): summaries change state in many places, some with `update()` (moderation, a
merge) or in SQL (the benchmark's data), and a trigger sees them all. Two steps:

- summaries -> papers: a summary counts for its paper while it is public (neither
  private nor hidden);
- papers -> venue years: a paper counts for its venue (as stored, never "") and year
  (0 for none) while its count is above zero, and adds its count to theirs; a row's
  `changed_at` is when its counts last changed (the sitemap's date for the venue pages).

On PostgreSQL the triggers run once per statement and read the statement's rows from
transition tables, summed per paper and per venue and year: renaming a venue's 11,000
papers in one UPDATE (papers.venues.renormalize) writes each venue-year row once, where
a trigger per row would update the same row 11,000 times, each time walking the chain of
its earlier versions. SQLite has no transition tables, and updates rows in place: there
the triggers run per row.

SQLite drops a table's triggers when Django rebuilds the table, which a later
migration altering Paper or Summary may do there: tests/papers/test_kept_counts.py
counts after every migration has run, and fails if they are gone.
"""

import django.db.models.functions.comparison
import django.db.models.functions.text
from django.db import migrations, models

PUBLIC = "NOT {row}.is_private AND NOT {row}.is_hidden"
LISTED = "{row}.public_summary_count > 0 AND {row}.venue <> ''"

# One UPDATE of each paper whose count the statement changed.
_ADD_TO_PAPERS = """
        UPDATE papers_paper p SET public_summary_count = p.public_summary_count + d.n
        FROM (SELECT paper_id, SUM(n) AS n FROM changes GROUP BY paper_id
              HAVING SUM(n) <> 0) d
        WHERE p.id = d.paper_id;
"""
_SUMMARIES_IN = "SELECT paper_id, 1 AS n FROM new_rows WHERE {public}".format(
    public=PUBLIC.format(row="new_rows")
)
_SUMMARIES_OUT = "SELECT paper_id, -1 AS n FROM old_rows WHERE {public}".format(
    public=PUBLIC.format(row="old_rows")
)

# Each venue-year row whose counts the statement changed, written once: an UPDATE of
# those there are, then an INSERT of the others. Not one upsert: PostgreSQL checks the
# row an INSERT proposes before it looks for a conflict, and a negative change would
# fail the columns' CHECK (>= 0) even where the row it updates holds more. A row that is
# not there yet can only gain, and two transactions adding it at once meet in ON
# CONFLICT.
_ADD_TO_VENUE_YEARS = """,
        sums AS (SELECT venue, year, SUM(papers) AS papers, SUM(summaries) AS summaries
                 FROM changes GROUP BY venue, year
                 HAVING SUM(papers) <> 0 OR SUM(summaries) <> 0),
        updated AS (UPDATE papers_venueyear v
                    SET paper_count = v.paper_count + sums.papers,
                        public_summary_count = v.public_summary_count + sums.summaries,
                        changed_at = now()
                    FROM sums WHERE v.venue = sums.venue AND v.year = sums.year
                    RETURNING v.venue, v.year)
        INSERT INTO papers_venueyear AS v
            (venue, year, paper_count, public_summary_count, changed_at)
        SELECT venue, year, papers, summaries, now() FROM sums
        WHERE NOT EXISTS (SELECT FROM updated
                          WHERE updated.venue = sums.venue AND updated.year = sums.year)
        ON CONFLICT (venue, year) DO UPDATE
        SET paper_count = v.paper_count + EXCLUDED.paper_count,
            public_summary_count = v.public_summary_count + EXCLUDED.public_summary_count,
            changed_at = EXCLUDED.changed_at;
"""
_PAPERS_IN = (
    "SELECT venue, COALESCE(year, 0) AS year, 1 AS papers, public_summary_count AS summaries "
    "FROM new_rows WHERE " + LISTED.format(row="new_rows")
)
_PAPERS_OUT = (
    "SELECT venue, COALESCE(year, 0) AS year, -1 AS papers, -public_summary_count AS summaries "
    "FROM old_rows WHERE " + LISTED.format(row="old_rows")
)


def _statement_function(name, step, rows_in, rows_out):
    """A function for the INSERT, UPDATE and DELETE triggers of one step: `changes`
    holds the statement's rows as they count, going in (+) and out (-); `step` follows
    it, as a statement or as more of the WITH."""
    return f"""
CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        WITH changes AS ({rows_in}) {step.strip()}
    ELSIF TG_OP = 'DELETE' THEN
        WITH changes AS ({rows_out}) {step.strip()}
    ELSE
        WITH changes AS ({rows_in} UNION ALL {rows_out}) {step.strip()}
    END IF;
    RETURN NULL;
END
$$;
"""


def _statement_triggers(name, table):
    # A trigger with transition tables has one event and no column list.
    return [
        f"""CREATE TRIGGER {name}_{event.lower()} AFTER {event} ON {table}
        REFERENCING {tables} FOR EACH STATEMENT EXECUTE FUNCTION {name}()"""
        for event, tables in (
            ("INSERT", "NEW TABLE AS new_rows"),
            ("UPDATE", "OLD TABLE AS old_rows NEW TABLE AS new_rows"),
            ("DELETE", "OLD TABLE AS old_rows"),
        )
    ]


POSTGRESQL = [
    _statement_function(
        "papers_public_summary_count", _ADD_TO_PAPERS, _SUMMARIES_IN, _SUMMARIES_OUT
    ),
    *_statement_triggers("papers_public_summary_count", "summaries_summary"),
    _statement_function("papers_venue_year", _ADD_TO_VENUE_YEARS, _PAPERS_IN, _PAPERS_OUT),
    *_statement_triggers("papers_venue_year", "papers_paper"),
]
POSTGRESQL_DROP = [
    *(
        f"DROP TRIGGER {name}_{event} ON {table}"
        for name, table in (
            ("papers_public_summary_count", "summaries_summary"),
            ("papers_venue_year", "papers_paper"),
        )
        for event in ("insert", "update", "delete")
    ),
    "DROP FUNCTION papers_public_summary_count()",
    "DROP FUNCTION papers_venue_year()",
]


# The time as Django stores it in SQLite (UTC, microseconds as the digits after the point).
SQLITE_NOW = "strftime('%Y-%m-%d %H:%M:%f', 'now')"


def _summary_counts(row, sign):
    return f"""UPDATE papers_paper SET public_summary_count = public_summary_count {sign} 1
        WHERE id = {row}.paper_id AND {PUBLIC.format(row=row)};"""


def _venue_year_out(row):
    return f"""UPDATE papers_venueyear
        SET paper_count = paper_count - 1,
            public_summary_count = public_summary_count - {row}.public_summary_count,
            changed_at = {SQLITE_NOW}
        WHERE venue = {row}.venue AND year = COALESCE({row}.year, 0)
            AND {LISTED.format(row=row)};"""


def _venue_year_in(row):
    # The WHERE before ON CONFLICT is what lets SQLite parse an upsert from a SELECT.
    return f"""INSERT INTO papers_venueyear
            (venue, year, paper_count, public_summary_count, changed_at)
        SELECT {row}.venue, COALESCE({row}.year, 0), 1, {row}.public_summary_count, {SQLITE_NOW}
        WHERE {LISTED.format(row=row)}
        ON CONFLICT (venue, year) DO UPDATE
        SET paper_count = paper_count + 1,
            public_summary_count = public_summary_count + excluded.public_summary_count,
            changed_at = excluded.changed_at;"""


SUMMARY_CHANGED = (
    "OLD.paper_id IS NOT NEW.paper_id OR OLD.is_private IS NOT NEW.is_private "
    "OR OLD.is_hidden IS NOT NEW.is_hidden"
)
PAPER_CHANGED = (
    "OLD.venue IS NOT NEW.venue OR OLD.year IS NOT NEW.year "
    "OR OLD.public_summary_count IS NOT NEW.public_summary_count"
)

SQLITE = [
    f"""CREATE TRIGGER papers_public_summary_count_insert AFTER INSERT ON summaries_summary
    BEGIN {_summary_counts("NEW", "+")} END""",
    f"""CREATE TRIGGER papers_public_summary_count_delete AFTER DELETE ON summaries_summary
    BEGIN {_summary_counts("OLD", "-")} END""",
    f"""CREATE TRIGGER papers_public_summary_count_update
    AFTER UPDATE OF paper_id, is_private, is_hidden ON summaries_summary
    WHEN {SUMMARY_CHANGED}
    BEGIN {_summary_counts("OLD", "-")} {_summary_counts("NEW", "+")} END""",
    f"""CREATE TRIGGER papers_venue_year_insert AFTER INSERT ON papers_paper
    BEGIN {_venue_year_in("NEW")} END""",
    f"""CREATE TRIGGER papers_venue_year_delete AFTER DELETE ON papers_paper
    BEGIN {_venue_year_out("OLD")} END""",
    f"""CREATE TRIGGER papers_venue_year_update
    AFTER UPDATE OF venue, year, public_summary_count ON papers_paper
    WHEN {PAPER_CHANGED}
    BEGIN {_venue_year_out("OLD")} {_venue_year_in("NEW")} END""",
]
SQLITE_DROP = [
    f"DROP TRIGGER {name}_{event}"
    for name in ("papers_public_summary_count", "papers_venue_year")
    for event in ("insert", "update", "delete")
]

# The papers' counts as they are; the papers' triggers fill the venue years from them,
# which are then dated by their newest public summary rather than by the migration.
FILL = [
    f"""
UPDATE papers_paper SET public_summary_count = counted.n
FROM (SELECT paper_id, COUNT(*) AS n FROM summaries_summary s WHERE {PUBLIC.format(row="s")}
      GROUP BY paper_id) AS counted
WHERE papers_paper.id = counted.paper_id
""",
    f"""
UPDATE papers_venueyear SET changed_at = newest.at
FROM (SELECT p.venue, COALESCE(p.year, 0) AS year, MAX(COALESCE(s.edited_at, s.created_at)) AS at
      FROM summaries_summary s JOIN papers_paper p ON p.id = s.paper_id
      WHERE {PUBLIC.format(row="s")} GROUP BY p.venue, COALESCE(p.year, 0)) AS newest
WHERE papers_venueyear.venue = newest.venue AND papers_venueyear.year = newest.year
""",
]


def create_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        statements = POSTGRESQL
    elif vendor == "sqlite":
        statements = SQLITE
    else:
        raise NotImplementedError(f"kept venue counts for {vendor}")
    for statement in [*statements, *FILL]:
        schema_editor.execute(statement)


def drop_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for statement in POSTGRESQL_DROP if vendor == "postgresql" else SQLITE_DROP:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("papers", "0015_normalized_title_index_in_id_order"),
        ("summaries", "0012_summary_comment_count"),
    ]

    operations = [
        migrations.CreateModel(
            name="VenueYear",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("venue", models.CharField(editable=False, max_length=200)),
                ("year", models.PositiveSmallIntegerField(editable=False)),
                ("paper_count", models.PositiveIntegerField(default=0, editable=False)),
                ("public_summary_count", models.PositiveIntegerField(default=0, editable=False)),
                ("changed_at", models.DateTimeField(editable=False, null=True)),
            ],
        ),
        migrations.AddConstraint(
            model_name="venueyear",
            constraint=models.UniqueConstraint(fields=("venue", "year"), name="venue_year_unique"),
        ),
        migrations.AddField(
            model_name="paper",
            name="public_summary_count",
            field=models.PositiveIntegerField(db_default=0, default=0, editable=False),
        ),
        migrations.RunPython(create_triggers, drop_triggers),
        migrations.AddIndex(
            model_name="paper",
            index=models.Index(
                django.db.models.functions.text.Upper("venue"),
                models.F("year"),
                models.OrderBy(models.F("public_summary_count"), descending=True),
                models.OrderBy(models.F("id"), descending=True),
                condition=models.Q(("public_summary_count__gt", 0)),
                name="paper_venue_year_top_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="paper",
            index=models.Index(
                django.db.models.functions.text.Upper("venue"),
                models.OrderBy(
                    django.db.models.functions.comparison.Coalesce("year", 0), descending=True
                ),
                models.OrderBy(models.F("id"), descending=True),
                condition=models.Q(("public_summary_count__gt", 0)),
                name="paper_venue_recent_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="venueyear",
            index=models.Index(
                django.db.models.functions.text.Upper("venue"), name="venue_year_venue_idx"
            ),
        ),
    ]
