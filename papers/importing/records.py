"""What the readers yield, and the cleaning that makes a record fit to store."""

from collections import Counter
from dataclasses import dataclass, field

from .. import identifiers
from ..keys import is_valid_key
from ..models import Paper, normalize_author_list
from ..sources.base import fit_abstract, fit_authors_text

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


@dataclass(slots=True)
class Record:
    file: str
    line: int
    key: str
    fields: dict
    # Whether clean() shortened its authors or abstract to fit.
    shortened: bool = False
    # duplicates.normalize_title of its title, once the importer has computed it.
    normalized_title: str = ""
    # arXiv's categories of the paper (cs.LG, stat.ML), for its topics
    # (importing.categories); not a field of the paper, so kept apart from `fields`.
    categories: tuple = ()


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
    # Records under a new key naming a paper here by its arXiv id or DOI: their key
    # became an alias of it.
    merged: int = 0
    # Records not created for looking like a paper here (importing.matching.Similar):
    # how many, and the first ones (an import of millions may have many).
    similar_count: int = 0
    similar: list = field(default_factory=list)
    # Topics given to papers from their records' arXiv categories (links written, so
    # none on a second run), and the categories no topic has: {category: records}.
    topics_attached: int = 0
    categories_unknown: Counter = field(default_factory=Counter)

    # How many probable duplicates `similar` keeps.
    SIMILAR_KEPT = 200

    @property
    def read(self):
        return (
            self.created
            + self.updated
            + self.unchanged
            + self.merged
            + self.similar_count
            + len(self.rejected)
        )

    def add_similar(self, similar):
        self.similar_count += 1
        if len(self.similar) < self.SIMILAR_KEPT:
            self.similar.append(similar)


# The identifiers unique to one paper each: clean() normalizes them, and the importer
# checks that a record's name no other paper.
IDENTIFIERS = (
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
    for name, normalize, _ in IDENTIFIERS:
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
    return Record(record.file, record.line, key, values, shortened, categories=record.categories)
