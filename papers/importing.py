"""Bulk import of papers from BibTeX, DBLP XML and arXiv metadata (JSON lines).

Each reader yields `Record`s (a paper's fields and the file line it starts on) or
`Rejected`s (a line that could not be read, and why), streaming: a DBLP dump is
several gigabytes, so no reader holds more than a piece of it. `Importer` reads,
cleans and batches records on one thread while it writes the previous batch on the
calling one (see `_Reader`). Each batch is one transaction: one query finds the
batch's papers already here, one per identifier checks that new arXiv ids and DOIs
name no other paper; new papers are inserted, with COPY on PostgreSQL and bulk_create
elsewhere, and only rows whose fields differ are written, with `bulk_update`, so a
second run of the same file writes nothing.

A record only sets the fields it has: DBLP has no abstracts, and importing it must not
erase the abstracts other sources gave. An author list or abstract too long for a paper
is shortened (the first authors whole, then "others"; the abstract at a word, with
"…") and counted in the tally, rather than refused: a collaboration's paper with
thousands of authors is a real paper. Duplicate keys within one batch are rejected
(the first wins); a key repeated in a later batch updates the paper again.
"""

import contextlib
import gc
import html.entities
import json
import queue
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path
from xml.parsers import expat

from django.db import DataError, IntegrityError, connections, router, transaction
from django.db.models import Lookup
from django.db.models.functions import Lower
from django.db.models.lookups import In
from django.utils import timezone

from markup.render import RENDERER_VERSION
from search import services as search
from shortscience import fragments
from shortscience.pgcopy import copy_rows

from . import identifiers
from .duplicates import normalize_title
from .keys import is_valid_key
from .models import Paper, PaperAlias, normalize_author_list
from .signals import names_added
from .sources import bibtex, dblp
from .sources.base import (
    author_name,
    fit_abstract,
    fit_authors_text,
    paragraphs,
    parse_year,
    squash,
)

BATCH_SIZE = 2000
# The fields an import may set; bibtex_key identifies the paper.
FIELDS = ("title", "authors", "venue", "year", "abstract", "url", "arxiv_id", "doi")
_MAX_LENGTHS = {
    name: Paper._meta.get_field(name).max_length
    for name in FIELDS
    if Paper._meta.get_field(name).max_length
}
# Fields shortened rather than refused when too long: a collaboration's author list
# keeps its first authors, an abstract its beginning (see sources.base).
_FITTERS = {"authors": fit_authors_text, "abstract": fit_abstract}
# DBLP records that are not papers: person pages, proceedings volumes, data sets.
DBLP_PAPER_TAGS = {
    "article",
    "inproceedings",
    "incollection",
    "book",
    "phdthesis",
    "mastersthesis",
}


@dataclass(slots=True)
class Record:
    file: str
    line: int
    key: str
    fields: dict
    # Whether clean() shortened its authors or abstract to fit.
    shortened: bool = False


@dataclass(slots=True)
class Rejected:
    file: str
    line: int
    reason: str

    def __str__(self):
        return f"{self.file}:{self.line}: {self.reason}"


@dataclass
class Tally:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    # Records read whose author list or abstract was too long and was shortened.
    shortened: int = 0
    rejected: list = field(default_factory=list)

    @property
    def read(self):
        return self.created + self.updated + self.unchanged + len(self.rejected)


def read_file(path):
    """The records of one file, by its extension."""
    suffix = Path(path).suffix.lower()
    if suffix == ".bib":
        return read_bibtex(path)
    if suffix == ".xml":
        return read_dblp(path)
    if suffix in (".jsonl", ".json"):
        return read_arxiv_jsonl(path)
    raise ValueError(f"{path}: unknown format (expected .bib, .xml, .jsonl or .json)")


# BibTeX ---------------------------------------------------------------------------


