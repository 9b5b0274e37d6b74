"""What every source hands back, and how a source says it could not help."""

import html.entities
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field, replace

from ..models import ABSTRACT_MAX_LENGTH, AUTHORS_MAX_LENGTH, MORE_AUTHORS


class SourceError(Exception):
    """A service could not be asked, or its answer could not be read.

    The message is shown to the user as it is, so it says what happened in their
    terms; the add-a-paper page adds what they can do instead.
    """


class NotFound(SourceError):
    """The service answered, and it does not know the paper."""


@dataclass
class PaperMetadata:
    """A paper's details as one source gives them, before anyone has checked them."""

    source: str
    title: str
    authors: list[str] = field(default_factory=list)
    venue: str = ""
    year: int | None = None
    abstract: str = ""
    url: str = ""
    arxiv_id: str = ""
    doi: str = ""
    # The key the source files the paper under (DBLP's key, a BibTeX entry's key).
    key: str = ""
    # Who gave `key` when another service did: DBLP, for an arXiv paper's published
    # version. The paper's other keys, kept as aliases.
    key_source: str = ""
    aliases: list[str] = field(default_factory=list)
    # arXiv's categories of the paper (cs.LG, stat.ML), primary first: the topics it
    # is given where the site has them (topics.services.attach_categories).
    categories: list[str] = field(default_factory=list)
    # The fields (their labels) that were too long for the site and were shortened,
    # for the page to say so.
    shortened: list[str] = field(default_factory=list)


_spaces = re.compile(r"\s+")
# How Paper.authors joins names, and what ends a shortened text.
AUTHOR_SEPARATOR = ", "
ELLIPSIS = "…"


def squash(text):
    """Runs of whitespace (line breaks of wrapped XML text included) as one space."""
    return _spaces.sub(" ", text or "").strip()


def paragraphs(text):
    """Hard-wrapped text as paragraphs: lines joined, blank lines kept as breaks."""
    parts = re.split(r"\n\s*\n", (text or "").strip())
    return "\n\n".join(squash(part) for part in parts if part.strip())


def author_name(name):
    # Paper.authors is comma-separated, so a comma inside one name ("King, Jr.") would
    # split it in two.
    return squash(name.replace(",", " "))


def fit_authors(names, limit=AUTHORS_MAX_LENGTH):
    """The names, or as many of the first ones as fit in `limit` characters once
    stored (comma-separated) followed by "others", BibTeX's idiom for the rest: a
    collaboration's first authors matter most, and no name is cut in two.

    Only a first name longer than the whole limit (a list that is one string) is cut,
    at a word, for the paper still to have an author.
    """
    if len(AUTHOR_SEPARATOR.join(names)) <= limit:
        return list(names)
    kept, length = [], len(MORE_AUTHORS)
    for name in names:
        length += len(name) + len(AUTHOR_SEPARATOR)
        if length > limit:
            break
        kept.append(name)
    if not kept:
        kept = [fit_text(names[0], limit - len(MORE_AUTHORS) - len(AUTHOR_SEPARATOR))]
    return [*kept, MORE_AUTHORS]


def fit_authors_text(authors, limit=AUTHORS_MAX_LENGTH):
    """fit_authors for a stored, comma-separated author list."""
    if len(authors) <= limit:
        return authors
    names = [name.strip() for name in authors.split(",") if name.strip()]
    return AUTHOR_SEPARATOR.join(fit_authors(names, limit))


def fit_abstract(text, limit=ABSTRACT_MAX_LENGTH):
    return fit_text(text, limit)


def fit_text(text, limit):
    """The text, or its beginning up to the end of a word and "…" within `limit`."""
    if len(text) <= limit:
        return text
    cut = text[: limit - len(ELLIPSIS) + 1]
    # The last whitespace where a word ends; a text without one in its second half
    # (a long formula, a URL) is cut where it must be.
    space = max(cut.rfind(" "), cut.rfind("\n"))
    cut = cut[:space] if space > limit // 2 else cut[:-1]
    return cut.rstrip() + ELLIPSIS


def fit(metadata):
    """The details with authors and abstract shortened to what a paper can store, and
    `shortened` naming what was."""
    authors = fit_authors(metadata.authors)
    abstract = fit_abstract(metadata.abstract)
    shortened = [
        label
        for label, changed in (
            ("authors", authors != metadata.authors),
            ("abstract", abstract != metadata.abstract),
        )
        if changed
    ]
    if not shortened:
        return metadata
    return replace(metadata, authors=authors, abstract=abstract, shortened=shortened)


def parse_year(value):
    match = re.search(r"\b(1[6-9]\d\d|2\d\d\d)\b", str(value or ""))
    return int(match.group(1)) if match else None


_XML_ENTITIES = {"amp", "lt", "gt", "quot", "apos"}
_named_entity = re.compile(rb"&([A-Za-z][A-Za-z0-9]*);")


def _numeric_entity(match):
    name = match.group(1).decode("ascii")
    if name in _XML_ENTITIES or name not in html.entities.name2codepoint:
        return match.group(0)
    return b"&#%d;" % html.entities.name2codepoint[name]


def read_xml(body, service):
    """Parse an XML answer.

    HTML's named entities (`&uuml;`), which DBLP's data is written with and XML does
    not know without a DTD, are read as the characters they name. Expat refuses
    entity expansion bombs on its own, and loads no external entities.
    """
    try:
        return ET.fromstring(_named_entity.sub(_numeric_entity, body))
    except ET.ParseError:
        raise SourceError(f"{service} sent an answer that could not be read.") from None
