"""The kept counts' triggers (0016) on PostgreSQL lock the rows they change in one order.

A statement's trigger updated the papers it changed, and then the venue years, in the
order its plan happened to read them. Two statements changing some of the same rows
at once could each lock one that the other wanted next, and PostgreSQL then aborted
one of them ("deadlock detected"): the benchmark's parallel inserts of summaries met
it, and so could two merges, imports or deleted accounts at once. Each step now locks
its rows first, papers by id and venue years by venue and year, and inserts new venue
years in that order too, so that two statements wanting the same rows queue for them.

SQLite writes one transaction at a time: its per-row triggers are left as they are.
"""

from importlib import import_module

from django.db import migrations

kept_counts = import_module("papers.migrations.0016_kept_venue_counts")

# `changes` (the statement's rows as they count, 0016) summed per paper, those papers
# locked in order of id, then updated. A locking CTE is materialized whatever plan
# the UPDATE gets, so each row is locked before it is updated, in that order.
_ADD_TO_PAPERS = """,
        sums AS (SELECT paper_id, SUM(n) AS n FROM changes GROUP BY paper_id
                 HAVING SUM(n) <> 0),
        locked AS MATERIALIZED (SELECT p.id, sums.n FROM papers_paper p
                                JOIN sums ON p.id = sums.paper_id
                                ORDER BY p.id FOR UPDATE OF p)
        UPDATE papers_paper p SET public_summary_count = p.public_summary_count + locked.n
        FROM locked WHERE p.id = locked.id;
"""

# As in 0016, an UPDATE of the venue years there are, then an INSERT of the others;
# both in order of venue and year.
_ADD_TO_VENUE_YEARS = """,
        sums AS (SELECT venue, year, SUM(papers) AS papers, SUM(summaries) AS summaries
                 FROM changes GROUP BY venue, year
                 HAVING SUM(papers) <> 0 OR SUM(summaries) <> 0),
        locked AS MATERIALIZED (SELECT v.id, sums.papers, sums.summaries
                                FROM papers_venueyear v
                                JOIN sums ON v.venue = sums.venue AND v.year = sums.year
                                ORDER BY v.venue, v.year FOR UPDATE OF v),
        updated AS (UPDATE papers_venueyear v
                    SET paper_count = v.paper_count + locked.papers,
                        public_summary_count = v.public_summary_count + locked.summaries,
                        changed_at = now()
                    FROM locked WHERE v.id = locked.id
                    RETURNING v.venue, v.year)
        INSERT INTO papers_venueyear AS v
            (venue, year, paper_count, public_summary_count, changed_at)
        SELECT venue, year, papers, summaries, now() FROM sums
        WHERE NOT EXISTS (SELECT FROM updated
                          WHERE updated.venue = sums.venue AND updated.year = sums.year)
        ORDER BY venue, year
        ON CONFLICT (venue, year) DO UPDATE
        SET paper_count = v.paper_count + EXCLUDED.paper_count,
            public_summary_count = v.public_summary_count + EXCLUDED.public_summary_count,
            changed_at = EXCLUDED.changed_at;
"""


def _functions(papers_step, venue_years_step):
    """The two trigger functions, replacing those there are."""
    return [
        kept_counts._statement_function(name, step, rows_in, rows_out).replace(
            "CREATE FUNCTION", "CREATE OR REPLACE FUNCTION", 1
        )
        for name, step, rows_in, rows_out in (
            (
                "papers_public_summary_count",
                papers_step,
                kept_counts._SUMMARIES_IN,
                kept_counts._SUMMARIES_OUT,
            ),
            (
                "papers_venue_year",
                venue_years_step,
                kept_counts._PAPERS_IN,
                kept_counts._PAPERS_OUT,
            ),
        )
    ]


POSTGRESQL = _functions(_ADD_TO_PAPERS, _ADD_TO_VENUE_YEARS)
POSTGRESQL_BEFORE = _functions(kept_counts._ADD_TO_PAPERS, kept_counts._ADD_TO_VENUE_YEARS)


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("papers", "0016_kept_venue_counts")]

    operations = [migrations.RunPython(_run(POSTGRESQL), _run(POSTGRESQL_BEFORE))]