def read_bibtex(path):
    # BibTeX files are small (a bibliography, a DBLP export of one venue), and
    # bibtexparser reads a whole text at once; the records still come one by one.
    text = Path(path).read_text(encoding="utf-8")
    library = bibtex.bibtexparser.parse_string(
        text,
        append_middleware=[
            bibtex.middlewares.NormalizeFieldKeys(),
            bibtex.middlewares.LatexDecodingMiddleware(),
            bibtex.middlewares.SeparateCoAuthors(),
            bibtex.middlewares.SplitNameParts(),
        ],
    )
    name = str(path)
    blocks = [(entry.start_line, entry) for entry in library.entries]
    blocks += [(block.start_line, block) for block in library.failed_blocks]
    for start, block in sorted(blocks, key=lambda pair: pair[0]):
        line = start + 1  # bibtexparser counts from 0
        if not hasattr(block, "fields_dict"):
            yield Rejected(name, line, f"unreadable BibTeX: {block.error}")
            continue
        values = {key: value.value for key, value in block.fields_dict.items()}
        text_of = bibtex.field_text
        venue = next((v for f in bibtex.VENUE_FIELDS if (v := squash(text_of(values.get(f))))), "")
        yield Record(
            name,
            line,
            block.key.strip().removeprefix("DBLP:"),
            {
                "title": squash(text_of(values.get("title"))),
                "authors": ", ".join(
                    bibtex.author_names(values.get("author") or values.get("editor"))
                ),
                "venue": venue,
                "year": parse_year(text_of(values.get("year"))),
                "abstract": paragraphs(text_of(values.get("abstract"))),
                "url": squash(text_of(values.get("url"))),
                "arxiv_id": bibtex.entry_arxiv_id(values),
                "doi": text_of(values.get("doi")),
            },
        )


# DBLP XML -------------------------------------------------------------------------

# Bytes handed to expat at a time. Line numbers come from expat itself, so the file
# need not be split at line ends.
_CHUNK = 1 << 16
_DOCTYPE = b'<!DOCTYPE dblp SYSTEM "dblp.dtd">'
_has_doctype = re.compile(rb"(\xef\xbb\xbf)?\s*(<\?xml[^>]*\?>)?\s*<!DOCTYPE", re.IGNORECASE)
_before_root = re.compile(rb"(\xef\xbb\xbf)?(\s*<\?xml[^>]*\?>)?")


# The fields of a DBLP record the import reads; the others (pages, url, crossref, …)
# are skipped by the parser.
_DBLP_FIELDS = {"author", "editor", "title", "year", "ee", "volume"}
_DBLP_FIELDS |= {"booktitle", "journal", "publisher", "school"}  # where the venue is


class _UndefinedEntity(Exception):
    pass


def read_dblp(path):
    """DBLP's XML, streamed: expat reads it a piece at a time, in the encoding the file
    declares (DBLP's own dump is ISO-8859-1), and only the records of the current piece
    are kept.

    DBLP writes accented letters as HTML entities (`&uuml;`) declared in dblp.dtd, which
    is not read: expat skips entities it has no declaration for in a document whose DTD
    is external, and the skipped ones are looked up in Python's table of HTML entities.
    A file without a DOCTYPE (an extract, a test file) is given one for that, on the
    line it already starts with, so line numbers stay those of the file.
    """
    name = str(path)
    finished = []  # records completed in the current piece: (tag, key, line, fields)
    parser = expat.ParserCreate()
    parser.buffer_text = True
    depth = 0
    record = None
    text = None

    # Called by expat for each element; `text` collects the character data of a field
    # the import uses, its markup (<i>, <sub> in titles) included, and nothing else is
    # collected at all.
    def start(tag, attrs):
        nonlocal depth, record, text
        depth += 1
        if depth == 3:
            if tag in _DBLP_FIELDS:
                text = []
                parser.CharacterDataHandler = text.append
        elif depth == 2:
            record = (tag, attrs.get("key", ""), parser.CurrentLineNumber, [])

    def end(tag):
        nonlocal depth, text
        if depth == 3:
            if text is not None:
                parser.CharacterDataHandler = None
                record[3].append((tag, "".join(text)))
                text = None
        elif depth == 2:
            finished.append(record)
        depth -= 1

    def skipped(entity, is_parameter_entity):
        code = html.entities.name2codepoint.get(entity)
        if code is None:
            raise _UndefinedEntity(
                f"undefined entity &{entity};: line {parser.CurrentLineNumber}, "
                f"column {parser.CurrentColumnNumber}"
            )
        if text is not None:
            text.append(chr(code))

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.SkippedEntityHandler = skipped
    with open(path, "rb") as stream:
        piece = stream.read(_CHUNK)
        if not _has_doctype.match(piece):
            at = _before_root.match(piece).end()
            piece = piece[:at] + _DOCTYPE + piece[at:]
        try:
            while piece:
                parser.Parse(piece, False)
                yield from _dblp_records(name, finished)
                finished.clear()
                piece = stream.read(_CHUNK)
            parser.Parse(b"", True)
        except (expat.ExpatError, _UndefinedEntity) as error:
            yield from _dblp_records(name, finished)
            line = getattr(error, "lineno", None) or parser.CurrentLineNumber
            # Past a syntax error expat cannot go on: the rest of the file is lost.
            yield Rejected(name, line, f"XML syntax error, rest of file skipped: {error}")
            return
        yield from _dblp_records(name, finished)


