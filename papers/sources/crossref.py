"""Crossref's REST API: one work's metadata from `<CROSSREF_API_URL>/<doi>`.

The answer is JSON, `{"status": "ok", "message-type": "work", "message": {...}}`, with
lists for `title` and `container-title`, authors as `{"given", "family"}` (or `{"name"}`
for an organisation), dates as `{"date-parts": [[year, month, day]]}` and the abstract,
where the publisher deposited one, as JATS XML. An unknown DOI answers 404.
"""

import html
import json
import re
from urllib.parse import quote

from django.conf import settings

from .. import identifiers
from . import http
from .base import PaperMetadata, SourceError, author_name, paragraphs, parse_year, squash

SERVICE = "Crossref"
# The dates Crossref gives, most telling first: when the work was issued, then printed.
DATE_FIELDS = ("issued", "published-print", "published-online", "published", "created")


def fetch(doi):
    body = http.get(
        f"{settings.CROSSREF_API_URL}/{quote(doi, safe='/')}",
        service=SERVICE,
        what=f"the DOI {doi}",
        accept="application/json",
    )
    return parse(body, doi)


def parse(body, doi):
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise SourceError(f"{SERVICE} sent an answer that could not be read.") from None
    work = data.get("message") if isinstance(data, dict) else None
    if not isinstance(work, dict) or data.get("status") != "ok":
        raise SourceError(f"{SERVICE} sent an answer that could not be read.")
    title = squash(_first(work.get("title")))
    if not title:
        raise SourceError(f"{SERVICE} has no title for the DOI {doi}.")
    found_doi = identifiers.normalize_doi(str(work.get("DOI", ""))) or doi
    return PaperMetadata(
        source=SERVICE,
        title=title,
        authors=[name for person in work.get("author") or [] if (name := _person(person))],
        venue=squash(_first(work.get("container-title")) or _first(work.get("publisher"))),
        year=_year(work),
        abstract=jats_to_text(work.get("abstract") or ""),
        url=identifiers.doi_url(found_doi),
        arxiv_id=identifiers.arxiv_id_from_doi(found_doi),
        doi=found_doi,
    )


def jats_to_text(jats):
    """Crossref's JATS abstract as plain paragraphs: the "Abstract" heading dropped,
    each <jats:p> a paragraph, other tags removed and entities decoded."""
    if not isinstance(jats, str):
        return ""
    text = re.sub(r"<(jats:)?title\b[^>]*>.*?</(jats:)?title>", "", jats, flags=re.S)
    text = re.sub(r"</(jats:)?p>", "\n\n", text)
    text = re.sub(r"<[^>]+>", " ", text)
    return paragraphs(html.unescape(text))


def _first(value):
    if isinstance(value, list):
        return str(value[0]) if value else ""
    return str(value) if value else ""


def _person(person):
    if not isinstance(person, dict):
        return ""
    name = " ".join(str(person.get(part, "")) for part in ("given", "family"))
    return author_name(name) or author_name(str(person.get("name", "")))


def _year(work):
    for name in DATE_FIELDS:
        date = work.get(name)
        parts = date.get("date-parts") if isinstance(date, dict) else None
        if parts and isinstance(parts[0], list) and parts[0] and parts[0][0]:
            return parse_year(parts[0][0])
    return None
