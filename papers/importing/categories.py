"""The topics of imported papers, from the arXiv categories their records carry (the arXiv
metadata snapshot's "categories": "cs.LG stat.ML"), as a paper added from arXiv by hand
gets them (topics.services.attach_categories).

A category is a topic's slug. The topics are read once in a run, with the first batch
that has categories (DBLP and BibTeX records have none, and never read them): a few dozen
curated rows, against the batch's thousands of records. A category no topic has is
skipped and counted in the tally, by name, for the report.

Then, whatever the batch's size, one statement reads the links the batch's papers here
already have, and one writes those missing; the papers the batch creates have none, so a
first import only writes and a second only reads. Reading first costs less than letting
the insert find each link there (measured, 28,000 links there: 0.03 to 0.06 s of server
time for the reads, 0.14 s for the inserts finding them). The unique constraint on
(topic, paper) still decides, should another writer add a link in between: a second run
of the same file adds nothing. (A topic a moderator took off a paper comes back if a
file listing it is imported again, as a field the import sets does.)

When the importer writes new papers with COPY, their links go with COPY too, in a
statement of their own: no other writer can have linked a paper this transaction has
just made, so there is nothing to skip, and COPY took 0.35 s of server time for 28,000
links where the insert took 0.50 (the foreign keys' checks included in both).
"""

import json
from collections import Counter

from django.db import connections
from django.db.models import F

from shortscience import fragments
from shortscience.dbfunctions import among
from shortscience.pgcopy import copy_rows
from topics.models import MAX_PAPER_TOPICS, Topic

from ..models import Paper
from .matching import Here

PaperTopic = Topic.papers.through
_COLUMNS = ["paper_id", "topic_id"]  # a link's id comes from its column's default


class Categories:
    """Gives the papers of each batch the topics of their records' categories.

    What a batch wrote is counted in `tally` (the links written, the categories no topic
    has) by `count()`, once its transaction is through: a batch whose transaction fails
    is written again one paper at a time, and its first attempt must not count.
    """

    def __init__(self, db, tally):
        self.db = db
        self.tally = tally
        self.topic_ids = None  # {slug: id}, read with the first batch that needs it
        self.uncounted = (0, Counter())

    def attach(self, placed, created_from, copy=False):
        """`placed`: (record, target) pairs (matching.Sorted.placed); `created_from`:
        {id(record): paper id} of the batch's new papers; `copy`: write the new papers'
        links with COPY (PostgreSQL). At most three queries: the links of the papers
        here, the links missing, with COPY the new papers' links; none when no record
        has categories (and, once a run, the topics' query)."""
        self.uncounted = (0, Counter())
        wanted, here = [], set()
        for record, target in placed:
            if not record.categories:
                continue
            if isinstance(target, Here):
                pk = target.pk
                here.add(pk)
            elif (pk := created_from.get(id(target))) is None:
                continue  # not created: a probable duplicate
            wanted.append((pk, record.categories))
        if not wanted:
            return
        if self.topic_ids is None:
            self.topic_ids = dict(Topic.objects.using(self.db).values_list("slug", "id"))
        links, unknown = set(), Counter()
        for pk, categories in wanted:
            for slug in categories[:MAX_PAPER_TOPICS]:
                if (topic_id := self.topic_ids.get(slug)) is None:
                    unknown[slug] += 1
                else:
                    links.add((pk, topic_id))
        fresh = set()
        if copy:
            fresh = {link for link in links if link[0] not in here}
            links -= fresh
        if links and here:
            links.difference_update(
                PaperTopic.objects.using(self.db)
                .filter(among(self.db, F("paper_id"), here))
                .values_list("paper_id", "topic_id")
                .order_by()
            )
        linked = _insert(self.db, sorted(links)) if links else []
        if fresh:
            copy_rows(connections[self.db], PaperTopic._meta.db_table, _COLUMNS, sorted(fresh))
        self.uncounted = (len(linked) + len(fresh), unknown)
        # A paper here that gained a topic shows it on its page and on the cards of its
        # summaries; the batch's new papers have nothing cached yet.
        if stale := {pk for pk in linked if pk in here}:
            fragments.invalidate(fragments.LISTINGS, *map(fragments.paper_scope, stale))

    def count(self):
        """Count what the last `attach()` wrote, its transaction being through."""
        attached, unknown = self.uncounted
        self.tally.topics_attached += attached
        self.tally.categories_unknown.update(unknown)
        self.uncounted = (0, Counter())


def _insert(db, links):
    """Write the (paper id, topic id) links that are not there yet; the paper ids of
    those written, one per link. One statement: on PostgreSQL the pairs go as two
    arrays, on SQLite as one JSON text (one parameter a value would pass SQLite's
    limit of 32,766 parameters with a batch's thousands of links). A topic or paper
    deleted since it was read is left out rather than failing the batch's foreign keys
    at commit."""
    connection = connections[db]
    table = PaperTopic._meta.db_table
    exists = (
        f"EXISTS (SELECT 1 FROM {Topic._meta.db_table} t WHERE t.id = c.topic_id) "
        f"AND EXISTS (SELECT 1 FROM {Paper._meta.db_table} p WHERE p.id = c.paper_id)"
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"INSERT INTO {table} (paper_id, topic_id) SELECT c.paper_id, c.topic_id "
                "FROM unnest(%s::bigint[], %s::bigint[]) AS c(paper_id, topic_id) "
                f"WHERE {exists} ON CONFLICT DO NOTHING RETURNING paper_id",
                [[pk for pk, _ in links], [topic for _, topic in links]],
            )
        else:
            cursor.execute(
                f"INSERT OR IGNORE INTO {table} (paper_id, topic_id) "
                "SELECT c.paper_id, c.topic_id FROM (SELECT json_extract(value, '$[0]') "
                "AS paper_id, json_extract(value, '$[1]') AS topic_id FROM json_each(%s)) c "
                f"WHERE {exists} RETURNING paper_id",
                [json.dumps(links)],
            )
        return [pk for (pk,) in cursor.fetchall()]
