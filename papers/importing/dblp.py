"""DBLP's XML dump, streamed."""

import html.entities
import re
from xml.parsers import expat

from .. import identifiers
from ..sources import dblp
from ..sources.base import author_name, parse_year
from .records import Record, Rejected

# DBLP records that are not papers: person pages, proceedings volumes, data sets.
DBLP_PAPER_TAGS = {
    "article",
    "inproceedings",
    "incollection",
    "book",
    "phdthesis",
    "mastersthesis",
}


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
