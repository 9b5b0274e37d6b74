"""Bulk import of papers from BibTeX, DBLP XML and arXiv metadata (JSON lines).

Each reader yields `Record`s (a paper's fields and the file line it starts on) or
`Rejected`s (a line that could not be read, and why), streaming: a DBLP dump is
several gigabytes, so no reader holds more than one record. `Importer` upserts them in
batches: one query finds the batch's papers already here, new ones are inserted with
`bulk_create`, and only rows whose fields differ are written with `bulk_update`, so a
second run of the same file writes nothing.

A record only sets the fields it has: DBLP has no abstracts, and importing it must not
erase the abstracts other sources gave. Duplicate keys within one batch are rejected
(the first wins); a key repeated in a later batch updates the paper again.
"""

import html.entities
import json
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

from django.db import IntegrityError, transaction
from django.db.models.functions import Lower

from markup.render import RENDERER_VERSION
from shortscience import fragments

from . import identifiers
from .keys import is_valid_key
from .models import Paper, PaperAlias
from .sources import bibtex, dblp
from .sources.base import author_name, paragraphs, parse_year, squash

BATCH_SIZE = 2000
# The fields an import may set; bibtex_key identifies the paper.
FIELDS = ("title", "authors", "venue", "year", "abstract", "url", "arxiv_id", "doi")
_MAX_LENGTHS = {
    name: Paper._meta.get_field(name).max_length
    for name in FIELDS
    if Paper._meta.get_field(name).max_length
}
# DBLP records that are not papers: person pages, proceedings volumes, data sets.
DBLP_PAPER_TAGS = {
    "article",
    "inproceedings",
    "incollection",
    "book",
    "phdthesis",
    "mastersthesis",
}


@dataclass
class Record:
    file: str
    line: int
    key: str
    fields: dict


@dataclass
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
        text_of = bibtex._text
        venue = next((v for f in bibtex.VENUE_FIELDS if (v := squash(text_of(values.get(f))))), "")
        yield Record(
            name,
            line,
            block.key.strip().removeprefix("DBLP:"),
            {
                "title": squash(text_of(values.get("title"))),
                "authors": ", ".join(bibtex._names(values.get("author") or values.get("editor"))),
                "venue": venue,
                "year": parse_year(text_of(values.get("year"))),
                "abstract": paragraphs(text_of(values.get("abstract"))),
                "url": squash(text_of(values.get("url"))),
                "arxiv_id": bibtex._arxiv_id(values),
                "doi": text_of(values.get("doi")),
            },
        )


# DBLP XML -------------------------------------------------------------------------


class _DblpTarget:
    """Collects each record under <dblp> as (tag, key, line, [(field, text), …]).

    Called by expat while it parses, so the line counted by the reader is the line the
    record starts on. Markup inside a field (<i>, <sub> in titles) adds its text to it.
    """

    def __init__(self):
        self.depth = 0
        self.line = 0
        self.records = []
        self.current = None
        self.field = None
        self.text = []

    def start(self, tag, attrs):
        self.depth += 1
        if self.depth == 2:
            self.current = (tag, attrs.get("key", ""), self.line, [])
        elif self.depth == 3:
            self.field, self.text = tag, []

    def data(self, text):
        if self.depth >= 3:
            self.text.append(text)

    def end(self, tag):
        if self.depth == 3 and self.current is not None:
            self.current[3].append((self.field, "".join(self.text)))
        elif self.depth == 2:
            self.records.append(self.current)
            self.current = None
        self.depth -= 1

    def close(self):
        return None


_doctype = re.compile(r"\s*(<\?xml[^>]*\?>)?\s*<!DOCTYPE", re.IGNORECASE)


def read_dblp(path):
    """DBLP's XML, streamed: expat is fed a line at a time and only the record being
    read is kept.

    DBLP writes accented letters as HTML entities (`&uuml;`) declared in dblp.dtd.
    The parser is given them from Python's table instead of reading the DTD; expat
    consults that table only for documents with a DOCTYPE, so one is added to files
    that have none (extracts, test files).
    """
    name = str(path)
    target = _DblpTarget()
    parser = ET.XMLParser(target=target)
    parser.entity.update(
        (entity, chr(code)) for entity, code in html.entities.name2codepoint.items()
    )
    with open(path, encoding="utf-8") as stream:
        head = []
        for line in stream:
            head.append(line)
            # The DOCTYPE, if any, comes before the root element's start tag.
            if "<" in line.replace("<?xml", "", 1):
                break
        if not _doctype.match("".join(head)):
            parser.feed('<!DOCTYPE dblp SYSTEM "dblp.dtd">\n')
        number = 0
        try:
            for line in head:
                number += 1
                target.line = number
                parser.feed(line)
            for line in stream:
                number += 1
                target.line = number
                parser.feed(line)
                if target.records:
                    yield from _dblp_records(name, target.records)
                    target.records = []
            parser.close()
        except ET.ParseError as error:
            yield from _dblp_records(name, target.records)
            # Past a syntax error expat cannot go on: the rest of the file is lost.
            yield Rejected(name, number, f"XML syntax error, rest of file skipped: {error}")
            return
        yield from _dblp_records(name, target.records)


