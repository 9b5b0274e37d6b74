"""Reading a reading list: the entries of a pasted or uploaded BibTeX file, or of a list
of arXiv ids, DOIs, links and keys, one a line (papers.coverage then finds their papers).

Cost is bounded by design, whatever is pasted. The text is at most MAX_CHARS characters
and MAX_ENTRIES entries, and a BibTeX text is first read in one linear pass that
refuses braces nested deeper than MAX_BRACE_DEPTH and counts the entries, before
bibtexparser reads it; only the fields that name a paper are kept, each at most
FIELD_MAX_LENGTH characters, and only they have their LaTeX decoded (the costly step).
"""

import re
from dataclasses import dataclass

from bibtexparser.model import ImplicitComment

from . import identifiers
from .keys import is_valid_key
from .lookup import PaperName, paper_name
from .sources import ARXIV, DBLP, DOI, identify
from .sources import bibtex as bibtex_fields
from .sources.base import squash

MAX_ENTRIES = 500
# 1 MB, of an uploaded file's bytes or a pasted text's characters.
MAX_CHARS = 1024 * 1024
# Real files nest braces three or four deep ({\"{u}} in a {Title}); pylatexenc, which
# decodes the LaTeX, goes one call deeper for each level.
MAX_BRACE_DEPTH = 32
# bibtexparser logs a warning for every block it cannot read: a text of 1 MB of "@a{"
# is 300,000 of them. Past this many block starts the text is refused unread.
MAX_BLOCKS = 2 * MAX_ENTRIES
# Longer than any title the site stores (500) or any identifier: a longer value is
# dropped unread rather than decoded.
FIELD_MAX_LENGTH = 1_000
# What the fields kept from a .bib file may add up to (about 150 characters an entry
# in real files, the title most of it): decoding their LaTeX costs 3-8 µs a character,
# so this keeps a check under about a second of work whatever the file holds.
DECODED_MAX_LENGTH = 150_000
# A line longer than this is no name of a paper (keys are at most 255 characters).
LINE_MAX_LENGTH = 1_000
# A BibTeX entry is offered to the add page whole only when it is short: 500 links of
# a few kilobytes each would make the page heavy, and most entries carry an id anyway.
ADDABLE_ENTRY_MAX_LENGTH = 1_000
# What the .bib reader keeps: the title, which the list prints, and what names the
# paper, some fields only where they can (entry_arxiv_id reads arXiv ids from the first
# ones: journal = {arXiv preprint arXiv:…} or {CoRR} with volume = {abs/…}).
BIBTEX_FIELDS = {
    "title": lambda value: True,
    "doi": lambda value: True,
    "eprint": lambda value: True,
    "archiveprefix": lambda value: True,
    "eprinttype": lambda value: True,
    "journal": lambda value: "arxiv" in value.lower() or value.strip() == "CoRR",
    "volume": lambda value: value.startswith("abs/"),
    "note": lambda value: "arxiv" in value.lower(),
    "howpublished": lambda value: "arxiv" in value.lower(),
    "url": lambda value: any(host in value.lower() for host in ("arxiv.org", "doi.org", "dblp")),
}
NOT_A_NAME = "not an arXiv id, a DOI, a link to arXiv, doi.org or DBLP, or a BibTeX key"

# Where bibtexparser starts a block (its splitter's own pattern): @type, then { or (.
# Each part is a character class the next cannot match, so there is no backtracking.
_block_start = re.compile(r"@\w*[ \t]*(?=[{(])")
_bibtex_entry = re.compile(r"^[ \t]*@[A-Za-z]+[ \t]*[{(]", re.MULTILINE)
_brace = re.compile(r"[{}]")


class Refused(ValueError):
    """The text is over one of the limits; the message names it."""


@dataclass
class Entry:
    """One entry of the list, as read: `given` is the line or the BibTeX entry's start,
    `name` what to look the paper up by (None when the entry names no paper, and
    `problem` says why), `addable` what the add page would take for it."""

    number: int
    line: int
    given: str
    title: str = ""
    name: PaperName | None = None
    read_as: str = ""
    addable: str = ""
    problem: str = ""
    # The number of an earlier entry with the same BibTeX key (bibtexparser reads
    # only the first of them).
    same_key_as: int | None = None


