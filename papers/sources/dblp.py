"""DBLP: one record's XML from `<DBLP_URL>/rec/<key>.xml`.

The answer is `<dblp>` around one record element (`<article>`, `<inproceedings>`, …)
whose `key` attribute is the DBLP key, with `<author>`s, `<title>`, `<year>`, the venue
in `<booktitle>` or `<journal>`, and links in `<ee>` (DOI and arXiv links among them).
DBLP tells authors with the same name apart by a number after the name ("Gao Huang
0001"), and ends titles with a full stop; both are dropped here. Unknown keys answer
404; keys DBLP has renamed redirect to the new record, which urllib follows.
"""

import re
from urllib.parse import quote

from django.conf import settings

from .. import identifiers
from . import http
from .base import NotFound, PaperMetadata, author_name, parse_year, read_xml, squash

SERVICE = "DBLP"
_homonym_number = re.compile(r"\s+\d{4}$")
_arxiv_link = re.compile(r"arxiv\.org/abs/(.+)$", re.IGNORECASE)


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
            author_name(_homonym_number.sub("", squash("".join(person.itertext()))))
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
        match = _arxiv_link.search(link)
        if match and (arxiv_id := identifiers.normalize_arxiv_id(match.group(1))):
            return arxiv_id
    # CoRR records name the paper in their volume: <volume>abs/1608.06993</volume>.
    if squash(record.findtext("journal")) == "CoRR":
        volume = squash(record.findtext("volume"))
        return identifiers.normalize_arxiv_id(volume.removeprefix("abs/"))
    return ""