def _dblp_records(name, records):
    # This runs for each of millions of records: the common cases take the short way
    # (squash() without its regular expression, a year of four digits read as is).
    for tag, key, line, fields in records:
        if tag not in DBLP_PAPER_TAGS:
            yield None  # not a paper: counted as skipped
            continue
        values = {}
        authors, editors, links = [], [], []
        for field_name, text in fields:
            text = " ".join(text.split())
            if field_name == "author":
                authors.append(text)
            elif field_name == "editor":
                editors.append(text)
            elif field_name == "ee":
                if text:
                    links.append(text)
            elif field_name not in values:
                values[field_name] = text
        names = []
        for person in authors or editors:
            if person[-1:].isdigit():
                person = dblp.homonym_number.sub("", person)
            names.append(author_name(person) if "," in person else person)
        doi = next((d for link in links if (d := identifiers.normalize_doi(link))), "")
        arxiv_id = ""
        for link in links:
            match = dblp.arxiv_link.search(link)
            if match and (arxiv_id := identifiers.normalize_arxiv_id(match.group(1))):
                break
        if not arxiv_id and values.get("journal") == "CoRR":
            volume = values.get("volume", "")
            arxiv_id = identifiers.normalize_arxiv_id(volume.removeprefix("abs/"))
        venue = next(
            (values[f] for f in ("booktitle", "journal", "publisher", "school") if values.get(f)),
            "",
        )
        year = values.get("year", "")
        # What parse_year finds in a year of four digits, as a string comparison.
        if len(year) == 4 and year.isascii() and year.isdigit() and "1600" <= year <= "2999":
            year = int(year)
        else:
            year = parse_year(year)
        yield Record(
            name,
            line,
            key,
            {
                "title": values.get("title", "").removesuffix("."),
                "authors": ", ".join(names),
                "venue": venue,
                "year": year,
                "url": identifiers.doi_url(doi) if doi else (links[0] if links else ""),
                "arxiv_id": arxiv_id,
                "doi": doi,
            },
        )


# arXiv metadata (JSON lines) --------------------------------------------------------


def read_arxiv_jsonl(path):
    """The Kaggle arXiv metadata snapshot: one JSON object per line."""
    name = str(path)
    with open(path, encoding="utf-8") as stream:
        for number, line in enumerate(stream, 1):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
            except ValueError as error:
                yield Rejected(name, number, f"invalid JSON: {error}")
                continue
            if not isinstance(item, dict):
                yield Rejected(name, number, "not a JSON object")
                continue
            arxiv_id = identifiers.normalize_arxiv_id(str(item.get("id") or ""))
            if not arxiv_id:
                yield Rejected(name, number, f"invalid arXiv id {item.get('id')!r}")
                continue
            dois = str(item.get("doi") or "").split()
            yield Record(
                name,
                number,
                identifiers.corr_key(arxiv_id),
                {
                    "title": _latex(squash(item.get("title"))),
                    "authors": ", ".join(_arxiv_authors(item)),
                    "venue": "arXiv",
                    "year": _arxiv_year(item, arxiv_id),
                    "abstract": paragraphs(item.get("abstract")),
                    "url": identifiers.arxiv_abs_url(arxiv_id),
                    "arxiv_id": arxiv_id,
                    "doi": next((d for d in map(identifiers.normalize_doi, dois) if d), ""),
                },
            )


