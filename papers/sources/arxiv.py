"""arXiv's API: one paper's Atom entry from `<ARXIV_API_URL>?id_list=<id>`.

The feed's format is described in arXiv's API user manual: an Atom `<feed>` with one
`<entry>` per id, holding `<id>`, `<title>`, `<summary>`, `<published>`, `<author><name>`
and arXiv's own elements such as `<arxiv:doi>`. An id arXiv does not have comes back as
an empty feed, or as an entry titled "Error" whose id points into /api/errors.
"""

from urllib.parse import urlencode

from django.conf import settings

from .. import identifiers
from . import http
from .base import NotFound, PaperMetadata, SourceError, author_name, paragraphs, read_xml, squash

ATOM = "{http://www.w3.org/2005/Atom}"
ARXIV = "{http://arxiv.org/schemas/atom}"
SERVICE = "arXiv"
# arXiv lists a handful of categories for a paper; more is no answer of arXiv's.
MAX_CATEGORIES = 10


def fetch(arxiv_id):
    query = urlencode({"id_list": arxiv_id, "max_results": 1})
    body = http.get(
        f"{settings.ARXIV_API_URL}?{query}",
        service=SERVICE,
        what=f"arXiv:{arxiv_id}",
        accept="application/atom+xml",
    )
    return parse(body, arxiv_id)


def parse(body, arxiv_id):
    feed = read_xml(body, SERVICE)
    if feed.tag != f"{ATOM}feed":
        raise SourceError(f"{SERVICE} sent an answer that could not be read.")
    entry = feed.find(f"{ATOM}entry")
    if entry is None:
        raise NotFound(f"{SERVICE} does not know arXiv:{arxiv_id}.")
    entry_id = squash(entry.findtext(f"{ATOM}id"))
    title = squash(entry.findtext(f"{ATOM}title"))
    if "/api/errors" in entry_id or title == "Error" or not title:
        raise NotFound(f"{SERVICE} does not know arXiv:{arxiv_id}.")
    # The entry's id is its abstract page, with the version: http://arxiv.org/abs/<id>v5.
    found_id = identifiers.normalize_arxiv_id(entry_id.rpartition("/abs/")[2]) or arxiv_id
    published = squash(entry.findtext(f"{ATOM}published"))
    doi = identifiers.normalize_doi(entry.findtext(f"{ARXIV}doi") or "")
    primary = entry.find(f"{ARXIV}primary_category")
    terms = [primary.get("term")] if primary is not None else []
    terms += [category.get("term") for category in entry.findall(f"{ATOM}category")]
    categories = list(dict.fromkeys(squash(term) for term in terms if term and squash(term)))
    return PaperMetadata(
        source=SERVICE,
        title=title,
        authors=[
            author_name(name.text)
            for name in entry.findall(f"{ATOM}author/{ATOM}name")
            if squash(name.text)
        ],
        venue="arXiv",
        year=int(published[:4]) if published[:4].isdigit() else None,
        abstract=paragraphs(entry.findtext(f"{ATOM}summary")),
        url=identifiers.arxiv_abs_url(found_id),
        arxiv_id=found_id,
        doi=doi,
        categories=categories[:MAX_CATEGORIES],
    )
