"""User-written Markdown with LaTeX math, turned into sanitized HTML.

Every summary, comment and abstract goes through ``render`` once, when it is saved; the
result is stored next to ``RENDERER_VERSION`` and printed with ``|safe``.

The steps, each in its own module:

1. markup.math: code is found and left alone; math and ``\\cite{...}`` outside it are
   cut out and replaced by placeholders.
2. markup.md: Python-Markdown turns the rest into HTML, with each flavor's rules for
   headings and images.
3. Citations are put back as links (markup.citations), so that they are sanitized with
   the rest; markup.sanitize then runs bleach: allowlist, linkify, old-site links,
   ``rel`` on links.
4. markup.katex renders all formulas in one call and checks KaTeX's markup.
5. The formulas are put in place of their placeholders (only in text, never inside
   attributes).
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping

from .citations import citation_html, valid_keys
from .katex import render_maths
from .math import CITE, MATH, normalize, protect, put_back
from .md import convert
from .sanitize import user_cleaner

__all__ = ["RENDERER_VERSION", "FLAVORS", "cited_keys", "render"]

# Stored next to each rendered text: bump on any change to the output.
RENDERER_VERSION = 4

FLAVORS = ("summary", "comment", "abstract")


def render(
    text: str,
    *,
    flavor: str = "summary",
    sanitize: bool = True,
    citations: Mapping[str, tuple[str, str]] | None = None,
) -> str:
    """Markdown with math to sanitized HTML, safe to print with ``|safe``.

    ``citations`` maps a cited key, lowercased, to ``(canonical key, title)`` for the
    papers the site has; other valid keys link to their (empty) page all the same,
    marked ``citation-unknown``.

    ``sanitize=False`` exists for one purpose: the XSS tests show, by turning it off,
    that their check detects what the sanitizers remove. Nothing else may pass it.
    """
    if flavor not in FLAVORS:
        raise ValueError(f"unknown flavor {flavor!r}; expected one of {FLAVORS}")
    nonce = secrets.token_hex(8)
    found = protect(normalize(text or ""), nonce)
    body = convert(found.text, flavor)
    if found.citations:
        cites = found.citations
        body = put_back(
            body,
            CITE,
            nonce,
            [c.source for c in cites],
            lambda i, in_link: citation_html(cites[i], citations, in_link=in_link),
        )
    if sanitize:
        body = user_cleaner(flavor).clean(body)
    if not found.maths:
        return body
    rendered = render_maths(found.maths, sanitize=sanitize)
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
