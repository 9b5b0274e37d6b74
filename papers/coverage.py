"""A reading list's coverage: which papers of a BibTeX file, or of a list of arXiv ids,
DOIs, links and keys, the site has, and which of those have public summaries.

Cost is bounded by design, whatever is pasted. The text is at most MAX_CHARS characters
and MAX_ENTRIES entries, and a BibTeX text is first read in one linear pass that
refuses braces nested deeper than MAX_BRACE_DEPTH and counts the entries, before
bibtexparser reads it; only the fields that name a paper are kept, each at most
FIELD_MAX_LENGTH characters, and only they have their LaTeX decoded (the costly step).
The papers are then found in one query for all their names (PaperQuerySet.named), the
aliases among those names told apart in one more when an entry needs it, and the
summaries counted and the first few of each paper loaded in one: at most three queries
for any number of entries. Nothing is stored.
"""

import re
from dataclasses import dataclass, field

from bibtexparser.model import ImplicitComment
from django.db.models import Count, F, Window
from django.db.models.functions import Lower, RowNumber

from search.lookup import PaperName, paper_name
from summaries.models import Summary

from . import identifiers
from .keys import is_valid_key
from .models import Paper, PaperAlias
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
# How many of a paper's summaries the list links to; the count says how many there are.
SUMMARIES_SHOWN = 3
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


@dataclass
class Row:
    entry: Entry
    paper: Paper | None = None
    summary_count: int = 0
    # (summary, author's username or None when anonymous)
    summaries: list = field(default_factory=list)
    same_as: int | None = None  # an earlier entry's number: the same paper, listed once

    @property
    def status(self):
        if self.entry.problem:
            return "unreadable"
        if self.same_as is not None:
            return "repeated"
        if self.paper is None:
            return "missing"
        return "covered" if self.summary_count else "unsummarised"

    @property
    def more_summaries(self):
        return self.summary_count - len(self.summaries)


@dataclass
class Coverage:
    rows: list
    papers: int = 0  # distinct papers named, here or not
    covered: int = 0  # of those, here with at least one public summary
    missing: int = 0  # not on the site
    unsummarised: int = 0  # on the site without a public summary
    unreadable: int = 0
    repeated: int = 0

    @property
    def without(self):
        return self.missing + self.unsummarised

    @property
    def headline(self):
        """The coverage at a glance: "12 of 30 papers have summaries"."""
        papers, covered = self.papers, self.covered
        if papers == 1:
            return "The paper has a summary." if covered else "The paper has no summary yet."
        if covered == 0:
            return f"None of the {papers:,} papers has a summary yet."
        if covered == papers:
            return f"All {papers:,} papers have summaries."
        verb = "has a summary" if covered == 1 else "have summaries"
        return f"{covered:,} of {papers:,} papers {verb}."

    @property
    def details(self):
        """What else the list holds, a sentence each; none for what it does not."""
        sentences = []
        parts = [
            _count(self.missing, "not on the site yet", "not on the site yet"),
            _count(self.unsummarised, "here with no summary yet", "here with no summary yet"),
        ]
        parts = [part for part in parts if part]
        if len(parts) == 2:
            sentences.append(f"{self.without:,} without a summary: {' and '.join(parts)}.")
        elif parts:
            sentences.append(f"{parts[0]}.")
        if self.unreadable:
            sentences.append(f"{_count(self.unreadable, 'entry', 'entries')} could not be read.")
        if self.repeated:
            verb = "repeats an earlier one" if self.repeated == 1 else "repeat earlier ones"
            sentences.append(f"{_count(self.repeated, 'entry', 'entries')} {verb}.")
        return sentences


def _count(number, one, many):
    """`1 entry`, `3 entries`; "" for none."""
    return f"{number:,} {one if number == 1 else many}" if number else ""


# Reading -------------------------------------------------------------------------------


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


# Looking up ----------------------------------------------------------------------------


