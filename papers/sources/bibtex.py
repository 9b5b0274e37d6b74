"""BibTeX both ways: a pasted entry read into a paper's details, and a paper's entry
written from what the site stores."""

import re

import bibtexparser
from bibtexparser import middlewares

from .. import identifiers
from ..keys import is_valid_key
from .base import PaperMetadata, SourceError, author_name, paragraphs, parse_year, squash

SERVICE = "BibTeX"
# Where entries put the venue, most specific first.
VENUE_FIELDS = ("booktitle", "journal", "howpublished", "publisher", "school", "institution")
# Google Scholar writes arXiv papers as journal = {arXiv preprint arXiv:1608.06993}.
_arxiv_in_text = re.compile(rf"arxiv:\s*({identifiers.ARXIV_ID_PATTERN})", re.IGNORECASE)


def parse_library(text, *, keep=None):
    """A BibTeX text as bibtexparser reads it for the site: field names in lower case,
    LaTeX decoded, authors split into names and their parts. For a pasted entry (`parse`),
    a file of them (papers.importing) and a reading list (papers.coverage).

    `keep(name, value)`, when given, says which fields to keep; it is asked once per
    field, in the file's order, after `@string` references are resolved and before LaTeX
    is decoded. Decoding costs 3-8 µs a character: a reader that needs only a file's
    titles and identifiers should not pay for its abstracts and author lists.
    """
    kept = [_KeepFields(keep)] if keep else []
    return bibtexparser.parse_string(
        text,
        append_middleware=[
            middlewares.NormalizeFieldKeys(),
            *kept,
            middlewares.LatexDecodingMiddleware(),
            middlewares.SeparateCoAuthors(),
            middlewares.SplitNameParts(),
        ],
    )


class _KeepFields(middlewares.BlockMiddleware):
    """Keeps the fields `keep` says yes to, and drops the `@string` blocks, which are
    resolved into the entries by now and would be decoded too."""

    def __init__(self, keep):
        super().__init__(allow_inplace_modification=True, allow_parallel_execution=False)
        self.keep = keep

    def transform_entry(self, entry, library):
        entry.fields = [field for field in entry.fields if self.keep(field.key, field.value)]
        return entry

    def transform_string(self, string, library):
        return None


def parse(text):
    """The first entry of a pasted BibTeX text; SourceError when there is none."""
    library = parse_library(text)
    if not library.entries:
        raise SourceError(
            "No BibTeX entry could be read from that text. An entry looks like "
            "@article{key, title = {…}, author = {…}, year = {…}}."
        )
    entry = library.entries[0]
    values = {name: field.value for name, field in entry.fields_dict.items()}
    title = squash(field_text(values.get("title")))
    if not title:
        raise SourceError("That BibTeX entry has no title.")
    doi = identifiers.normalize_doi(field_text(values.get("doi")))
    return PaperMetadata(
        source=SERVICE,
        title=title,
        authors=author_names(values.get("author") or values.get("editor")),
        venue=next((v for name in VENUE_FIELDS if (v := squash(field_text(values.get(name))))), ""),
        year=parse_year(field_text(values.get("year"))),
        abstract=paragraphs(field_text(values.get("abstract"))),
        url=squash(field_text(values.get("url"))),
        arxiv_id=entry_arxiv_id(values),
        doi=doi,
        key=_key(entry.key),
    )


def field_text(value):
    """A field's value when it is text; the bulk import reads its entries with these
    helpers too, so a pasted entry and an imported one give the same paper."""
    return value if isinstance(value, str) else ""


def author_names(value):
    """The names of an author or editor field, in the order written."""
    if isinstance(value, str):
        value = [value]
    names = []
    for person in value or []:
        if isinstance(person, middlewares.NameParts):
            person = " ".join([*person.first, *person.von, *person.last, *person.jr])
        if name := author_name(str(person)):
            names.append(name)
    return names


def entry_arxiv_id(values):
    """The arXiv id an entry gives, wherever it puts it; "" when none."""
    eprint = field_text(values.get("eprint"))
    prefix = field_text(values.get("archiveprefix") or values.get("eprinttype")).lower()
    if prefix in ("arxiv", "") and (arxiv_id := identifiers.normalize_arxiv_id(eprint)):
        return arxiv_id
    # DBLP's CoRR entries: journal = {CoRR}, volume = {abs/1608.06993}.
    volume = field_text(values.get("volume"))
    if field_text(values.get("journal")) == "CoRR" and volume.startswith("abs/"):
        return identifiers.normalize_arxiv_id(volume.removeprefix("abs/"))
    for name in ("journal", "note", "howpublished"):
        if match := _arxiv_in_text.search(field_text(values.get(name))):
            return identifiers.normalize_arxiv_id(match.group(1))
    return ""


def _key(key):
    # DBLP's BibTeX names its entries DBLP:<key>.
    key = key.strip().removeprefix("DBLP:")
    return key if is_valid_key(key) else ""


# Words that mark a venue as a journal; anything else named is taken for proceedings,
# the common case on this site. The site does not store an entry type, so this is
# a guess that a reader can correct in their own bibliography.
_JOURNAL_WORDS = re.compile(
    r"\b(journal|transactions|letters|review|reviews|magazine|annals|bulletin|nature|science"
    # The journals of the venue table (papers.migrations.0012_seed_venues) go by these.
    r"|jmlr|tpami|pami|tacl|ijcv|pnas)\b",
    re.IGNORECASE,
)
# Journals of the venue table whose name has none of those words.
_JOURNAL_NAMES = {"machine learning", "neural computation"}
_ARXIV_VENUES = {"arxiv", "corr", "arxiv e-prints", "arxiv preprint"}


def format_entry(paper):
    """A BibTeX entry for the paper, from the stored metadata alone."""
    venue = squash(paper.venue)
    arxiv_only = venue.lower() in _ARXIV_VENUES or (not venue and paper.arxiv_id)
    fields = [("title", paper.title), ("author", " and ".join(paper.author_list))]
    if arxiv_only or not venue:
        entry_type = "misc"
    elif _JOURNAL_WORDS.search(venue) or venue.lower() in _JOURNAL_NAMES:
        entry_type = "article"
        fields.append(("journal", venue))
    else:
        entry_type = "inproceedings"
        fields.append(("booktitle", venue))
    if paper.year:
        fields.append(("year", str(paper.year)))
    if paper.arxiv_id:
        # As arXiv's own export writes it.
        fields += [("eprint", paper.arxiv_id), ("archivePrefix", "arXiv")]
    if paper.doi:
        fields.append(("doi", paper.doi))
    url = paper.url or paper.arxiv_url or paper.doi_url
    if url:
        fields.append(("url", url))
    width = max(len(name) for name, _ in fields)
    lines = [f"  {name.ljust(width)} = {{{_value(value)}}}," for name, value in fields if value]
    return "\n".join([f"@{entry_type}{{{paper.bibtex_key},", *lines, "}"]) + "\n"


def _value(value):
    value = squash(value)
    if not _balanced(value):
        value = value.replace("{", "").replace("}", "")
    # Unescaped, these end a LaTeX line (%), start a table cell (&) or a macro argument (#).
    return re.sub(r"(?<!\\)([&%#])", r"\\\1", value)


def _balanced(value):
    depth = 0
    for char in value:
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0
