"""The excerpt of a text: a bounded prefix of its Markdown, rendered like the text itself.

A card (homepage, profile) prints a summary's excerpt rather than the whole text, so that
a page of cards weighs the same whatever people wrote; pages that list comments (a
paper's page, a profile) print comments' excerpts, under a smaller budget, for the same
reason. Formulas are what make a text heavy: each renders to one to four kilobytes of
KaTeX markup, so the budget counts them as well as characters. The excerpt is cut from
the Markdown source and rendered once, when the text is saved, through the same path as
the text; cutting rendered HTML would mean parsing it on every read and could split a
formula's markup.

The cut falls between top-level blocks (paragraphs, lists, headings, fenced code,
display math) and never inside a fenced code block, a formula or a ``\\cite{}``: those
are found by ``markup.math.protect``, the renderer's own first step, so what counts as a
formula here is exactly what the renderer treats as one. When the first block alone is
over the budget it is cut at a word boundary and ends with "…".

Every step is a linear scan: the excerpt of any text, however written (no blank lines,
nothing but dollars, fences never closed), costs time in proportion to its length.
"""

from __future__ import annotations

import re
import secrets
from bisect import bisect_right
from dataclasses import dataclass

from .fences import fenced_blocks
from .math import CITE, DOLLAR, MATH, normalize, protect

__all__ = [
    "CHARS",
    "COMMENT_CHARS",
    "COMMENT_FORMULAS",
    "ELLIPSIS",
    "FORMULAS",
    "Excerpt",
    "count_formulas",
    "excerpt",
]

# A card's worth: about as much as the cards showed when long texts were folded, with
# room for a dozen formulas, 12 to 48 KB of markup. Formulas of the large kind can make
# that too much, so `summaries.excerpts.render_excerpt` holds the HTML to a limit as well.
CHARS = 1500
FORMULAS = 12

# A comment's worth, for the pages that list many comments (a paper's page shows up to
# 75 under its summaries): a few lines and two small formulas, which is all of most
# comments. Held to a limit of HTML as well (`summaries.excerpts.COMMENT`).
COMMENT_CHARS = 400
COMMENT_FORMULAS = 2

ELLIPSIS = "…"

_WORD_RE = re.compile(r"\S+")
_HEADING_RE = re.compile(r" {0,3}#{1,6}(?:[ \t]|$)")


@dataclass(frozen=True, slots=True)
class Excerpt:
    text: str  # Markdown; the text as given when it was not cut
    cut: bool  # False: `text` is the whole text


def excerpt(text: str, *, max_chars: int = CHARS, max_formulas: int = FORMULAS) -> Excerpt:
    """The longest run of whole top-level blocks of `text` within the budget.

    `max_chars` counts characters of the source, formulas and citations at their
    written length; `max_formulas` counts formulas and ``\\cite{}``s alike (a citation
    renders to a link carrying the cited paper's title). When the blocks that fit fill
    less than half the budget, the first block that does not fit is cut within, at a
    word boundary (at a line, for code), so that a short opening line followed by a long
    list still gives a card something to read.
    """
    if not text:
        return Excerpt(text or "", False)
    cutter = _Cutter(normalize(text))
    while True:
        prefix = cutter.prefix(max_chars, max_formulas)
        if prefix is None:
            return Excerpt(text, False)
        # The budget counted the formulas of the whole text; a prefix can read otherwise
        # at its very end (an inline code span left open), so it is counted again.
        if max_chars == 0 or count_formulas(prefix) <= max_formulas:
            return Excerpt(prefix, True)
        max_chars //= 2


def count_formulas(text: str) -> int:
    """How many formulas and citations the renderer will find in `text`."""
    found = protect(normalize(text), secrets.token_hex(8))
    return sum(1 for math in found.maths if math != DOLLAR) + len(found.citations)