def _latex(text):
    # Most titles and names have no LaTeX; converting is slow, so only when needed.
    if "\\" not in text and "{" not in text:
        return text
    from pylatexenc.latex2text import LatexNodes2Text

    return squash(LatexNodes2Text(math_mode="verbatim").latex_to_text(text))


def _arxiv_authors(item):
    parsed = item.get("authors_parsed")
    if isinstance(parsed, list) and parsed:
        names = (" ".join(part for part in (p[1:2] + p[:1] + p[2:3]) if part) for p in parsed)
    else:
        names = re.split(r",\s*|\s+and\s+", str(item.get("authors") or ""))
    return [name for person in names if (name := author_name(_latex(person)))]


def _arxiv_year(item, arxiv_id):
    versions = item.get("versions")
    first = versions[0] if isinstance(versions, list) and versions else None
    if isinstance(first, dict) and (year := parse_year(first.get("created"))):
        return year
    if year := parse_year(item.get("update_date")):
        return year
    # New-style ids begin with the year and month of submission.
    if re.match(r"^\d{4}\.", arxiv_id):
        return 2000 + int(arxiv_id[:2])
    return None


# Upsert ---------------------------------------------------------------------------

_IDENTIFIERS = (
    ("arxiv_id", identifiers.normalize_arxiv_id, "arXiv id"),
    ("doi", identifiers.normalize_doi, "DOI"),
)


def clean(record):
    """The record's fields as they would be stored, or a Rejected saying why not.

    Empty values are left out: an import sets what the source knows, nothing more.
    """

    def reject(reason):
        return Rejected(record.file, record.line, reason)

    key = record.key.strip()
    if not key:
        return reject("no key")
    if not is_valid_key(key):
        return reject(f"invalid key {key[:80]!r}")
    values = {name: value for name, value in record.fields.items() if value not in ("", None)}
    if not values.get("title"):
        return reject(f"{key}: missing title")
    for name, normalize, _ in _IDENTIFIERS:
        if raw := values.get(name):
            if value := normalize(raw):
                values[name] = value
            else:
                del values[name]
    if len(values.get("url", "")) > _MAX_LENGTHS["url"]:
        del values["url"]  # a broken link is not worth losing the paper for
    if authors := values.get("authors"):
        # Written in bulk, without save(): stored in save()'s form all the same, without
        # direction overrides or invisible characters.
        values["authors"] = normalize_author_list(authors)
        if not values["authors"]:
            del values["authors"]
    shortened = False
    for name, fit in _FITTERS.items():
        value = values.get(name)
        if isinstance(value, str) and len(value) > _MAX_LENGTHS[name]:
            values[name] = fit(value)
            shortened = True
    for name, value in values.items():
        if isinstance(value, str):
            # PostgreSQL cannot store the character; the record is refused, not cut.
            if "\x00" in value:
                return reject(f"{key}: {name} holds a NUL character")
            if len(value) > _MAX_LENGTHS.get(name, len(value)):
                return reject(f"{key}: {name} longer than {_MAX_LENGTHS[name]} characters")
    year = values.get("year")
    if year is not None and not 0 < year < 32768:
        del values["year"]
    return Record(record.file, record.line, key, values, shortened)


# Batches read ahead of the one being written: enough for the reader never to wait for
# a batch to be written, few enough for memory to stay flat.
_READ_AHEAD = 3


