"""Sorting a batch: which records are papers here, other names of papers here, probable
duplicates of papers here, conflicts, or new papers.

A constant number of queries a batch, whatever its size (none of them per record): one
finds the batch's keys among papers' keys, one among aliases; one per identifier finds
the papers that have the records' arXiv ids and DOIs; one finds the papers sharing a
normalised title with the new records. Each is a lookup of the batch's values in a
unique or plain B-tree index.

The rules (papers.duplicates says them for a paper added by hand):

- A record under a paper's key updates it. One under another key of a paper (an
  alias: an old key, a preprint's key) only fills in what the paper lacks: the paper's
  own key has the last word, and two sources naming one paper (the BibTeX entry and
  the arXiv record) would otherwise overwrite each other on every run.
- A record under a new key whose arXiv id or DOI is a paper's, here or earlier in the
  batch, is that paper: its key becomes an alias of it, and it fills in what the
  paper lacks. Identifiers naming two different papers are a conflict, rejected.
- A new record with a paper's normalised title, first author's surname and a year at
  most one apart (`duplicates.alike`), here or earlier in the batch, is a
  probable duplicate: not created but reported, unless the import allows similar
  papers. It is a likeness, not a proof, for someone to look at.
"""

import functools
from dataclasses import dataclass, field

from django.db import connections
from django.db.models import F, Window
from django.db.models.functions import Lower, RowNumber

from shortscience.dbfunctions import among

from ..duplicates import MAX_CANDIDATES, alike, first_surname, normalize_title
from ..models import Paper, PaperAlias
from .records import FIELDS, IDENTIFIERS, Rejected


@dataclass(slots=True)
class Here:
    """A paper the site has: its id, key and stored fields; `via_alias` when a record
    named it by one of its other keys."""

    pk: int
    key: str
    stored: dict
    via_alias: bool = False


@dataclass(slots=True)
class Update:
    """The changes the batch makes to one paper, whichever records made them."""

    here: Here
    changes: dict = field(default_factory=dict)
    records: list = field(default_factory=list)  # the records that changed something
    # How many of them count as updating it: one naming it by a new key counts as
    # merged instead.
    counted: int = 0


@dataclass(slots=True)
class Similar:
    """A record not created: it looks like the paper under `existing_key`."""

    file: str
    line: int
    key: str
    title: str
    existing_key: str

    def __str__(self):
        return f"{self.file}:{self.line}: {self.key} “{self.title}” looks like {self.existing_key}"


@dataclass
class Sorted:
    new: list = field(default_factory=list)  # records to create
    updates: dict = field(default_factory=dict)  # {pk: Update}
    # (record, target): the record's key becomes an alias of `target`, a paper here
    # (a Here) or the paper the batch creates from a record.
    aliases: list = field(default_factory=list)
    unchanged: int = 0
    rejected: list = field(default_factory=list)
    similar: list = field(default_factory=list)
    # (record, target): every record not rejected, and the paper it is about: a Here,
    # or the record a new paper is made from (which may then not be created, being a
    # probable duplicate). What is kept beside a paper's fields, such as the topics of
    # its arXiv categories, goes there (importing.categories).
    placed: list = field(default_factory=list)

    def change(self, here, record, *, counted=True):
        """What `record` changes of `here`: every field that differs, or, named by
        another key, only the empty ones."""
        update = self.updates.get(here.pk)
        stored = here.stored
        if here.via_alias:
            made = update.changes if update else {}
            changes = {
                name: value
                for name, value in record.fields.items()
                if not stored[name] and name not in made
            }
        else:
            changes = {
                name: value for name, value in record.fields.items() if stored[name] != value
            }
        if not changes:
            self.unchanged += counted
            return
        if update is None:
            update = self.updates[here.pk] = Update(here)
        update.changes.update(changes)
        update.records.append(record)
        update.counted += counted