def read_entries(text, *, hosts=()):
    """The entries of a pasted or uploaded text, in order: a BibTeX file when a line
    starts an entry (@article{…), else one name per line. Raises Refused when the text
    is over a limit. `hosts` are the site's names, for links to its paper pages."""
    if len(text) > MAX_CHARS:
        raise Refused(
            f"That is {len(text):,} characters; the limit is {MAX_CHARS:,} (1 MB). "
            "Split the list and check each part."
        )
    if _bibtex_entry.search(text):
        return _read_bibtex(text, hosts)
    return _read_lines(text, hosts)


def _too_many(count):
    return Refused(
        f"That list has {count:,} entries; the limit is {MAX_ENTRIES:,}. "
        "Split it and check each part."
    )


def _read_lines(text, hosts):
    lines = text.splitlines()
    if (count := sum(1 for line in lines if _counts(line))) > MAX_ENTRIES:
        raise _too_many(count)
    entries = []
    for line_number, line in enumerate(lines, 1):
        if _counts(line):
            entries.append(_line_entry(len(entries) + 1, line_number, line, hosts))
    return entries


def _line_entry(number, line_number, line, hosts):
    given = line.strip()
    entry = Entry(number=number, line=line_number, given=given[:200])
    if len(given) > LINE_MAX_LENGTH:
        entry.problem = f"too long to be a name ({len(given):,} characters)"
    elif (name := _name_in_line(given, hosts)) is None:
        entry.problem = NOT_A_NAME
    else:
        entry.name, entry.addable = name, name.addable
        entry.read_as = _read_as(name)
    return entry


def _counts(line):
    """Blank lines part a list; # and % start comments, in lists as in .bib files."""
    line = line.strip()
    return bool(line) and not line.startswith(("#", "%"))


def _name_in_line(line, hosts):
    """What a line names: the whole line, else its first word when that is an arXiv id,
    a DOI or a link (`1706.03762  Attention is all you need`), else the line as a key."""
    if (name := paper_name(line, hosts=hosts)) is not None:
        return name
    first = line.split()[0].rstrip(",;")
    if first != line and (name := paper_name(first, hosts=hosts)) is not None and name.certain:
        return name
    # Any key, not only one with digits as the search box wants: a reading list is names.
    return PaperName(keys=(line,), certain=False) if is_valid_key(line) else None


def _read_as(name):
    if name.arxiv_ids:
        return f"arXiv:{name.arxiv_ids[0]}"
    if name.dois:
        return f"DOI {name.dois[0]}"
    return f"key {name.keys[0]}" if name.keys else ""


def _check_bibtex(text):
    """One pass over the braces and block starts, before bibtexparser reads the text."""
    blocks = sum(1 for _ in _block_start.finditer(text))
    if blocks > MAX_BLOCKS:
        raise _too_many(blocks)
    depth = 0
    for match in _brace.finditer(text):
        if match.group() == "{":
            depth += 1
            if depth > MAX_BRACE_DEPTH:
                line = text.count("\n", 0, match.start()) + 1
                raise Refused(
                    f"Braces are nested more than {MAX_BRACE_DEPTH} deep (line {line:,}): "
                    "that is not a BibTeX file the site can read."
                )
        elif depth:
            depth -= 1


class _FieldsToRead:
    """Says which fields of a .bib file to read (parse_library's `keep`): those of
    BIBTEX_FIELDS that can name the paper, each at most FIELD_MAX_LENGTH characters.
    Past DECODED_MAX_LENGTH characters in all it refuses the file, before any is
    decoded (bibtexparser runs each step over the whole file before the next)."""

    def __init__(self):
        self.left = DECODED_MAX_LENGTH

    def __call__(self, name, value):
        wanted = BIBTEX_FIELDS.get(name)
        if wanted is None or not isinstance(value, str) or len(value) > FIELD_MAX_LENGTH:
            return False
        if not wanted(value):
            return False
        self.left -= len(value)
        if self.left < 0:
            raise Refused(
                f"The titles and identifiers in that file come to more than "
                f"{DECODED_MAX_LENGTH:,} characters, the most one check reads. Split it "
                "and check each part."
            )
        return True


