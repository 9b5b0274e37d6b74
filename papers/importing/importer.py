"""Writing the batches: one transaction each, sorted by `matching`, new papers with COPY or
bulk_create, their new aliases with bulk_create, changes with bulk_update."""

import gc

from django.db import DataError, IntegrityError, connections, router, transaction
from django.utils import timezone

from markup.render import RENDERER_VERSION, render_title
from shortscience.pgcopy import copy_rows

from .. import history
from ..duplicates import normalize_title
from ..models import Paper, PaperAlias, PaperRevision
from ..signals import names_added, papers_imported
from ..venues import VenueMap
from . import matching
from .categories import Categories
from .reader import Reader
from .records import Rejected, Tally

BATCH_SIZE = 2000


class Importer:
    """Upserts records a batch at a time; `tally` says what happened to each.

    `copy`: write new papers and their search documents with COPY, which is the default
    on PostgreSQL; otherwise (and on other databases) with bulk_create.
    `index`: False leaves the search documents to the caller (`manage.py reindex`);
    either way the writes are announced with `papers.signals.papers_imported`.
    `allow_similar`: create the records that look like a paper here (by title, first
    author and year, see `matching`) rather than report them; `on_similar` is called
    with each one reported (a matching.Similar).
    """

    def __init__(
        self,
        batch_size=BATCH_SIZE,
        index=True,
        on_batch=None,
        copy=None,
        allow_similar=False,
        on_similar=None,
    ):
        self.batch_size = batch_size
        self.index = index
        self.on_batch = on_batch
        self.allow_similar = allow_similar
        self.on_similar = on_similar
        self.tally = Tally()
        self.db = router.db_for_write(Paper)
        self.categories = Categories(self.db, self.tally)
        vendor = connections[self.db].vendor
        self.copy = vendor == "postgresql" if copy is None else copy
        if self.copy and vendor != "postgresql":
            raise ValueError("COPY needs PostgreSQL")

    def run(self, records):
        # The venue table read once for the whole run: each record's venue is then a
        # dict lookup (on the reading thread), not a query.
        venues = VenueMap(using=self.db)
        reader = Reader(records, self.batch_size, venue_name=venues.canonical)
        thresholds = gc.get_threshold()
        # An import makes millions of short-lived objects and no reference cycles; at the
        # default thresholds the collector took about a sixth of its Python time.
        gc.set_threshold(50_000, 20, 20)
        reader.start()
        try:
            while (batch := reader.get()) is not None:
                self.tally.skipped += batch.skipped
                self.tally.shortened += batch.shortened
                self.tally.rejected.extend(batch.rejected)
                if batch.records:
                    self.import_batch(batch.records)
                if self.on_batch:
                    self.on_batch(batch.read)
        finally:
            reader.stop()
            gc.set_threshold(*thresholds)
        return self.tally

    def import_batch(self, records):
        """Store a batch of cleaned records with distinct keys (see `reader.Reader`)."""
        batch = None
        try:
            with transaction.atomic(using=self.db):
                self._prefer_index_scans()
                batch = matching.sort(records, self.db, allow_similar=self.allow_similar)
                self._write(batch)
        except (IntegrityError, DataError):
            if batch is None:
                raise
            self._tally_sorted(batch)
            # A constraint the checks above did not foresee (a concurrent writer, two
            # papers swapping a DOI): one record at a time finds the culprit.
            self._write_one_by_one(batch)
        else:
            self._tally_sorted(batch)
            self.tally.created += len(batch.new)
            self.tally.merged += len(batch.aliases)
            self.tally.updated += sum(update.counted for update in batch.updates.values())
            self.categories.count()

    def _tally_sorted(self, batch):
        self.tally.unchanged += batch.unchanged
        self.tally.rejected.extend(batch.rejected)
        for similar in batch.similar:
            self.tally.add_similar(similar)
            if self.on_similar:
                self.on_similar(similar)

    def _prefer_index_scans(self):
        connection = connections[self.db]
        if connection.vendor == "postgresql":
            # The lookups of `matching` probe indexes for a few thousand values each.
            # For a table the import is filling, statistics lag behind or are missing,
            # and the planner then reads the whole table per lookup instead: measured,
            # ten times slower at 50,000 papers, and growing with the table.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL enable_seqscan = off")

    def _write(self, batch):
        if self.copy:
            created = self._copy_papers(batch.new)
        else:
            created = Paper.objects.using(self.db).bulk_create(
                [_new_paper(record) for record in batch.new]
            )
        created_from = {
            id(record): paper.pk for record, paper in zip(batch.new, created, strict=True)
        }
        aliases = PaperAlias.objects.using(self.db).bulk_create(
            [
                PaperAlias(paper_id=_target_pk(target, created_from), key=record.key)
                for record, target in batch.aliases
            ]
        )
        self.categories.attach(batch.placed, created_from, copy=self.copy)
        updated = self._update(batch.updates.values())
        if created or updated:
            # No post_save for COPY and bulk writes: their search documents and the
            # cached pages showing them follow this (search.receivers, summaries.receivers).
            papers_imported.send(sender=Paper, created=created, updated=updated, reindex=self.index)
        if created or aliases:
            # bulk_create and COPY send no post_save.
            names_added.send(sender=Paper, papers=created, aliases=aliases)

    def _copy_papers(self, records):
        """Insert new papers with COPY; their ids are taken from the table's sequence
        first, so that their search documents can name them. Returns them as Paper
        instances (for names_added), which bulk_create would have built."""
        if not records:
            return []
        connection = connections[self.db]
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [Paper._meta.db_table, Paper._meta.pk.column, len(records)],
            )
            ids = [pk for (pk,) in cursor.fetchall()]
        now = timezone.now()
        # The time formatted once for COPY, rather than by str() on every row.
        stamp, created_at = now.isoformat(), _ATTNAMES.index("created_at")
        papers = []

        def rows():
            # Made while COPY sends them, so the server stores the first rows of the
            # batch while the later ones are made.
            for pk, record in zip(ids, records, strict=True):
                values = {**_DEFAULTS, **record.fields, "id": pk, "bibtex_key": record.key}
                values["created_at"] = now
                values["normalized_title"] = record.normalized_title or normalize_title(
                    values["title"]
                )
                if record.fields.get("abstract"):
                    values.update(Paper(abstract=record.fields["abstract"]).rendered_fields())
                # "" without a dollar sign or backslash, which is nearly every title.
                values["title_html"] = render_title(values["title"])
                row = [values[name] for name in _ATTNAMES]
                papers.append(Paper(*row))  # positional: half the cost of keywords
                row[created_at] = stamp
                yield row

        copy_rows(connection, Paper._meta.db_table, _COLUMNS, rows())
        return papers

    def _update(self, updates):
        """Write the changes (matching.Update); returns [(paper, changes)]."""
        changed = [(update.here.pk, update.changes) for update in updates if update.changes]
        if not changed:
            return []
        papers = Paper.objects.using(self.db).in_bulk([pk for pk, _ in changed])
        updated, fields, revisions = [], set(), []
        for pk, changes in changed:
            paper = papers.get(pk)
            if paper is None:
                raise IntegrityError(f"paper {pk} was deleted during the import")
            # The paper's history (papers.history) keeps what the import replaced.
            before = history.snapshot(paper, fields=changes.keys())
            revisions.append(
                PaperRevision(
                    paper=paper,
                    changes=history.changes_between(before, changes),
                    source=PaperRevision.Source.IMPORT,
                )
            )
            for name, value in changes.items():
                setattr(paper, name, value)
            # bulk_update does not call save(), which keeps these columns: the HTML of
            # what changed (shortscience.rendered) and the normalized title.
            fields.update(paper.render_for_save(changes))
            if "title" in changes:
                paper.normalized_title = normalize_title(paper.title)
                fields.add("normalized_title")
            updated.append((paper, changes))
        Paper.objects.using(self.db).bulk_update([paper for paper, _ in updated], sorted(fields))
        PaperRevision.objects.using(self.db).bulk_create(
            [revision for revision in revisions if revision.changes]
        )
        return updated

    def _write_one_by_one(self, batch):
        # save() sends post_save, whose receivers index the paper and refresh what
        # shows it, as for a paper added by hand.
        created_from = {}
        for record in batch.new:
            paper = _new_paper(record)
            if self._write_single(record, lambda paper=paper: paper.save(force_insert=True)):
                self.tally.created += 1
                created_from[id(record)] = paper.pk
        for record, target in batch.aliases:
            pk = _target_pk(target, created_from)

            def add_alias(pk=pk, key=record.key):
                if pk is None:
                    raise IntegrityError("the paper it names was not saved")
                PaperAlias.objects.using(self.db).create(paper_id=pk, key=key)

            if self._write_single(record, add_alias):
                self.tally.merged += 1
        for update in batch.updates.values():
            if not update.changes:
                continue

            def write(pk=update.here.pk, changes=update.changes):
                paper = Paper.objects.using(self.db).filter(pk=pk).first()
                if paper is None:
                    raise IntegrityError("the paper was deleted during the import")
                before = history.snapshot(paper, fields=changes.keys())
                for name, value in changes.items():
                    setattr(paper, name, value)
                paper.save(update_fields=list(changes))
                history.record(paper, before, source=PaperRevision.Source.IMPORT)

            if self._write_single(update.records[0], write):
                self.tally.updated += update.counted
        # The topics of the papers written above and of those already here.
        self.categories.attach(batch.placed, created_from)
        self.categories.count()

    def _write_single(self, record, write):
        try:
            with transaction.atomic(using=self.db):
                write()
        except (IntegrityError, DataError) as error:
            reason = str(error).splitlines()[0] if str(error) else type(error).__name__
            self.tally.rejected.append(
                Rejected(record.file, record.line, f"{record.key}: not saved: {reason}")
            )
            return False
        return True


# What COPY writes for each new paper: every column, the model's defaults where the
# record has no value.
_CONCRETE_FIELDS = Paper._meta.concrete_fields
_ATTNAMES = [f.attname for f in _CONCRETE_FIELDS]
_COLUMNS = [f.column for f in _CONCRETE_FIELDS]
_DEFAULTS = {f.attname: f.get_default() for f in _CONCRETE_FIELDS}
_DEFAULTS["renderer_version"] = RENDERER_VERSION


def _target_pk(target, created_from):
    """The id of the paper an alias names: one here, or one the batch created (None if
    it was not)."""
    return target.pk if isinstance(target, matching.Here) else created_from.get(id(target))


def _new_paper(record):
    paper = Paper(bibtex_key=record.key, **record.fields)
    # bulk_create does not call save(), which keeps these columns.
    paper.normalized_title = record.normalized_title or normalize_title(paper.title)
    paper.title_html = render_title(paper.title)
    if paper.abstract:
        for name, value in paper.rendered_fields().items():
            setattr(paper, name, value)
    else:
        paper.renderer_version = RENDERER_VERSION
    return paper