def _dblp_records(name, records):
    for tag, key, line, fields in records:
        if tag not in DBLP_PAPER_TAGS:
            yield None  # not a paper: counted as skipped
            continue
        values = {}
        authors, links = [], []
        for field_name, text in fields:
            # squash() without the regular expression: this loop runs per field of
            # millions of records.
            text = " ".join(text.split())
            if field_name in ("author", "editor"):
                authors.append((field_name, text))
            elif field_name == "ee":
                links.append(text)
            elif field_name not in values:
                values[field_name] = text
        people = [text for kind, text in authors if kind == "author"] or [
            text for _, text in authors
        ]
        links = [link for link in links if link]
        doi = next((d for link in links if (d := identifiers.normalize_doi(link))), "")
        arxiv_id = ""
        for link in links:
            match = dblp._arxiv_link.search(link)
            if match and (arxiv_id := identifiers.normalize_arxiv_id(match.group(1))):
                break
        if not arxiv_id and values.get("journal") == "CoRR":
            volume = values.get("volume", "")
            arxiv_id = identifiers.normalize_arxiv_id(volume.removeprefix("abs/"))
        venue = next(
            (values[f] for f in ("booktitle", "journal", "publisher", "school") if values.get(f)),
            "",
        )
        yield Record(
            name,
            line,
            key,
            {
                "title": values.get("title", "").removesuffix("."),
                "authors": ", ".join(
                    author_name(dblp._homonym_number.sub("", person)) for person in people
                ),
                "venue": venue,
                "year": parse_year(values.get("year")),
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


def clean(record):
    """The record's fields as they would be stored, or a Rejected saying why not."""

    def reject(reason):
        return Rejected(record.file, record.line, reason)

    key = record.key.strip()
    if not key:
        return reject("no key")
    if not is_valid_key(key):
        return reject(f"invalid key {key[:80]!r}")
    values = dict(record.fields)
    if not values.get("title"):
        return reject(f"{key}: missing title")
    for name in ("arxiv_id", "doi"):
        raw = values.get(name) or ""
        normalize = getattr(identifiers, f"normalize_{name}")
        values[name] = normalize(raw) if raw else ""
    if values.get("url") and len(values["url"]) > _MAX_LENGTHS["url"]:
        values["url"] = ""  # a broken link is not worth losing the paper for
    for name, limit in _MAX_LENGTHS.items():
        if len(values.get(name) or "") > limit:
            return reject(f"{key}: {name} longer than {limit} characters")
    year = values.get("year")
    if year is not None and not 0 < year < 32768:
        values["year"] = None
    # Empty values are absent: an import sets what the source knows, nothing more.
    values = {name: value for name, value in values.items() if value not in ("", None)}
    return Record(record.file, record.line, key, values)


class Importer:
    """Upserts records a batch at a time; `tally` says what happened to each."""

    def __init__(self, batch_size=BATCH_SIZE, index=True, on_batch=None):
        self.batch_size = batch_size
        self.index = index
        self.on_batch = on_batch
        self.tally = Tally()

    def run(self, records):
        batch = []
        for record in records:
            if record is None:
                self.tally.skipped += 1
                continue
            if isinstance(record, Rejected):
                self.tally.rejected.append(record)
                continue
            batch.append(record)
            if len(batch) >= self.batch_size:
                self.import_batch(batch)
                batch = []
        if batch:
            self.import_batch(batch)
        return self.tally

    def import_batch(self, records):
        count = len(records)
        records = self._valid(records)
        existing = self._existing(records)
        records = self._without_identifier_conflicts(records, existing)
        new, changed, fields = [], [], set()
        for record in records:
            paper = existing.get(record.key.lower())
            if paper is None:
                new.append((record, self._new_paper(record)))
                continue
            changes = {
                name: value
                for name, value in record.fields.items()
                if getattr(paper, name) != value
            }
            if not changes:
                self.tally.unchanged += 1
                continue
            for name, value in changes.items():
                setattr(paper, name, value)
            if "abstract" in changes:
                for name, value in paper.rendered_fields().items():
                    setattr(paper, name, value)
                fields.update(("abstract_html", "renderer_version"))
            fields.update(changes)
            changed.append((record, paper, changes))
        try:
            with transaction.atomic():
                self._write(new, changed, fields)
        except IntegrityError:
            # A constraint the checks above did not foresee (a concurrent writer, two
            # papers swapping a DOI): one record at a time finds the culprit.
            self._write_one_by_one(new, changed)
        else:
            self.tally.created += len(new)
            self.tally.updated += len(changed)
        if self.on_batch:
            self.on_batch(count)

    def _valid(self, records):
        valid, first_line = [], {}
        for record in records:
            record = clean(record)
            if isinstance(record, Rejected):
                self.tally.rejected.append(record)
                continue
            lower = record.key.lower()
            if lower in first_line:
                self.tally.rejected.append(
                    Rejected(
                        record.file,
                        record.line,
                        f"{record.key}: key repeated (first at line {first_line[lower]})",
                    )
                )
                continue
            first_line[lower] = record.line
            valid.append(record)
        return valid

    def _existing(self, records):
        """Papers here under the batch's keys, by lowercased key: canonical keys, then
        aliases (a record under a paper's old key updates that paper)."""
        keys = [record.key.lower() for record in records]
        papers = {
            paper.key_lower: paper
            for paper in Paper.objects.annotate(key_lower=Lower("bibtex_key"))
            .filter(key_lower__in=keys)
            .order_by()
        }
        missing = [key for key in keys if key not in papers]
        if missing:
            aliases = (
                PaperAlias.objects.annotate(key_lower=Lower("key"))
                .filter(key_lower__in=missing)
                .select_related("paper")
            )
            for alias in aliases:
                papers[alias.key_lower] = alias.paper
        return papers

    def _without_identifier_conflicts(self, records, existing):
        """Records whose arXiv id and DOI name no other paper, here or in the batch."""
        owners = {}
        for name in ("arxiv_id", "doi"):
            wanted = {record.fields[name].lower() for record in records if record.fields.get(name)}
            if wanted:
                rows = (
                    Paper.objects.annotate(value_lower=Lower(name))
                    .filter(value_lower__in=wanted)
                    .values_list("value_lower", "pk", "bibtex_key")
                    .order_by()
                )
                owners[name] = {value: (pk, key) for value, pk, key in rows}
        kept, claimed = [], {}
        for record in records:
            paper = existing.get(record.key.lower())
            reason = ""
            for name, label in (("arxiv_id", "arXiv id"), ("doi", "DOI")):
                value = record.fields.get(name, "").lower()
                if not value:
                    continue
                owner = owners.get(name, {}).get(value)
                if owner and (paper is None or owner[0] != paper.pk):
                    reason = f"{label} {record.fields[name]} belongs to another paper, {owner[1]}"
                elif (name, value) in claimed:
                    reason = f"{label} {record.fields[name]} also at {claimed[name, value]}"
                if reason:
                    break
            if reason:
                self.tally.rejected.append(
                    Rejected(record.file, record.line, f"{record.key}: {reason}")
                )
                continue
            for name in ("arxiv_id", "doi"):
                if value := record.fields.get(name, "").lower():
                    claimed[name, value] = f"line {record.line} of {record.file}"
            kept.append(record)
        return kept

    def _new_paper(self, record):
        paper = Paper(bibtex_key=record.key, **record.fields)
        if paper.abstract:
            for name, value in paper.rendered_fields().items():
                setattr(paper, name, value)
        else:
            paper.renderer_version = RENDERER_VERSION
        return paper

    def _write(self, new, changed, fields):
        created = Paper.objects.bulk_create([paper for _, paper in new])
        updated = [paper for _, paper, _ in changed]
        if updated:
            Paper.objects.bulk_update(updated, sorted(fields))
            # bulk_update sends no post_save: pages showing these papers go stale here.
            fragments.touch(fragments.FEED, *(fragments.paper_scope(paper.pk) for paper in updated))
        if self.index:
            _reindex(created, [(paper, changes) for _, paper, changes in changed])

    def _write_one_by_one(self, new, changed):
        for record, paper in new:
            self._write_single(record, lambda paper=paper: paper.save(force_insert=True))
            if paper.pk:
                self.tally.created += 1
                if self.index:
                    _reindex([paper], [])
        for record, paper, changes in changed:
            fields = list(changes)
            if "abstract" in changes:
                fields += ["abstract_html", "renderer_version"]

            def update(paper=paper, fields=fields):
                Paper.objects.bulk_update([paper], fields)
                fragments.touch(fragments.FEED, fragments.paper_scope(paper.pk))

            if self._write_single(record, update):
                self.tally.updated += 1
                if self.index:
                    _reindex([], [(paper, changes)])

    def _write_single(self, record, write):
        try:
            with transaction.atomic():
                write()
        except IntegrityError as error:
            reason = str(error).splitlines()[0] if str(error) else type(error).__name__
            self.tally.rejected.append(
                Rejected(record.file, record.line, f"{record.key}: not saved: {reason}")
            )
            return False
        return True


def _reindex(created, changed):
    """Bring the search documents of these papers in step.

    bulk_create and bulk_update send no post_save, which is what keeps the index in
    step for single saves. search.services has no function that reindexes a set of
    papers (only `index_paper` for one and `rebuild` for everything), so the papers'
    documents are written in one upsert with its document builder; a paper whose
    venue or year changed may have summaries and comments carrying them, so those go
    through `index_paper`, which updates them too.
    """
    from search import services as search

    papers = created + [paper for paper, _ in changed]
    if not papers:
        return
    search.save_documents([search.paper_document(paper) for paper in papers])
    for paper, changes in changed:
        if "venue" in changes or "year" in changes:
            search.index_paper(paper)
