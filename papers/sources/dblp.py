"""DBLP: one record's XML from `<DBLP_URL>/rec/<key>.xml`, and the search for the
published version of an arXiv paper.

The record is `<dblp>` around one record element (`<article>`, `<inproceedings>`, …)
whose `key` attribute is the DBLP key, with `<author>`s, `<title>`, `<year>`, the venue
in `<booktitle>` or `<journal>`, and links in `<ee>` (DOI and arXiv links among them).
DBLP tells authors with the same name apart by a number after the name ("Gao Huang
0001"), and ends titles with a full stop; both are dropped here. Unknown keys answer
404; keys DBLP has renamed redirect to the new record, which urllib follows.

The search is `<DBLP_URL>/search/publ/api?q=<words>&format=json`: JSON,
`{"result": {"status": {"@code": "200"}, "hits": {"@total": "2", "hit": [...]}}}`, each
hit's record in `info` with `key`, `title`, `authors.author` (`{"@pid", "text"}`),
`venue`, `year`, `type` ("Conference and Workshop Papers", "Informal Publications" for
CoRR, …), `doi`, `ee`. A list of one is written as the item alone (one hit, one author,
one `ee`), and no hits as no `hit` at all.
"""

import html
import json
import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import quote, urlencode

from django.conf import settings

from .. import identifiers
from ..keys import is_valid_key
from . import http
from .base import (
    NotFound,
    PaperMetadata,
    SourceError,
    author_name,
    parse_year,
    read_xml,
    squash,
)

SERVICE = "DBLP"
# Also read by the bulk import of DBLP's XML (papers.importing.dblp).
homonym_number = re.compile(r"\s+\d{4}$")
arxiv_link = re.compile(r"arxiv\.org/abs/(.+)$", re.IGNORECASE)

# The search only improves the key a new arXiv paper gets, so it waits less than the
# lookup the user asked for (PAPER_SOURCES_TIMEOUT, when that is shorter).
SEARCH_TIMEOUT = 3
SEARCH_HITS = 30
# For a match on title and first author alone, the published version's year may be this
# far from the arXiv posting's: conference papers follow their preprint within months,
# journal versions within a year or two.
YEARS_APART = 2


def fetch(key):
    body = http.get(
        f"{settings.DBLP_URL}/rec/{quote(key, safe='/:')}.xml",
        service=SERVICE,
        what=f"the key {key}",
        accept="application/xml",
    )
    return parse(body, key)


def parse(body, key):
    root = read_xml(body, SERVICE)
    record = root if root.tag != "dblp" else next(iter(root), None)
    if record is None:
        raise NotFound(f"{SERVICE} does not know the key {key}.")
    title_element = record.find("title")
    title = squash("".join(title_element.itertext())) if title_element is not None else ""
    title = title.removesuffix(".")
    if not title:
        raise NotFound(f"{SERVICE} does not know the key {key}.")
    people = record.findall("author") or record.findall("editor")
    links = [squash(ee.text) for ee in record.findall("ee") if squash(ee.text)]
    doi = next((d for link in links if (d := identifiers.normalize_doi(link))), "")
    arxiv_id = _arxiv_id(record, links)
    return PaperMetadata(
        source=SERVICE,
        title=title,
        authors=[
            author_name(homonym_number.sub("", squash("".join(person.itertext()))))
            for person in people
        ],
        venue=_venue(record),
        year=parse_year(record.findtext("year")),
        url=identifiers.doi_url(doi) if doi else (links[0] if links else ""),
        arxiv_id=arxiv_id,
        doi=doi,
        key=record.get("key") or key,
    )


def _venue(record):
    for name in ("booktitle", "journal", "publisher", "school"):
        if value := squash(record.findtext(name)):
            return value
    return ""


def _arxiv_id(record, links):
    for link in links:
        match = arxiv_link.search(link)
        if match and (arxiv_id := identifiers.normalize_arxiv_id(match.group(1))):
            return arxiv_id
    # CoRR records name the paper in their volume: <volume>abs/1608.06993</volume>.
    if squash(record.findtext("journal")) == "CoRR":
        volume = squash(record.findtext("volume"))
        return identifiers.normalize_arxiv_id(volume.removeprefix("abs/"))
    return ""


@dataclass(frozen=True)
class Hit:
    """One record of DBLP's search answer, as far as matching it needs."""

    key: str
    title: str
    surnames: tuple[str, ...]
    venue: str
    year: int | None
    doi: str
    arxiv_id: str
    # DBLP's own kind of record: "Informal Publications" are preprints (CoRR, ePrint),
    # "Editorship" whole proceedings; neither is a published version of a paper.
    type: str

    @property
    def is_preprint(self):
        return self.key.startswith("journals/corr/") or self.type.startswith("Informal")

    @property
    def is_published_version(self):
        return not self.is_preprint and self.type != "Editorship"