def _read_bibtex(text, hosts):
    _check_bibtex(text)
    library = bibtex_fields.parse_library(text, keep=_FieldsToRead())
    blocks = [*library.entries, *library.failed_blocks, *_names_outside(library, hosts)]
    if len(blocks) > MAX_ENTRIES:
        raise _too_many(len(blocks))
    entries, numbers_by_key = [], {}
    for block in sorted(blocks, key=lambda block: _start_line(block)):
        if isinstance(block, tuple):
            entries.append(_line_entry(len(entries) + 1, block[0] + 1, block[1], hosts))
            continue
        entry = Entry(number=len(entries) + 1, line=block.start_line + 1, given="")
        entries.append(entry)
        if not hasattr(block, "fields_dict"):  # bibtexparser's ParsingFailedBlock
            earlier = getattr(block, "key", None)
            if earlier is not None and earlier in numbers_by_key:
                kind = getattr(block.ignore_error_block, "entry_type", "")
                entry.given = f"@{kind}{{{earlier}"[:200]
                entry.same_key_as = numbers_by_key[earlier]
            else:
                entry.given = squash(block.raw.split(",", 1)[0])[:200]
                entry.problem = f"unreadable BibTeX: {str(block.error)[:200]}"
            continue
        numbers_by_key.setdefault(block.key, entry.number)
        _read_bibtex_entry(entry, block)
    return entries


def _names_outside(library, hosts):
    """The lines outside the entries that name a paper for certain (an arXiv id, a DOI,
    a link), as (line index, line): ids pasted below a few entries count too. The rest
    is a comment, as BibTeX reads it (Mendeley's header, notes), and so is everything
    outside when there is more of it than a list may have."""
    lines = [
        (block.start_line + offset, line)
        for block in library.comments
        if isinstance(block, ImplicitComment)
        for offset, line in enumerate(block.comment.splitlines())
        if _counts(line) and len(line) <= LINE_MAX_LENGTH
    ]
    if len(lines) > MAX_ENTRIES:
        return []
    return [
        (index, line)
        for index, line in lines
        if (name := _name_in_line(line.strip(), hosts)) is not None and name.certain
    ]


def _start_line(block):
    return block[0] if isinstance(block, tuple) else block.start_line


def _read_bibtex_entry(entry, block):
    values = {name: value.value for name, value in block.fields_dict.items()}
    text_of = bibtex_fields.field_text
    key = block.key.strip().removeprefix("DBLP:")
    entry.given = f"@{block.entry_type}{{{key}"[:200]
    entry.title = squash(text_of(values.get("title")))[:500]
    arxiv_id = bibtex_fields.entry_arxiv_id(values)
    doi = identifiers.normalize_doi(text_of(values.get("doi")))
    if (url := identify(text_of(values.get("url")))) is not None:
        arxiv_id = arxiv_id or (url.value if url.kind == ARXIV else "")
        doi = doi or (url.value if url.kind == DOI else "")
    arxiv_id = arxiv_id or identifiers.arxiv_id_from_doi(doi)
    keys = (key,) if is_valid_key(key) else ()
    if not (keys or arxiv_id or doi):
        entry.problem = "its key is not a BibTeX key, and it gives no arXiv id or DOI"
        return
    # An arXiv id or DOI names one paper everywhere; a key in someone's own file
    # (he2016deep) may name another paper here, so it is tried last.
    entry.name = PaperName(
        keys=keys, arxiv_ids=(arxiv_id,) if arxiv_id else (), dois=(doi,) if doi else ()
    )
    entry.read_as = _read_as(entry.name) if (arxiv_id or doi) else ""
    known = identify(key) if keys else None
    entry.addable = (
        arxiv_id
        or doi
        or (key if known is not None and known.kind == DBLP else "")
        or (block.raw if len(block.raw) <= ADDABLE_ENTRY_MAX_LENGTH else "")
    )
