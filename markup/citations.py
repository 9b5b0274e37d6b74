"""``\\cite{key}`` in prose: links to the cited papers' pages.

The markup module knows no papers: the caller looks the keys up (``cited_keys`` in
markup.render lists them) and passes what it found. A link reads ``[key]``, in the
canonical spelling when the paper is known: keys are what authors type, they are short
and stable, and the paper's title is in the link's tooltip. A paper the site does not
have yet still gets its link, whose page offers to add it.

A citation's address is only ever `reverse()`'s, of a valid key (papers.keys): the
paper's own page, as `Paper.get_absolute_url` gives it, or the page of a key not yet
known. Raw HTML may carry a citation's class too, so the sanitizer keeps a link as a
citation only when its address is one of these (`is_citation_href`).
"""

from __future__ import annotations

from collections.abc import Mapping
from html import escape

from django.urls import reverse

from papers.keys import is_valid_key

from .math import Citation

__all__ = [
    "CITATION_LINK_CLASSES",
    "CITATION_SPAN_CLASSES",
    "UNKNOWN_TITLE",
    "citation_html",
    "is_citation_href",
    "valid_keys",
]

KNOWN_CLASS = "citation"
UNKNOWN_CLASS = "citation citation-unknown"
INVALID_CLASS = "citation citation-invalid"
CITATION_LINK_CLASSES = frozenset({KNOWN_CLASS, UNKNOWN_CLASS})
CITATION_SPAN_CLASSES = frozenset({INVALID_CLASS})
UNKNOWN_TITLE = "Not in the catalogue yet"

# "[a], [b]" for \cite{a,b}: each key its own link.
_SEPARATOR = ", "


def valid_keys(citation: Citation) -> list[str]:
    return [key for key in citation.keys if is_valid_key(key)]


def citation_html(
    citation: Citation,
    known: Mapping[str, tuple[str, str]] | None,
    *,
    in_link: bool = False,
) -> str:
    """HTML for one ``\\cite{...}``; inside a link, its text only (links do not nest)."""
    return _SEPARATOR.join(_key_html(key, known, in_link) for key in citation.keys)


def _key_html(key: str, known: Mapping[str, tuple[str, str]] | None, in_link: bool) -> str:
    target = known.get(key.lower()) if known and is_valid_key(key) else None
    if target is not None:
        key, title = target
        css_class = KNOWN_CLASS
    else:
        title, css_class = UNKNOWN_TITLE, UNKNOWN_CLASS
    # The canonical key too: a stored key from before the rules were this strict must
    # not make an address either.
    if not is_valid_key(key):
        return f'<span class="{INVALID_CLASS}">[{escape(key)}]</span>'
    label = f"[{escape(key)}]"
    if in_link:
        return label
    href = escape(paper_path(key))
    return f'<a class="{css_class}" href="{href}" title="{escape(title)}">{label}</a>'


def paper_path(key: str) -> str:
    """The address of the paper page of `key`, a valid key: what `Paper.get_absolute_url`
    answers for the paper that has it."""
    return reverse("papers:detail", args=[key])


def is_citation_href(href: str) -> bool:
    """Whether `href` (entities decoded) is an address `citation_html` makes: the page
    of a valid key, exactly as `paper_path` writes it. Anything else that comes dressed
    as a citation (`/&#9;/host/paper`, which a browser reads as `//host/paper`) is not."""
    prefix = paper_path("k")[: -len("k/")]
    if not (href.startswith(prefix) and href.endswith("/")):
        return False
    key = href[len(prefix) : -1]
    return is_valid_key(key) and paper_path(key) == href
