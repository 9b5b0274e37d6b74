"""What every source hands back, and how a source says it could not help."""

import html.entities
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field


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


_spaces = re.compile(r"\s+")


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
