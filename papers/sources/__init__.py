"""Where a new paper's details come from.

A user pastes one thing: an arXiv id or URL, a DOI or doi.org URL, a DBLP key or URL,
or a BibTeX entry. `identify` says which it is; `fetch` asks arXiv, Crossref or DBLP
(or reads the BibTeX) and returns the details for the user to check. Each service
has its own module; none of them touches the database. `fetch` maps the venue to its
canonical name (papers.venues), one query.
"""

import logging
import re
from dataclasses import dataclass, replace
from urllib.parse import unquote, urlsplit

from .. import identifiers, venues
from ..keys import is_valid_key
from . import arxiv, bibtex, crossref, dblp
from .base import NotFound, PaperMetadata, SourceError, fit

__all__ = ["Identifier", "NotFound", "PaperMetadata", "SourceError", "fetch", "identify"]

ARXIV, DOI, DBLP, BIBTEX = "arxiv", "doi", "dblp", "bibtex"

logger = logging.getLogger(__name__)

# The first part of every DBLP key names the kind of record.
_dblp_key_re = re.compile(
    r"^(conf|journals|books|series|phd|tr|reference|ms|persons|www|homepages)/[^\s]+$"
)
# Record pages: dblp.org/rec/<key>[.html|.xml|.bib|…], and the older
# dblp.uni-trier.de/rec/{bibtex,xml,html}/<key>.
_dblp_rec_path = re.compile(r"^/rec/(?:(?:bibtex|bib|xml|html)\d?/)?(.+?)(?:\.[a-z]+)?$")
_arxiv_url_path = re.compile(r"^/(?:abs|pdf|html)/(.+?)(?:\.pdf)?/?$")


@dataclass(frozen=True)
class Identifier:
    """What the user pasted: `kind` is ARXIV, DOI, DBLP or BIBTEX, `value` the id in
    its stored form (the whole text, for BibTeX)."""

    kind: str
    value: str

    @property
    def label(self):
        return {
            ARXIV: f"arXiv:{self.value}",
            DOI: f"the DOI {self.value}",
            DBLP: f"the DBLP key {self.value}",
            BIBTEX: "the BibTeX entry",
        }[self.kind]


def identify(text):
    """Classify pasted text as an arXiv id, DOI, DBLP key or BibTeX entry; None if it
    is none of them."""
    text = text.strip()
    if not text:
        return None
    if text.startswith("@"):
        return Identifier(BIBTEX, text)
    if re.match(r"^https?://", text, re.IGNORECASE) or re.match(r"^[\w.-]+\.org/", text):
        return _identify_url(text)
    if text[:5].lower() == "dblp:":
        return _dblp(text[5:].strip())
    if arxiv_id := identifiers.normalize_arxiv_id(text) or identifiers.arxiv_id_from_key(text):
        return Identifier(ARXIV, arxiv_id)
    if doi := identifiers.normalize_doi(text):
        return _doi(doi)
    return _dblp(text)


def fetch(identifier):
    """The paper's details from the service that knows this kind of identifier, cut
    to what a paper can store (see base.fit: a collaboration's thousands of authors
    keep the first ones and "others").

    Raises SourceError (NotFound where the service does not know the paper)."""
    readers = {ARXIV: _arxiv, DOI: crossref.fetch, DBLP: dblp.fetch, BIBTEX: bibtex.parse}
    metadata = fit(readers[identifier.kind](identifier.value))
    # "Advances in Neural Information Processing Systems 33 (NeurIPS 2020)" shown and
    # stored as NeurIPS, whichever service said it.
    return replace(metadata, venue=venues.canonical(metadata.venue))


def _arxiv(arxiv_id):
    """arXiv's details, with DBLP's key of the published version where DBLP knows it.

    The paper keeps the old site's `journals/corr/<id>` (and DBLP's key of the preprint)
    as other names. DBLP being down or slow costs the better key, never the paper.
    """
    metadata = arxiv.fetch(arxiv_id)
    try:
        versions = dblp.search_versions(metadata)
    except SourceError as exc:
        logger.warning("DBLP not asked about arXiv:%s: %s", metadata.arxiv_id, exc)
        return metadata
    preprint_keys = [key for key in [versions.preprint_key] if key]
    published = versions.published
    if published is None:
        return replace(metadata, aliases=preprint_keys)
    return replace(
        metadata,
        key=published.key,
        key_source=dblp.SERVICE,
        aliases=[identifiers.corr_key(metadata.arxiv_id), *preprint_keys],
        venue=published.venue or metadata.venue,
        year=published.year or metadata.year,
        doi=metadata.doi or published.doi,
    )


def _identify_url(text):
    if "://" not in text:
        text = f"https://{text}"
    parts = urlsplit(text)
    host = (parts.hostname or "").lower().removeprefix("www.").removeprefix("export.")
    path = unquote(parts.path)
    if host == "arxiv.org":
        match = _arxiv_url_path.match(path)
        arxiv_id = identifiers.normalize_arxiv_id(match.group(1)) if match else ""
        return Identifier(ARXIV, arxiv_id) if arxiv_id else None
    if host in ("doi.org", "dx.doi.org"):
        doi = identifiers.normalize_doi(path.lstrip("/"))
        return _doi(doi) if doi else None
    if host.startswith("dblp."):
        match = _dblp_rec_path.match(path)
        return _dblp(match.group(1)) if match else None
    return None


def _doi(doi):
    if arxiv_id := identifiers.arxiv_id_from_doi(doi):
        return Identifier(ARXIV, arxiv_id)
    return Identifier(DOI, doi)


def _dblp(key):
    if arxiv_id := identifiers.arxiv_id_from_key(key):
        return Identifier(ARXIV, arxiv_id)
    if _dblp_key_re.match(key) and is_valid_key(key):
        return Identifier(DBLP, key)
    return None
