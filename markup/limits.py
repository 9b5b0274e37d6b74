"""What one text may ask of the renderer, so that any text renders in bounded time and size.

The length limits of the forms bound a text's size; they do not bound its cost.
Python-Markdown and html5lib (under bleach) are fast on prose, but some of their paths
grow with the square of how many times a construct repeats (headings on consecutive
lines, unclosed links, footnote references, open tags) and KaTeX's output grows with
nesting. Each limit below caps one such count, read in one linear pass before anything
expensive runs, at a level no real summary comes near; ``Refused`` names the limit that
was hit, and the forms show that message with the text kept.

Two checks come after the work they bound: the size of Markdown's output before it is
sanitized, and the size of the finished HTML. A formula that is too deep or renders
too large is shown as an error box in place, like any formula KaTeX rejects.

``markup.watchdog`` stops a render that still overruns: a backstop, not the design.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .fences import code_blocks

__all__ = [
    "MAX_FORMULA_DEPTH",
    "MAX_FORMULA_HTML",
    "MAX_HTML",
    "MAX_MARKUP",
    "Refused",
    "check_html",
    "check_markup",
    "check_prose",
    "check_source",
    "formula_depth",
]


class Refused(ValueError):
    """A text the site will not render; the message says which limit, for its writer."""


@dataclass(frozen=True, slots=True)
class _Count:
    pattern: re.Pattern[str]
    maximum: int
    what: str  # plural noun phrase, as the writer would call it


# Python-Markdown and html5lib spend about 0.1-0.3 ms on each element they make, so a
# text's cost follows how much markup it asks for. These are counted in its prose:
# outside code blocks, with formulas and citations already cut out (their own limits
# follow). Each maximum is far above what a long, real summary uses (the longest demo
# summary has a few dozen of each) and keeps the worst text within the time budget.
_PROSE_COUNTS = (
    _Count(re.compile(r"[*_`\[<&\\|~]"), 6_000, "markup characters (* _ ` [ < & \\ | ~)"),
    _Count(re.compile(r"\[\^"), 200, "footnote references"),
    _Count(re.compile(r"\][(\[]"), 1_000, "links and images"),
    _Count(re.compile(r"://"), 1_000, "web addresses"),
    _Count(re.compile(r"</?[A-Za-z]"), 1_000, "HTML tags"),
)
MAX_LINES = 10_000
MAX_CODE_BLOCKS = 200
# A run of non-blank lines is one block to Python-Markdown, which splits it one line at
# a time when its lines are headings or rules: the cost grows with the block's length
# times the number of lines split off.
MAX_BLOCK_LINES = 1_000
# Nested quotes and lists: the parser recurses once per level.
MAX_QUOTE_DEPTH = 16
MAX_LIST_INDENT = 64
MAX_FORMULAS = 1_000
# KaTeX's time and output follow the TeX it is given (up to about 150 bytes of markup
# per character when formulas nest): this keeps a text's formulas near a second at worst.
MAX_TEX = 20_000
MAX_CITED_KEYS = 500
# TeX groups, \left…\right pairs and environments inside each other, in one formula.
MAX_FORMULA_DEPTH = 24
# Characters of KaTeX markup for one formula; a deep formula can expand a hundredfold.
MAX_FORMULA_HTML = 100_000
# Markdown's output before sanitizing: html5lib reads it at about 1 MB a second.
MAX_MARKUP = 400_000
# The stored HTML of one text, formulas included.
MAX_HTML = 2_000_000

_QUOTE_RE = re.compile(r"^[ ]{0,3}((?:>[ ]?)+)", re.MULTILINE)
_LIST_RE = re.compile(r"^([ ]*)(?:[*+-]|\d+[.)])[ ]", re.MULTILINE)
_BLANK_RUN_RE = re.compile(r"\n[ \t]*\n")


def _outside_code(text: str, blocks: list[tuple[int, int]]) -> list[str]:
    pieces, pos = [], 0
    for start, end in blocks:
        pieces.append(text[pos:start])
        pos = end
    pieces.append(text[pos:])
    return pieces


def _too_many(count: int, maximum: int, what: str, advice: str) -> Refused:
    return Refused(f"This text has {count:,} {what}; the limit is {maximum:,}. {advice}")


def check_source(text: str) -> None:
    """Refuse a (normalized) text whose structure would make rendering slow."""
    lines = text.count("\n") + 1
    if lines > MAX_LINES:
        raise _too_many(lines, MAX_LINES, "lines", "Shorten it.")
    blocks = code_blocks(text)
    if len(blocks) > MAX_CODE_BLOCKS:
        raise _too_many(len(blocks), MAX_CODE_BLOCKS, "code blocks", "Merge some of them.")
    for piece in _outside_code(text, blocks):
        for block in _BLANK_RUN_RE.split(piece):
            lines = block.count("\n") + 1
            if lines > MAX_BLOCK_LINES:
                raise _too_many(
                    lines,
                    MAX_BLOCK_LINES,
                    "lines without a blank line between them",
                    "Add blank lines between paragraphs.",
                )
        for m in _QUOTE_RE.finditer(piece):
            depth = m.group(1).count(">")
            if depth > MAX_QUOTE_DEPTH:
                raise Refused(
                    f"This text nests quotes {depth:,} levels deep; the limit is {MAX_QUOTE_DEPTH}."
                )
        for m in _LIST_RE.finditer(piece):
            if len(m.group(1)) > MAX_LIST_INDENT:
                raise Refused(
                    f"This text indents a list item by {len(m.group(1)):,} spaces; the "
                    f"limit is {MAX_LIST_INDENT}."
                )


def check_prose(text: str, formulas: int, tex: int, cited_keys: int) -> None:
    """Refuse a text that asks for too much markup, formulas or citations.

    ``text`` has its formulas and citations replaced by placeholders (markup.math).
    """
    if formulas > MAX_FORMULAS:
        raise _too_many(
            formulas, MAX_FORMULAS, "formulas", "Split it up or write fewer, longer formulas."
        )
    if tex > MAX_TEX:
        raise _too_many(
            tex, MAX_TEX, "characters of formulas", "Split it up or simplify its formulas."
        )
    if cited_keys > MAX_CITED_KEYS:
        raise _too_many(cited_keys, MAX_CITED_KEYS, "citations", "Cite fewer papers.")
    pieces = _outside_code(text, code_blocks(text))
    for count in _PROSE_COUNTS:
        found = sum(len(count.pattern.findall(piece)) for piece in pieces)
        if found > count.maximum:
            raise _too_many(found, count.maximum, count.what, "Simplify it or split it up.")


def check_markup(markup: str) -> None:
    if len(markup) > MAX_MARKUP:
        raise Refused(
            f"This text makes {len(markup) // 1000:,} KB of markup before its formulas; the "
            f"limit is {MAX_MARKUP // 1000:,} KB. Shorten it or use fewer tables and links."
        )


def check_html(html: str) -> None:
    if len(html) > MAX_HTML:
        raise Refused(
            f"This text renders to {len(html) / 1e6:.1f} MB of HTML; the limit is "
            f"{MAX_HTML / 1e6:.0f} MB. Use fewer or simpler formulas."
        )


_DEPTH_TOKEN_RE = re.compile(r"\\(?:left|right|begin|end)\b|\\.|[{}]", re.DOTALL)
_OPEN = {"{", "\\left", "\\begin"}
_CLOSE = {"}", "\\right", "\\end"}


def formula_depth(tex: str) -> int:
    """How deeply groups, \\left…\\right and environments nest in ``tex``; one pass."""
    depth = deepest = 0
    for m in _DEPTH_TOKEN_RE.finditer(tex):
        token = m.group(0)
        if token in _OPEN:
            depth += 1
            deepest = max(deepest, depth)
        elif token in _CLOSE:
            depth = max(depth - 1, 0)
    return deepest