def coverage(entries):
    """Each entry's paper and public summaries, in at most three queries."""
    readable = [entry for entry in entries if entry.name is not None and not entry.problem]
    papers = _papers(entry for entry in readable if entry.same_key_as is None)
    counts, shown = _public_summaries({paper.pk for paper in papers.values() if paper})

    result = Coverage(rows=[])
    first_of_paper = {}
    for entry in entries:
        row = Row(entry)
        result.rows.append(row)
        if entry.problem:
            result.unreadable += 1
            continue
        if entry.same_key_as is not None:
            row.same_as = entry.same_key_as
            result.repeated += 1
            continue
        paper = papers[entry.number]
        identity = ("paper", paper.pk) if paper else ("name", _identity(entry.name))
        if identity in first_of_paper:
            row.same_as = first_of_paper[identity]
            result.repeated += 1
            continue
        first_of_paper[identity] = entry.number
        row.paper = paper
        result.papers += 1
        if paper is None:
            result.missing += 1
            continue
        row.summary_count = counts.get(paper.pk, 0)
        row.summaries = shown.get(paper.pk, [])
        if row.summary_count:
            result.covered += 1
        else:
            result.unsummarised += 1
    return result


def _papers(entries):
    """The paper each entry names, or None, by entry number.

    One query finds the papers by all the names at once. The papers say which of them
    hold which key, arXiv id and DOI; an entry that none of those answers may name its
    paper by an alias, and one more query reads the aliases among such entries' keys.
    An entry's arXiv id answers before its DOI and the DOI before its key.
    """
    entries = list(entries)
    names = [entry.name for entry in entries]
    found = list(
        Paper.objects.named(
            keys={key.lower() for name in names for key in name.keys},
            arxiv_ids={value.lower() for name in names for value in name.arxiv_ids},
            dois={value.lower() for name in names for value in name.dois},
        )
        .only("bibtex_key", "title", "arxiv_id", "doi")
        .order_by()
    )
    by_name = {}
    for paper in found:
        by_name[("key", paper.key_lower)] = paper
        if paper.arxiv_lower:
            by_name[("arxiv", paper.arxiv_lower)] = paper
        if paper.doi_lower:
            by_name[("doi", paper.doi_lower)] = paper
    papers = {entry.number: _paper_named(entry.name, by_name) for entry in entries}
    unanswered = {
        key.lower() for entry in entries if papers[entry.number] is None for key in entry.name.keys
    }
    if unanswered and found:
        by_pk = {paper.pk: paper for paper in found}
        aliases = (
            PaperAlias.objects.annotate(name=Lower("key"))
            .filter(name__in=unanswered)
            .values_list("name", "paper_id")
        )
        by_name |= {("key", name): by_pk[pk] for name, pk in aliases if pk in by_pk}
        papers = {entry.number: _paper_named(entry.name, by_name) for entry in entries}
    return papers


def _paper_named(name, by_name):
    candidates = [
        *(("arxiv", value.lower()) for value in name.arxiv_ids),
        *(("doi", value.lower()) for value in name.dois),
        *(("key", value.lower()) for value in name.keys),
    ]
    return next((by_name[c] for c in candidates if c in by_name), None)


def _identity(name):
    """What makes two names the same when no paper answers to them."""
    return tuple(sorted(value.lower() for value in (*name.arxiv_ids, *name.dois, *name.keys)))


def _public_summaries(papers_by_pk):
    """Per paper: how many public summaries it has, and its first SUMMARIES_SHOWN of them
    (best first, as its page lists them) with their authors' names, None for anonymous
    ones. One query: the count and the rank are window functions over each paper's
    summaries, and only the first ranks come back."""
    if not papers_by_pk:
        return {}, {}
    summaries = (
        Summary.objects.public()
        .filter(paper_id__in=papers_by_pk)
        .annotate(
            place=Window(
                RowNumber(),
                partition_by=[F("paper_id")],
                order_by=[F("score").desc(), F("created_at").desc(), F("pk").desc()],
            ),
            total=Window(Count("pk"), partition_by=[F("paper_id")]),
        )
        .filter(place__lte=SUMMARIES_SHOWN)
        .select_related("author")
        .only("pk", "paper_id", "is_anonymous", "author__username")
        .order_by("paper_id", "place")
    )
    counts, shown = {}, {}
    for summary in summaries:
        counts[summary.paper_id] = summary.total
        # An anonymous summary's author never reaches the template.
        author = None if summary.is_anonymous else summary.author.username
        shown.setdefault(summary.paper_id, []).append((summary, author))
    return counts, shown