def sort(records, db, *, allow_similar=False):
    """Sort a batch of cleaned records with distinct keys (see `reader.Reader`)."""
    result = Sorted()
    keyed = [(record.key.lower(), record) for record in records]
    existing = _existing(db, [key for key, _ in keyed])
    owners = _owners(db, keyed, existing)
    # (identifier, lowered value): the paper in the batch that has it, a Here or the
    # new record it will be made from.
    claimed = {}
    for key, record in keyed:
        fields = record.fields
        values = [
            (name, label, value, value.lower())
            for name, label in _LABELS
            if (value := fields.get(name))
        ]
        here = existing.get(key)
        if here is not None and all(here.stored[v[0]].lower() == v[3] for v in values):
            # The paper's own identifiers (a second run): no other paper has them, and a
            # record earlier in the batch with one of them was merged into this one.
            result.change(here, record)
            result.placed.append((record, here))
            for name, _, _, lowered in values:
                claimed.setdefault((name, lowered), here)
            continue
        # Whose each identifier is: a paper here, or one claimed earlier in the batch.
        targets = {}
        for name, label, value, lowered in values:
            owner = owners[name].get(lowered)
            target = claimed.get((name, lowered), owner)
            if target is not None:
                targets.setdefault(_identity(target), []).append((label, value, target))
        if here is not None:
            targets.pop(here.pk, None)
        if here is not None and targets or len(targets) > 1:
            result.rejected.append(_conflict(record, targets.values()))
            continue
        if here is None and targets:
            ((_, _, target), *_) = next(iter(targets.values()))
            result.aliases.append((record, target))
            if isinstance(target, Here):
                result.change(target, record, counted=False)
            else:
                _fill(target, record, claimed)
            here = target
        elif here is None:
            result.new.append(record)
            here = record
        else:
            result.change(here, record)
        result.placed.append((record, here))
        for name, _, _, lowered in values:
            claimed.setdefault((name, lowered), here)
    if not allow_similar:
        result.new, looks_like = _without_similar(db, result.new, result.similar)
        if looks_like:
            # A record naming, by its arXiv id or DOI, a record not created is not
            # created either: it looks like the same paper.
            aliases, result.aliases = result.aliases, []
            for record, target in aliases:
                if (existing_key := looks_like.get(id(target))) is None:
                    result.aliases.append((record, target))
                else:
                    result.similar.append(_similar(record, existing_key))
    return result


# (identifier, label) of the identifiers a record may have.
_LABELS = [(name, label) for name, _, label in IDENTIFIERS]


def _identity(target):
    return target.pk if isinstance(target, Here) else id(target)


def _conflict(record, claims):
    parts = []
    for (label, value, target), *_ in claims:
        if isinstance(target, Here):
            parts.append(f"{label} {value} belongs to another paper, {target.key}")
        else:
            parts.append(f"{label} {value} also at line {target.line} of {target.file}")
    return Rejected(record.file, record.line, f"{record.key}: {'; '.join(parts)}")


def _fill(target, record, claimed):
    """A record naming a paper the batch creates: it fills in what that one lacks, an
    identifier only when no other paper has it."""
    identifiers = {name for name, _, _ in IDENTIFIERS}
    for name, value in record.fields.items():
        if name in target.fields:
            continue
        if name in identifiers and (name, value.lower()) in claimed:
            continue
        target.fields[name] = value


def _similar(record, existing_key):
    return Similar(record.file, record.line, record.key, record.fields["title"], existing_key)


def _without_similar(db, new, similar):
    """`new` without the probable duplicates, which go to `similar`, and {id(record):
    key of the paper it looks like} of those. One query for the papers here under the
    new records' normalised titles (`_papers_titled`)."""
    likeness = []
    for record in new:
        record.normalized_title = normalize_title(record.fields["title"])
        surname = _first_surname(record.fields.get("authors", "").split(",", 1)[0])
        likeness.append((record, record.normalized_title, surname))
    titles = {title for _, title, surname in likeness if title and surname}
    candidates = {}
    # In id order, as papers.duplicates.similar_paper looks at them.
    for title, _, key, authors, year in sorted(_papers_titled(db, titles), key=_by_id):
        surname = _first_surname(authors.split(",", 1)[0])
        candidates.setdefault(title, []).append((key, surname, year))
    kept, looks_like = [], {}
    for record, title, surname in likeness:
        year = record.fields.get("year")
        here = candidates.get(title, ()) if surname else ()
        match = next((key for key, *other in here if alike(surname, year, *other)), None)
        if match is None:
            kept.append(record)
            if title and surname:
                # A later record of the batch like this one is its duplicate.
                candidates.setdefault(title, []).append((record.key, surname, year))
            continue
        similar.append(_similar(record, match))
        looks_like[id(record)] = match
    return kept, looks_like


