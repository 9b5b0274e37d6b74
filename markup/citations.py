"""``\\cite{key}`` in prose: links to the cited papers' pages, and a summary's references.

The markup module knows no papers: the caller looks the keys up (``cited_keys`` in
markup.render lists them) and passes what it found, a ``CitedPaper`` for each key the
site knows. A link names the work the way a paper's reference does, first author and
year: "[Goodfellow et al., 2014]", "[Kingma and Ba, 2015]", "[Shannon, 1948]"; its
tooltip holds the canonical key and the title. A paper the site does not have yet still
gets its link, whose page offers to add it, and reads ``[key]``: the key is all there is
to show.

A summary that cites ends with its references (``references_html``): each cited work
once, in the order of its first citation, with authors, title, venue and year. Comments
and abstracts get none: a comment's citations are a remark in a conversation, and a
list under each would outweigh most comments; an abstract is the paper's own text.

Surnames (``surname``) follow one rule: the last word of the name, with the words in
lower case just before it (the particles of "Laurens van der Maaten", "Ludwig van
Beethoven"), leaving out a DBLP homonym number ("Wei Liu 0005") and "Jr."-like suffixes.

A citation's address is only ever `paper_path`'s, of a valid key (both the papers
app's rules, see markup.paper_links): the paper's own page, or the page of a key not
yet known. Raw HTML may carry a citation's class too, so the sanitizer keeps a link as a
citation only when its address is one of these (`is_citation_href`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from html import escape
from typing import NamedTuple

from .math import Citation
from .paper_links import is_valid_key, paper_path

__all__ = [
    "CITATION_LINK_CLASSES",
    "CITATION_SPAN_CLASSES",
    "REFERENCES_CLASS",
    "UNKNOWN_TITLE",
    "CitedPaper",
    "author_year",
    "citation_html",
    "is_citation_href",
    "references_html",
    "surname",
    "valid_keys",
]


class CitedPaper(NamedTuple):
    """What a citation shows of a paper the site has."""

    key: str  # the canonical key
    title: str
    authors: tuple[str, ...] = ()  # in the paper's order; may end in "others"
    year: int | None = None
    venue: str = ""


KNOWN_CLASS = "citation"
UNKNOWN_CLASS = "citation citation-unknown"
INVALID_CLASS = "citation citation-invalid"
CITATION_LINK_CLASSES = frozenset({KNOWN_CLASS, UNKNOWN_CLASS})
CITATION_SPAN_CLASSES = frozenset({INVALID_CLASS})
UNKNOWN_TITLE = "Not in the catalogue yet"
REFERENCES_CLASS = "references"
# BibTeX's "and others", as the stored author lists keep it (papers.models.MORE_AUTHORS).
_MORE_AUTHORS = "others"
_NAME_SUFFIXES = frozenset({"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"})
# Names shown in a reference before "et al.", and characters of any shown name or list:
# the stored list of a paper may run to thousands of names, and a summary may cite
# hundreds of papers (markup.limits.MAX_CITED_KEYS).
_REFERENCE_AUTHORS = 3
_MAX_SHOWN = 200

# "[a], [b]" for \cite{a,b}: each key its own link.
_SEPARATOR = ", "


def valid_keys(citation: Citation) -> list[str]:
    return [key for key in citation.keys if is_valid_key(key)]


def citation_html(
    citation: Citation,
    known: Mapping[str, CitedPaper] | None,
    *,
    in_link: bool = False,
) -> str:
    """HTML for one ``\\cite{...}``; inside a link, its text only (links do not nest)."""
    return _SEPARATOR.join(_key_html(key, known, in_link) for key in citation.keys)


def _target(key: str, known: Mapping[str, CitedPaper] | None) -> CitedPaper | None:
    return known.get(key.lower()) if known and is_valid_key(key) else None


def _key_html(key: str, known: Mapping[str, CitedPaper] | None, in_link: bool) -> str:
    target = _target(key, known)
    if target is not None:
        key = target.key
        label, title, css_class = author_year(target), f"{key}: {target.title}", KNOWN_CLASS
    else:
        label, title, css_class = key, UNKNOWN_TITLE, UNKNOWN_CLASS
    # The canonical key too: a stored key from before the rules were this strict must
    # not make an address either.
    if not is_valid_key(key):
        return f'<span class="{INVALID_CLASS}">[{escape(key)}]</span>'
    label = f"[{escape(label)}]"
    if in_link:
        return label
    href = escape(paper_path(key))
    return f'<a class="{css_class}" href="{href}" title="{escape(title)}">{label}</a>'


def author_year(paper: CitedPaper) -> str:
    """How a citation names the work: "Goodfellow et al., 2014", "Kingma and Ba, 2015",
    "Shannon, 1948"; the key when the paper has no authors on record."""
    names = [name for name in paper.authors[:3] if name]
    more = len(paper.authors) > 2 or names[-1:] == [_MORE_AUTHORS]
    names = [name for name in names if name != _MORE_AUTHORS]
    if not names:
        return paper.key
    first = surname(names[0])
    if more:
        who = f"{first} et al."
    elif len(names) == 2:
        who = f"{first} and {surname(names[1])}"
    else:
        who = first
    who = _clip(who)
    return f"{who}, {paper.year}" if paper.year else who


def surname(name: str) -> str:
    """The surname of a name written given names first (see the module's docstring)."""
    words = name.split()
    while len(words) > 1 and (words[-1].isdigit() or words[-1].lower() in _NAME_SUFFIXES):
        words.pop()
    first = len(words) - 1
    # The first word stays a given name, whatever its case.
    while first > 1 and words[first - 1][:1].islower():
        first -= 1
    return " ".join(words[first:])


def references_html(keys: Iterable[str], known: Mapping[str, CitedPaper] | None) -> str:
    """The references of a text whose citations name ``keys`` (in order, repeats
    allowed): each work once, in the order of its first citation. Keys that cannot be
    keys are left out, as they name no paper."""
    items: dict[str, str] = {}
    for key in keys:
        if not is_valid_key(key):
            continue
        target = _target(key, known)
        if target is not None:
            key = target.key
            if not is_valid_key(key):
                continue
        if key.lower() not in items:
            items[key.lower()] = _reference_html(key, target)
    if not items:
        return ""
    # h3: a summary's own top heading level (markup.md), under the page's h1 and h2.
    return (
        f'<div class="{REFERENCES_CLASS}"><h3>References</h3><ol>'
        + "".join(items.values())
        + "</ol></div>"
    )


def _reference_html(key: str, paper: CitedPaper | None) -> str:
    href = escape(paper_path(key))
    if paper is None:
        return (
            f'<li><a class="{UNKNOWN_CLASS}" href="{href}" title="{UNKNOWN_TITLE}">'
            f"{escape(key)}</a></li>"
        )
    names = [name for name in paper.authors if name]
    more = names[-1:] == [_MORE_AUTHORS]
    if more:
        names = names[:-1]
    if len(names) > _REFERENCE_AUTHORS:
        names, more = names[:_REFERENCE_AUTHORS], True
    authors = _clip(", ".join(names) + (" et al." if more else ""))
    link = f'<a class="{KNOWN_CLASS}" href="{href}" title="{escape(key)}">{escape(paper.title)}</a>'
    where = ", ".join(part for part in (paper.venue, str(paper.year or "")) if part)
    parts = [_sentence(escape(authors)), _sentence(link, paper.title), _sentence(escape(where))]
    return "<li>" + " ".join(part for part in parts if part) + "</li>"


def _sentence(html: str, text: str | None = None) -> str:
    """``html`` ended with a full stop, unless its text ends a sentence already."""
    text = html if text is None else text
    return html if not text or text[-1] in ".?!" else f"{html}."


def _clip(text: str) -> str:
    return text if len(text) <= _MAX_SHOWN else text[: _MAX_SHOWN - 1].rstrip() + "…"


def is_citation_href(href: str) -> bool:
    """Whether `href` (entities decoded) is an address `citation_html` makes: the page
    of a valid key, exactly as `paper_path` writes it. Anything else that comes dressed
    as a citation (`/&#9;/host/paper`, which a browser reads as `//host/paper`) is not."""
    prefix = paper_path("k")[: -len("k/")]
    if not (href.startswith(prefix) and href.endswith("/")):
        return False
    key = href[len(prefix) : -1]
    return is_valid_key(key) and paper_path(key) == href