@dataclass(frozen=True)
class Versions:
    """What DBLP knows of an arXiv paper: the record of its published version, if one
    matches beyond doubt, and DBLP's key of the arXiv preprint itself (CoRR), if any."""

    published: Hit | None
    preprint_key: str = ""


def search_versions(metadata):
    """Ask DBLP for the records of an arXiv paper (its PaperMetadata from arXiv).

    Raises SourceError when DBLP cannot be asked or its answer cannot be read.
    """
    query = urlencode({"q": search_words(metadata.title), "format": "json", "h": SEARCH_HITS})
    body = http.get(
        f"{settings.DBLP_URL}/search/publ/api?{query}",
        service=SERVICE,
        what=f"arXiv:{metadata.arxiv_id}",
        accept="application/json",
        timeout=SEARCH_TIMEOUT,
    )
    return match_versions(parse_search(body), metadata)


def search_words(title):
    """The title as plain words: DBLP's query syntax gives meaning to | $ * and -."""
    return " ".join(re.findall(r"\w+", title))


def parse_search(body):
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise SourceError(f"{SERVICE} sent an answer that could not be read.") from None
    result = data.get("result") if isinstance(data, dict) else None
    hits = result.get("hits") if isinstance(result, dict) else None
    if not isinstance(hits, dict):
        raise SourceError(f"{SERVICE} sent an answer that could not be read.")
    status = result.get("status")
    code = str(status.get("@code", "200")) if isinstance(status, dict) else "200"
    if code != "200":
        raise SourceError(f"{SERVICE} answered with an error ({code}).")
    return [hit for item in _listed(hits.get("hit")) if (hit := _hit(item))]


def match_versions(hits, metadata):
    """The published version among `hits`, and DBLP's key of the preprint.

    A wrong key is worse than the arXiv one, so a published version is taken only when
    exactly one record is it: by the arXiv id or the DOI arXiv gave, or else by the
    same title, first author and nearly the same year. Several candidates (conference
    and journal versions of one title, say) leave the choice to the user.
    """
    arxiv_id, doi = metadata.arxiv_id.lower(), metadata.doi.lower()
    preprint_key = next(
        (h.key for h in hits if h.is_preprint and arxiv_id and h.arxiv_id.lower() == arxiv_id),
        "",
    )
    published = [hit for hit in hits if hit.is_published_version]
    by_identifier = {
        hit.key: hit
        for hit in published
        if (arxiv_id and hit.arxiv_id.lower() == arxiv_id) or (doi and hit.doi.lower() == doi)
    }
    candidates = by_identifier or {hit.key: hit for hit in published if _same_paper(hit, metadata)}
    chosen = next(iter(candidates.values())) if len(candidates) == 1 else None
    return Versions(published=chosen, preprint_key=preprint_key)


def _same_paper(hit, metadata):
    title = normal_words(metadata.title)
    surnames = _surnames(metadata.authors)
    return bool(
        title
        and title == normal_words(hit.title)
        and surnames
        and hit.surnames
        and surnames[0] == hit.surnames[0]
        and metadata.year
        and hit.year
        and abs(hit.year - metadata.year) <= YEARS_APART
    )


def normal_words(text):
    """Text compared as words: accents, case and punctuation aside."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(re.findall(r"[^\W_]+", bare.casefold()))


def _surnames(names):
    return tuple(words[-1] for name in names if (words := normal_words(name).split()))


def _listed(value):
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _text(value):
    """A JSON value DBLP may give as a string or as {"text": ...}."""
    if isinstance(value, dict):
        value = value.get("text", "")
    return squash(html.unescape(re.sub(r"<[^>]+>", "", str(value or ""))))


def _hit(item):
    info = item.get("info") if isinstance(item, dict) else None
    if not isinstance(info, dict):
        return None
    key = _text(info.get("key"))
    title = _text(info.get("title")).removesuffix(".")
    if not (is_valid_key(key) and title):
        return None
    authors = info.get("authors")
    names = [
        homonym_number.sub("", _text(person))
        for person in _listed(authors.get("author") if isinstance(authors, dict) else None)
    ]
    links = [link for value in _listed(info.get("ee")) if (link := _text(value))]
    doi = identifiers.normalize_doi(_text(info.get("doi")))
    doi = doi or next((d for link in links if (d := identifiers.normalize_doi(link))), "")
    arxiv_id = next(
        (
            found
            for link in links
            if (match := arxiv_link.search(link))
            and (found := identifiers.normalize_arxiv_id(match.group(1)))
        ),
        "",
    )
    venue = _text(info.get("venue"))
    if not arxiv_id and venue == "CoRR":
        arxiv_id = identifiers.normalize_arxiv_id(_text(info.get("volume")).removeprefix("abs/"))
    return Hit(
        key=key,
        title=title,
        surnames=_surnames(names),
        venue=venue,
        year=parse_year(_text(info.get("year"))),
        doi=doi,
        arxiv_id=arxiv_id,
        type=_text(info.get("type")),
    )