def _by_id(row):
    return row[1]


def _papers_titled(db, titles):
    """[(normalised title, id, key, authors, year)] of the papers under these titles,
    at most MAX_CANDIDATES a title (titles like "Introduction" are shared by
    thousands). One query."""
    if not titles:
        return []
    connection = connections[db]
    if connection.vendor == "postgresql":
        # One probe of the index a title, each stopping at MAX_CANDIDATES rows, the
        # first in id order (paper_normalized_title_idx holds them in that order). The
        # window function below was planned on PostgreSQL as a walk through the whole
        # index in title order: measured, 50 ms a batch of 2,000 titles among 100,000
        # papers, against 2 ms for this.
        with connection.cursor() as cursor:
            cursor.execute(_TITLED_SQL, [list(titles), MAX_CANDIDATES])
            return cursor.fetchall()
    return list(
        Paper.objects.using(db)
        .filter(among(db, F("normalized_title"), titles))
        .annotate(
            rank=Window(RowNumber(), partition_by=F("normalized_title"), order_by=F("pk").asc())
        )
        .filter(rank__lte=MAX_CANDIDATES)
        .values_list("normalized_title", "pk", "bibtex_key", "authors", "year")
        .order_by()
    )


_TITLED_SQL = (
    "SELECT t.title, p.id, p.bibtex_key, p.authors, p.year FROM unnest(%s::text[]) AS t(title) "
    f"CROSS JOIN LATERAL (SELECT id, bibtex_key, authors, year FROM {Paper._meta.db_table} "
    "WHERE normalized_title = t.title ORDER BY id LIMIT %s) AS p"
)


@functools.lru_cache(maxsize=1 << 16)
def _first_surname(first_author):
    # Remembered: authors write many papers, and an import meets the same first
    # authors again and again (a few microseconds each time otherwise).
    return first_surname([first_author])


def _existing(db, keys):
    """{lowercased key: Here} of the papers here under these keys: canonical keys,
    then aliases. Rows, not model instances: most are only compared."""
    rows = (
        Paper.objects.using(db)
        .annotate(key_lower=Lower("bibtex_key"))
        .filter(among(db, Lower("bibtex_key"), keys))
        .values_list("key_lower", "pk", "bibtex_key", *FIELDS)
        .order_by()
    )
    found = {row[0]: Here(row[1], row[2], dict(zip(FIELDS, row[3:], strict=True))) for row in rows}
    missing = [key for key in keys if key not in found]
    if missing:
        aliases = (
            PaperAlias.objects.using(db)
            .annotate(key_lower=Lower("key"))
            .filter(among(db, Lower("key"), missing))
            .values_list(
                "key_lower", "paper_id", "paper__bibtex_key", *(f"paper__{name}" for name in FIELDS)
            )
            .order_by()
        )
        found.update(
            (row[0], Here(row[1], row[2], dict(zip(FIELDS, row[3:], strict=True)), True))
            for row in aliases
        )
    return found


def _owners(db, keyed, existing):
    """{identifier: {lowered value: Here}}: the papers here having the batch's arXiv
    ids and DOIs. Only the identifiers a paper does not have yet are looked up: one it
    has is its own, being unique, so a second run looks up none."""
    wanted = {name: set() for name, _, _ in IDENTIFIERS}
    for key, record in keyed:
        here = existing.get(key)
        for name in wanted:
            if value := record.fields.get(name):
                lowered = value.lower()
                if here is None or here.stored[name].lower() != lowered:
                    wanted[name].add(lowered)
    owners = {name: {} for name in wanted}
    for name, values in wanted.items():
        if values:
            rows = (
                Paper.objects.using(db)
                # The unique index on the lowercased identifier leaves out empty ones; a
                # query must say so too, or it reads the whole table.
                .exclude(**{name: ""})
                .annotate(value_lower=Lower(name))
                .filter(among(db, Lower(name), values))
                .values_list("value_lower", "pk", "bibtex_key", *FIELDS)
                .order_by()
            )
            owners[name] = {
                row[0]: Here(row[1], row[2], dict(zip(FIELDS, row[3:], strict=True)), True)
                for row in rows
            }
    return owners
