"""Queries that name a paper: an arXiv id, a DOI, a link to the paper, a BibTeX key.

Researchers paste these into the search box as often as words, and a full-text search
finds nothing for them (a DOI is not words). The search view sends such a query
straight to the paper's page; the reading-list check and the API read names the same
way, so it lives here in papers, which they all build on. Whether a query is a name is
decided by reading it, with no query to the database, so that a search for words costs
nothing more; a name costs one query of index lookups (PaperQuerySet.named).
"""

from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.urls import Resolver404, resolve

from . import identifiers
from .keys import is_valid_key
from .models import Paper
from .sources import BIBTEX, identify


@dataclass(frozen=True)
class PaperName:
    """What a query names: the keys, arXiv ids and DOIs (stored forms) to look up.

    `certain`: the query can only be a name (an arXiv id, a DOI, a URL, a DBLP key), so
    a paper the site does not have is said to be missing; a word that merely looks like
    a key ("word2vec") is searched for as a word instead. `addable`: what the add page
    would take to add the paper ("" when it could not).
    """

    keys: tuple = ()
    arxiv_ids: tuple = ()
    dois: tuple = ()
    certain: bool = True
    addable: str = ""


def paper_name(query, *, hosts=()):
    """The PaperName a query is, or None when it is words to search for.

    `hosts` are the names this site answers to: a link to one of its paper pages
    (`https://<host>/paper/<key>/`, or just the path) names that paper.
    """
    # Names hold no spaces; "arXiv: 1608.06993" is the one spelling that does.
    spaced = any(char.isspace() for char in query)
    if not query or (spaced and not query.lower().startswith("arxiv:")):
        return None
    if key := _site_paper_key(query, hosts):
        arxiv_id, doi = identifiers.arxiv_id_and_doi(key)
        found = identify(key)
        return PaperName(
            keys=(key,) if is_valid_key(key) else (),
            arxiv_ids=(arxiv_id,) if arxiv_id else (),
            dois=(doi,) if doi else (),
            addable=key if found and found.kind != BIBTEX else "",
        )
    found = identify(query)
    if found is not None and found.kind != BIBTEX:
        names = {found.kind: (found.value,)}
        return PaperName(
            # A CoRR key (journals/corr/1608.06993) is a key as well as an arXiv id.
            keys=(query,) if is_valid_key(query) else names.get("dblp", ()),
            arxiv_ids=names.get("arxiv", ()),
            dois=names.get("doi", ()),
            addable=query,
        )
    if _looks_like_a_key(query):
        return PaperName(keys=(query,), certain=False)
    return None


def find_paper(name):
    """The paper a PaperName names, or None: one query. A key wins over an arXiv id or
    DOI that another paper holds, as on the paper pages (PaperQuerySet.resolve)."""
    papers = list(
        Paper.objects.named(keys=name.keys, arxiv_ids=name.arxiv_ids, dois=name.dois)
        .only("bibtex_key")
        .order_by("pk")[:5]
    )
    keys = {key.lower() for key in name.keys}
    by_key = [paper for paper in papers if paper.key_lower in keys]
    return (by_key or papers or [None])[0]


def site_hosts(request):
    """The host names a link to this site may carry: the one asked, and SITE_URL's."""
    hosts = {urlsplit(settings.SITE_URL).hostname, urlsplit(f"//{request.get_host()}").hostname}
    return {host.lower() for host in hosts if host}


def _site_paper_key(query, hosts):
    """The key in a link to one of this site's paper pages, else ""."""
    try:
        if query.startswith("/"):
            path = query
        else:
            parts = urlsplit(query if "://" in query else f"https://{query}")
            if (parts.hostname or "").lower() not in hosts:
                return ""
            path = parts.path
        match = resolve(unquote(path))
    except (ValueError, Resolver404):  # ValueError: not a URL ("http://[")
        return ""
    return match.kwargs["key"] if match.view_name == "papers:detail" else ""


def _looks_like_a_key(query):
    """A BibTeX key as people write them has letters and digits (He2016Deep,
    RenHGS15): a word of letters alone is searched for, never looked up."""
    return (
        is_valid_key(query)
        and any(char.isdigit() for char in query)
        and any(char.isalpha() for char in query)
    )