class _Cutter:
    """A text split into blocks once, for prefixes under one budget or several."""

    def __init__(self, source: str) -> None:
        # The nonce keeps a placeholder written by the user from passing for a real one.
        nonce = secrets.token_hex(8)
        found = protect(source, nonce)
        self.text = text = found.text
        self.placeholder = re.compile(f"(?:{MATH}|{CITE}){nonce}n(\\d+)e")
        # Each placeholder: its span, its source, whether it counts against the budget.
        self.cut_outs: list[tuple[int, int, str, bool]] = []
        for m in self.placeholder.finditer(text):
            index = int(m.group(1))
            if m.group(0).startswith(MATH):
                math = found.maths[index]
                self.cut_outs.append((m.start(), m.end(), math.source, math != DOLLAR))
            else:
                self.cut_outs.append((m.start(), m.end(), found.citations[index].source, True))
        self.starts = [start for start, *_ in self.cut_outs]
        self.blocks = _blocks(text)

    def cost(self, start: int, end: int) -> tuple[int, int]:
        """Characters of source and formulas in text[start:end], which splits no
        placeholder."""
        chars, formulas = end - start, 0
        for i in range(bisect_right(self.starts, start - 1), len(self.cut_outs)):
            ph_start, ph_end, source, counts = self.cut_outs[i]
            if ph_start >= end:
                break
            chars += len(source) - (ph_end - ph_start)
            formulas += counts
        return chars, formulas

    def source(self, start: int, end: int) -> str:
        """text[start:end] with the formulas and citations as written."""
        return self.placeholder.sub(
            lambda m: self._source_at(m.start() + start), self.text[start:end]
        )

    def _source_at(self, position: int) -> str:
        return self.cut_outs[bisect_right(self.starts, position) - 1][2]

    def prefix(self, max_chars: int, max_formulas: int) -> str | None:
        """The excerpt's Markdown, or None when the whole text fits."""
        chars = formulas = 0
        # Where each block taken ends, and whether it is a heading: an excerpt that
        # stops between blocks does not end on a heading whose section it leaves out.
        taken: list[tuple[int, bool]] = []
        for kind, start, stop in self.blocks:
            # The blank lines before a block count with it.
            gap = start - taken[-1][0] if taken else 0
            block_chars, block_formulas = self.cost(start, stop)
            block_chars += gap
            if chars + block_chars <= max_chars and formulas + block_formulas <= max_formulas:
                chars += block_chars
                formulas += block_formulas
                taken.append((stop, kind == "text" and self._is_heading(start, stop)))
                continue
            if chars * 2 >= max_chars and taken:
                while len(taken) > 1 and taken[-1][1]:
                    taken.pop()
                return self.source(0, taken[-1][0]).rstrip()
            chars += gap
            if kind == "code":
                kept = self._code_prefix(start, stop, max_chars - chars)
                if kept is not None:
                    return self.source(0, start) + kept
            cut = self._word_cut(start, stop, max_chars - chars, max_formulas - formulas)
            return self.source(0, cut).rstrip() + ELLIPSIS
        return None

    def _is_heading(self, start: int, stop: int) -> bool:
        return all(_HEADING_RE.match(line) for line in self.text[start:stop].splitlines())

    def _word_cut(self, start: int, stop: int, max_chars: int, max_formulas: int) -> int:
        """Where to cut text[start:stop]: after the last whole word within the budget;
        within the first word if even that is over it, but never inside a placeholder."""
        end = start
        chars = formulas = 0
        for word in _WORD_RE.finditer(self.text, start, stop):
            word_chars, word_formulas = self.cost(end, word.end())
            if chars + word_chars > max_chars or formulas + word_formulas > max_formulas:
                break
            chars += word_chars
            formulas += word_formulas
            end = word.end()
        else:
            return stop
        if end > start:
            return end
        # One word longer than the budget: as many of its characters as fit. `limit` is
        # where the budget ends in the text, which moves as placeholders stand in for
        # sources of other lengths.
        limit = start + max(max_chars, 0)
        i = bisect_right(self.starts, start - 1)
        while i < len(self.cut_outs) and self.cut_outs[i][0] < limit:
            ph_start, ph_end, source, counts = self.cut_outs[i]
            moved = limit + (ph_end - ph_start) - len(source)
            if ph_end > moved or formulas + counts > max_formulas:
                return ph_start
            limit = moved
            formulas += counts
            i += 1
        return min(limit, stop)

    def _code_prefix(self, start: int, stop: int, max_chars: int) -> str | None:
        """A fenced code block cut after a line and closed again, or None when not even
        its opening line fits."""
        first = self.text.index("\n", start) + 1
        last = self.text.rindex("\n", start, stop - 1) + 1
        closing = self.text[last:stop].rstrip("\n")
        used = (first - start) + len(closing) + len(ELLIPSIS) + 1
        if used > max_chars:
            return None
        end = first
        while end < last:
            line_end = self.text.index("\n", end) + 1
            used += line_end - end
            if used > max_chars:
                break
            end = line_end
        return self.source(start, end) + ELLIPSIS + "\n" + closing


def _blocks(text: str) -> list[tuple[str, int, int]]:
    """The top-level blocks of `text` as (kind, start, end): "code" for a fenced code
    block (as markup.fences finds them, the renderer's own rule), "text" for a run of
    non-blank lines; the blank lines between them are left out."""
    blocks: list[tuple[str, int, int]] = []
    pos = 0
    for block in fenced_blocks(text):
        blocks.extend(_runs(text, pos, block.start))
        blocks.append(("code", block.start, block.end))
        pos = block.end
    blocks.extend(_runs(text, pos, len(text)))
    return blocks


def _runs(text: str, pos: int, stop: int) -> list[tuple[str, int, int]]:
    """The runs of non-blank lines in text[pos:stop], which holds no fenced code."""
    runs = []
    run_start = None
    while pos < stop:
        newline = text.find("\n", pos, stop)
        end = stop if newline < 0 else newline + 1
        if text[pos:end].strip():
            if run_start is None:
                run_start = pos
        elif run_start is not None:
            runs.append(("text", run_start, pos))
            run_start = None
        pos = end
    if run_start is not None:
        runs.append(("text", run_start, stop))
    return runs