@dataclass(slots=True)
class _Batch:
    records: list = field(default_factory=list)  # cleaned, keys unique within the batch
    rejected: list = field(default_factory=list)
    skipped: int = 0
    shortened: int = 0
    read: int = 0


class _Stop(Exception):
    pass


class _Reader(threading.Thread):
    """Reads, cleans and batches the records on a thread of its own.

    Reading is Python's work and writing mostly the database's, and the database driver
    lets other threads run while it waits for the server: with the two on separate
    threads the next batch is parsed while the server stores the last one. The
    database is only used from the importing thread (a Django connection belongs to
    one thread, and a caller's transaction must see the import).
    """

    def __init__(self, records, batch_size):
        super().__init__(name="import-reader", daemon=True)
        self.records = records
        self.batch_size = batch_size
        self.batches = queue.Queue(maxsize=_READ_AHEAD)
        self.stopping = threading.Event()

    def run(self):
        try:
            for batch in self._batches():
                self._put(batch)
            self._put(None)
        except _Stop:
            pass
        except BaseException as error:  # raised again by the importing thread
            with contextlib.suppress(_Stop):
                self._put(error)

    def _batches(self):
        batch, first_line = _Batch(), {}
        for record in self.records:
            batch.read += 1
            if record is None:
                batch.skipped += 1
                continue
            if not isinstance(record, Rejected):
                record = clean(record)
            if isinstance(record, Rejected):
                batch.rejected.append(record)
                continue
            lower = record.key.lower()
            if lower in first_line:
                batch.rejected.append(
                    Rejected(
                        record.file,
                        record.line,
                        f"{record.key}: key repeated (first at line {first_line[lower]})",
                    )
                )
                continue
            first_line[lower] = record.line
            batch.records.append(record)
            batch.shortened += record.shortened
            if len(batch.records) >= self.batch_size:
                yield batch
                batch, first_line = _Batch(), {}
        yield batch

    def _put(self, item):
        while not self.stopping.is_set():
            try:
                self.batches.put(item, timeout=0.1)
                return
            except queue.Full:
                pass
        raise _Stop

    def get(self):
        """The next batch, None after the last; what went wrong in the reader is raised."""
        item = self.batches.get()
        if isinstance(item, BaseException):
            raise item
        return item

    def stop(self):
        self.stopping.set()
        self.join(timeout=10)


