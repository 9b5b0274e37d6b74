"""User-written Markdown with LaTeX math, turned into sanitized HTML.

Every summary, comment and abstract goes through ``render`` once, when it is saved; the
result is stored next to ``RENDERER_VERSION`` and printed with ``|safe``.

The steps, each in its own module:

0. markup.limits: a text whose constructs would make the steps below slow is refused
   (``Refused``, whose message names the limit), and so is one whose output is too
   large; markup.watchdog stops a render that overruns all the same.
1. markup.math: code is found and left alone; math and ``\\cite{...}`` outside it are
   cut out and replaced by placeholders.
2. markup.md: Python-Markdown turns the rest into HTML, with each flavor's rules for
   headings and images.
3. Citations are put back as links (markup.citations), and a summary gets its list of
   references, so that they are sanitized with the rest; markup.sanitize then runs
   bleach: allowlist, linkify, old-site links, ``rel`` on links.
4. markup.katex renders all formulas in one call and checks KaTeX's markup.
5. The formulas are put in place of their placeholders (only in text, never inside
   attributes).
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from html import escape

from . import limits
from .citations import CitedPaper, citation_html, references_html, valid_keys
from .katex import render_maths
from .limits import Refused
from .math import CITE, DOLLAR, MATH, Math, normalize, protect, put_back
from .md import convert
from .mentions import link_mentions
from .sanitize import user_cleaner
from .watchdog import Overrun, deadline

__all__ = [
    "RENDERER_VERSION",
    "FLAVORS",
    "Refused",
    "cited_keys",
    "has_math",
    "refusal_html",
    "render",
    "render_title",
]

# Stored next to each rendered text: bump on any change to the output.
RENDERER_VERSION = 8

# Seconds. Texts within the limits render in a fraction of this; see markup.watchdog.
RENDER_DEADLINE = 5.0

FLAVORS = ("summary", "comment", "abstract")


def render(
    text: str,
    *,
    flavor: str = "summary",
    sanitize: bool = True,
    citations: Mapping[str, CitedPaper] | None = None,
    references: bool = True,
    mentions: Mapping[str, tuple[str, str]] | None = None,
) -> str:
    """Markdown with math to sanitized HTML, safe to print with ``|safe``.

    ``citations`` maps a cited key, lowercased, to the paper the site has under it;
    other valid keys link to their (empty) page all the same, marked
    ``citation-unknown``. A summary that cites ends with its references, unless
    ``references`` is false (an excerpt: the whole text has them). ``mentions`` maps a
    mentioned name, lowercased, to (username, profile path) of a user the site has:
    their ``@name`` becomes a link (markup.mentions).

    Raises ``Refused`` for a text over one of markup.limits' limits, or one that took
    longer than ``RENDER_DEADLINE``.

    ``sanitize=False`` exists for one purpose: the XSS tests show, by turning it off,
    that their check detects what the sanitizers remove. Nothing else may pass it.
    """
    if flavor not in FLAVORS:
        raise ValueError(f"unknown flavor {flavor!r}; expected one of {FLAVORS}")
    try:
        with deadline(RENDER_DEADLINE):
            html = _render(
                text, flavor, sanitize, citations, references and flavor == "summary", mentions
            )
    except Overrun:
        raise Refused(
            f"This text took more than {RENDER_DEADLINE:g} seconds to render. Simplify it "
            "or split it up."
        ) from None
    limits.check_html(html)
    return html


def refusal_html(error: Refused) -> str:
    """What a stored text shows when it could not be rendered (it came in without a form
    that would have refused it, or a later renderer refuses it)."""
    return f'<p class="render-refused">This text cannot be shown: {escape(str(error))}</p>'


def _render(text, flavor, sanitize, citations, references, mentions=None):
    nonce = secrets.token_hex(8)
    text = normalize(text or "")
    limits.check_source(text)
    found = protect(text, nonce)
    limits.check_prose(
        found.text,
        formulas=sum(1 for m in found.maths if m is not DOLLAR),
        tex=sum(len(m.tex) for m in found.maths),
        cited_keys=sum(len(c.keys) for c in found.citations),
    )
    body = convert(found.text, flavor)
    limits.check_markup(body)
    if found.citations:
        cites = found.citations
        body = put_back(
            body,
            CITE,
            nonce,
            [c.source for c in cites],
            lambda i, in_link: citation_html(cites[i], citations, in_link=in_link),
        )
        if references:
            body += references_html((key for c in cites for key in c.keys), citations)
    if sanitize:
        body = user_cleaner(flavor).clean(body)
    # On the sanitized HTML, whose tags are found exactly; math is still placeholders.
    body = link_mentions(body, mentions)
    if not found.maths:
        return body
    rendered = render_maths(found.maths, sanitize=sanitize)
    return put_back(body, MATH, nonce, [m.source for m in found.maths], lambda i, _: rendered[i])


def has_math(title: str) -> bool:
    """Whether a title may hold math (or an escaped dollar) for ``render_title``: most
    titles have neither a dollar sign nor a backslash, and need no rendering at all."""
    return "$" in title or "\\" in title


def render_title(title: str) -> str:
    """A paper's title as HTML: its inline math through KaTeX, every other character as
    plain text. No Markdown: a title's ``*`` and ``_`` are its own. Display math
    (``$$…$$``) is set inline, as a title is one line. "" for a title without math,
    which pages print as the text it is (see ``has_math``).

    Titles are at most 500 characters (Paper.title), so the scan and the formulas are
    bounded by that; a formula KaTeX refuses shows as its error box, as elsewhere.
    """
    if not has_math(title):
        return ""
    nonce = secrets.token_hex(8)
    found = protect(normalize(title), nonce)
    if not found.maths:
        return ""
    # The placeholders are letters and digits: escaping leaves them as they are.
    body = escape(" ".join(found.text.split()), quote=False)
    if found.citations:
        cites = [c.source for c in found.citations]
        body = put_back(body, CITE, nonce, cites, lambda i, _: escape(cites[i], quote=False))
    inline = [m if m is DOLLAR else Math(m.source, m.tex, False) for m in found.maths]
    rendered = render_maths(inline)
    return put_back(body, MATH, nonce, [m.source for m in found.maths], lambda i, _: rendered[i])


def cited_keys(text: str) -> list[str]:
    """The valid keys ``\\cite``d in prose (not in code or math), first spelling first.

    Unique whatever their case, in order of first appearance; keys that cannot be keys
    (see papers.keys) are left out, as no paper has them.
    """
    seen: set[str] = set()
    keys: list[str] = []
    for citation in protect(normalize(text or ""), "0" * 16).citations:
        for key in valid_keys(citation):
            if key.lower() not in seen:
                seen.add(key.lower())
                keys.append(key)
    return keys
