"""The formatting help page: docs/syntax.md, rendered by the renderer it documents.

Each example in the document is a fenced ``markdown`` block followed by one or more
HTML comments that say what it renders to::

    ```markdown
    ~~Wrong~~ right.
    ```
    <!-- renders: <p><del>Wrong</del> right.</p> -->
    <!-- contains as comment: <del>Wrong</del> -->

``renders`` is the whole output, ``contains`` a fragment of it (for math, whose KaTeX
markup is long); ``as comment`` or ``as abstract`` names the flavor, summary otherwise.
The page shows each example's source as code and, below it, what it renders to in the
first check's flavor. tests/shortscience/test_syntax_page.py renders every example and holds it to
its checks, so the page cannot drift from what the site does.

The document is static: the page is rendered once per process and kept.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils.html import escape

from markup.render import render

__all__ = ["SOURCE", "Check", "Example", "examples", "page_html", "parse"]

SOURCE = Path(settings.BASE_DIR) / "docs" / "syntax.md"

# An example's opening fence on a line of its own; it closes at the same fence.
_OPENER_RE = re.compile(r"^(`{3,})markdown[ ]*$", re.MULTILINE)
# The checks after an example: comments, with only blank space between them.
_CHECK_RE = re.compile(
    r"\s*<!--[ ]*(?P<kind>renders|contains)(?:[ ]+as[ ]+(?P<flavor>comment|abstract))?:"
    r"[ ]*(?P<html>.*?)[ ]*-->",
    re.DOTALL,
)
_LABELS = {"summary": "Shows as", "comment": "In a comment, shows as", "abstract": "Shows as"}


@dataclass(frozen=True, slots=True)
class Check:
    kind: str  # "renders" (the whole output) or "contains" (a fragment of it)
    flavor: str
    html: str


@dataclass(frozen=True, slots=True)
class Example:
    source: str
    checks: tuple[Check, ...]
    code_end: int  # just past its closing fence, in the document
    end: int  # just past its last check

    @property
    def flavor(self) -> str:
        """The flavor the page shows it in: its first check's."""
        return self.checks[0].flavor if self.checks else "summary"


def parse(text: str) -> list[Example]:
    """The examples of a document, in order."""
    found = []
    pos = 0
    while m := _OPENER_RE.search(text, pos):
        fence = m.group(1)
        close = re.compile(rf"^{fence}[ ]*$", re.MULTILINE).search(text, m.end())
        if close is None:
            raise ValueError(f"an example opened at offset {m.start()} is not closed")
        source = text[m.end() + 1 : close.start()].removesuffix("\n")
        end = close.end()
        checks = []
        while check := _CHECK_RE.match(text, end):
            checks.append(
                Check(check.group("kind"), check.group("flavor") or "summary", check.group("html"))
            )
            end = check.end()
        found.append(Example(source, tuple(checks), close.end(), end))
        pos = end
    return found


def examples() -> list[Example]:
    return parse(SOURCE.read_text())


@functools.cache
def page_html() -> str:
    """The document rendered, each example followed by what it renders to."""
    text = SOURCE.read_text()
    found = parse(text)
    # Each example's checks give way to a marker paragraph, which the rendered page has
    # as <p>marker</p> right after the example's code: there its result goes.
    marker = "syntaxexample{}end"
    pieces, pos = [], 0
    for index, example in enumerate(found):
        pieces.append(text[pos : example.code_end])
        pieces.append(f"\n\n{marker.format(index)}\n\n")
        pos = example.end
    pieces.append(text[pos:])
    html = render("".join(pieces))
    for index, example in enumerate(found):
        result = render(example.source, flavor=example.flavor)
        box = (
            f'<div class="syntax-result"><p class="syntax-result-label">'
            f"{escape(_LABELS[example.flavor])}:</p>"
            f'<div class="rendered">{result}</div></div>'
        )
        html = html.replace(f"<p>{marker.format(index)}</p>", box, 1)
    return html