class Importer:
    """Upserts records a batch at a time; `tally` says what happened to each.

    `copy`: write new papers and their search documents with COPY, which is the default
    on PostgreSQL; otherwise (and on other databases) with bulk_create.
    """

    def __init__(self, batch_size=BATCH_SIZE, index=True, on_batch=None, copy=None):
        self.batch_size = batch_size
        self.index = index
        self.on_batch = on_batch
        self.tally = Tally()
        self.db = router.db_for_write(Paper)
        vendor = connections[self.db].vendor
        self.copy = vendor == "postgresql" if copy is None else copy
        if self.copy and vendor != "postgresql":
            raise ValueError("COPY needs PostgreSQL")

    def run(self, records):
        reader = _Reader(records, self.batch_size)
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
        """Store a batch of cleaned records with distinct keys (see `_Reader`)."""
        new, changed = [], []
        sorted_out = False
        try:
            with transaction.atomic(using=self.db):
                self._prefer_index_scans()
                keyed = [(record.key.lower(), record) for record in records]
                existing = self._existing([key for key, _ in keyed])
                for key, record in self._without_identifier_conflicts(keyed, existing):
                    found = existing.get(key)
                    if found is None:
                        new.append(record)
                        continue
                    pk, stored = found
                    changes = {
                        name: value
                        for name, value in record.fields.items()
                        if stored[name] != value
                    }
                    if changes:
                        changed.append((record, pk, changes))
                    else:
                        self.tally.unchanged += 1
                sorted_out = True
                self._write(new, changed)
        except (IntegrityError, DataError):
            if not sorted_out:
                raise
            # A constraint the checks above did not foresee (a concurrent writer, two
            # papers swapping a DOI): one record at a time finds the culprit.
            self._write_one_by_one(new, changed)
        else:
            self.tally.created += len(new)
            self.tally.updated += len(changed)

    def _prefer_index_scans(self):
        connection = connections[self.db]
        if connection.vendor == "postgresql":
            # The lookups below probe unique indexes for a few thousand values each. For
            # a table the import is filling, statistics lag behind or are missing, and
            # the planner then reads the whole table per lookup instead: measured, ten
            # times slower at 50,000 papers, and growing with the table.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL enable_seqscan = off")

    def _existing(self, keys):
        """{lowercased key: (pk, {field: stored value})} of the papers here under these
        keys: canonical keys, then aliases (a record under a paper's old key updates
        that paper). Rows, not model instances: most are only compared."""
        rows = (
            Paper.objects.using(self.db)
            .annotate(key_lower=Lower("bibtex_key"))
            .filter(self._among(Lower("bibtex_key"), keys))
            .values_list("key_lower", "pk", *FIELDS)
            .order_by()
        )
        found = {row[0]: (row[1], dict(zip(FIELDS, row[2:], strict=True))) for row in rows}
        missing = [key for key in keys if key not in found]
        if missing:
            aliases = (
                PaperAlias.objects.using(self.db)
                .annotate(key_lower=Lower("key"))
                .filter(self._among(Lower("key"), missing))
                .values_list("key_lower", "paper_id", *(f"paper__{name}" for name in FIELDS))
                .order_by()
            )
            found.update(
                (row[0], (row[1], dict(zip(FIELDS, row[2:], strict=True)))) for row in aliases
            )
        return found

    def _without_identifier_conflicts(self, keyed, existing):
        """Records whose arXiv id and DOI name no other paper, here or in the batch.

        Only the identifiers a paper does not have yet are looked up: one it has is its
        own, being unique, so a second run looks up none.
        """
        names = [(name, label) for name, _, label in _IDENTIFIERS]
        wanted = {name: set() for name, _ in names}
        checks = []  # (key, record, pk or None, [(name, label, value, lowered)])
        for key, record in keyed:
            found = existing.get(key)
            values = []
            for name, label in names:
                if value := record.fields.get(name):
                    lowered = value.lower()
                    values.append((name, label, value, lowered))
                    if found is None or found[1][name].lower() != lowered:
                        wanted[name].add(lowered)
            checks.append((key, record, found[0] if found else None, values))
        owners = {name: {} for name, _ in names}
        for name, values in wanted.items():
            if values:
                rows = (
                    Paper.objects.using(self.db)
                    # The unique index on the lowercased identifier leaves out empty
                    # ones; a query must say so too, or it reads the whole table.
                    .exclude(**{name: ""})
                    .annotate(value_lower=Lower(name))
                    .filter(self._among(Lower(name), values))
                    .values_list("value_lower", "pk", "bibtex_key")
                    .order_by()
                )
                owners[name] = {value: (pk, key) for value, pk, key in rows}
        kept, claimed = [], {}
        for key, record, pk, values in checks:
            reason = ""
            for name, label, value, lowered in values:
                owner = owners[name].get(lowered)
                if owner and owner[0] != pk:
                    reason = f"{label} {value} belongs to another paper, {owner[1]}"
                elif first := claimed.get((name, lowered)):
                    reason = f"{label} {value} also at line {first.line} of {first.file}"
                if reason:
                    break
            if reason:
                self.tally.rejected.append(
                    Rejected(record.file, record.line, f"{record.key}: {reason}")
                )
                continue
            for name, _, _, lowered in values:
                claimed[name, lowered] = record
            kept.append((key, record))
        return kept

    def _among(self, expression, values):
        """expression IN values. On PostgreSQL as `= ANY(%s)` with one array parameter:
        Django prepares each parameter of an IN list in Python, which for a batch's
        thousands of keys took longer than the query."""
        if connections[self.db].vendor == "postgresql":
            return _AnyOf(expression, list(values))
        return In(expression, list(values))

    def _write(self, new, changed):
        if self.copy:
            created = self._copy_papers(new)
        else:
            created = Paper.objects.using(self.db).bulk_create(
                [_new_paper(record) for record in new]
            )
        updated = self._update(changed)
        if self.index:
            _reindex(created, updated)
        if created:
            # bulk_create and COPY send no post_save.
            names_added.send(sender=Paper, papers=created, aliases=[])

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
                values["normalized_title"] = normalize_title(values["title"])
                if record.fields.get("abstract"):
                    values.update(Paper(abstract=record.fields["abstract"]).rendered_fields())
                row = [values[name] for name in _ATTNAMES]
                papers.append(Paper(*row))  # positional: half the cost of keywords
                row[created_at] = stamp
                yield row

        copy_rows(connection, Paper._meta.db_table, _COLUMNS, rows())
        return papers

    def _update(self, changed):
        """Write the changes; returns [(paper, changes)]."""
        if not changed:
            return []
        papers = Paper.objects.using(self.db).in_bulk([pk for _, pk, _ in changed])
        updated, fields = [], set()
        for _, pk, changes in changed:
            paper = papers.get(pk)
            if paper is None:
                raise IntegrityError(f"paper {pk} was deleted during the import")
            for name, value in changes.items():
                setattr(paper, name, value)
            if "abstract" in changes:
                for name, value in paper.rendered_fields().items():
                    setattr(paper, name, value)
                fields.update(("abstract_html", "renderer_version"))
            if "title" in changes:
                # bulk_update does not call save(), which keeps this column.
                paper.normalized_title = normalize_title(paper.title)
                fields.add("normalized_title")
            fields.update(changes)
            updated.append((paper, changes))
        Paper.objects.using(self.db).bulk_update([paper for paper, _ in updated], sorted(fields))
        # bulk_update sends no post_save: pages showing these papers go stale here.
        fragments.touch(fragments.FEED, *(fragments.paper_scope(paper.pk) for paper, _ in updated))
        return updated

    def _write_one_by_one(self, new, changed):
        # save() sends post_save, whose receivers index the paper and refresh what
        # shows it, as for a paper added by hand.
        for record in new:
            paper = _new_paper(record)
            if self._write_single(record, lambda paper=paper: paper.save(force_insert=True)):
                self.tally.created += 1
        for record, pk, changes in changed:

            def update(pk=pk, changes=changes):
                paper = Paper.objects.using(self.db).filter(pk=pk).first()
                if paper is None:
                    raise IntegrityError("the paper was deleted during the import")
                for name, value in changes.items():
                    setattr(paper, name, value)
                paper.save(update_fields=[*changes, "abstract_html", "renderer_version"])

            if self._write_single(record, update):
                self.tally.updated += 1

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


class _AnyOf(Lookup):
    """`lhs = ANY(%s)`, the values passed as one array (PostgreSQL)."""

    lookup_name = "any_of"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s)", (*params, self.rhs)


def _new_paper(record):
    paper = Paper(bibtex_key=record.key, **record.fields)
    # bulk_create does not call save(), which keeps this column.
    paper.normalized_title = normalize_title(paper.title)
    if paper.abstract:
        for name, value in paper.rendered_fields().items():
            setattr(paper, name, value)
    else:
        paper.renderer_version = RENDERER_VERSION
    return paper


def _reindex(created, updated):
    """Bring the search documents of these papers in step: bulk_create, bulk_update and
    COPY send no post_save, which is what keeps the index in step for single saves.

    The new papers' documents are written in one statement, and so are the updated
    ones'. A paper whose venue or year changed may have summaries and comments
    carrying them, so those go through `index_paper`, which updates them too.
    """
    if created:
        search.save_documents(
            [
                search.paper_document_row(
                    p.pk, p.title, p.authors, p.abstract_html, p.venue, p.year
                )
                for p in created
            ],
            new=True,
        )
    if updated:
        search.save_documents([search.paper_document(paper) for paper, _ in updated])
    for paper, changes in updated:
        if "venue" in changes or "year" in changes:
            search.index_paper(paper)
