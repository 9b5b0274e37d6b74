"""Code blocks found in linear time: fenced blocks, and raw ``<pre>`` blocks.

Python-Markdown's fenced_code extension finds blocks with one regular expression whose
``hl_lines="…"`` part may run across lines and whose body is matched lazily up to a
closing fence: on text full of unclosed openers its time grows with the cube of the
text's length (600 openers, 8 KB, took 43 s). Here the text is read once, line by line:

- An opener is a line that starts with three or more backticks or tildes, followed by
  ``{attributes}``, or an optional language and an optional ``hl_lines="…"``, all on
  that line (Python-Markdown let ``hl_lines`` run on; no real block needs that).
- Its block ends at the first later line that is the same fence and spaces; an opener
  without one is ordinary text. Closing lines are indexed by fence, so each opener
  finds its closer in logarithmic time however many openers go unclosed.

``markup.math`` skips these blocks (and raw ``<pre>``) when it looks for formulas, and
``markup.md`` turns the fenced ones into highlighted code: both read the same blocks.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from dataclasses import dataclass

__all__ = ["FencedBlock", "code_blocks", "fenced_blocks"]

_FENCE_LINE_RE = re.compile(r"^(?:`{3,}|~{3,})[^\n]*", re.MULTILINE)
# After the fence and its spaces: a language (optionally dotted) and hl_lines on the same
# line. The quoted part cannot contain its own quote, so matching is linear.
_INFO_RE = re.compile(
    r"\.?(?P<lang>[\w#.+-]*)[ ]*(?:hl_lines=(?P<q>[\"'])(?P<hl>[^\"'\n]*)(?P=q)[ ]*)?"
)
_ATTR_RE = re.compile(
    r"\.(?P<cls>[^\s=\"'{}]+)|(?P<key>[\w-]+)=(?:\"(?P<dq>[^\"]*)\"|'(?P<sq>[^']*)'|(?P<bare>\S*))|\S+"
)
_PRE_OPEN_RE = re.compile(r"<pre\b", re.IGNORECASE)
_PRE_CLOSE_RE = re.compile(r"</pre\s*>", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class FencedBlock:
    start: int  # offset of the opening fence
    end: int  # offset just past the closing fence's line (its newline included)
    lang: str
    hl_lines: str
    code: str  # the lines between the fences, each with its newline


def _opener(line: str) -> tuple[str, str, str] | None:
    """(fence, lang, hl_lines) when ``line``, which starts with a fence, opens a block."""
    char = line[0]
    length = len(line) - len(line.lstrip(char))
    fence, info = line[:length], line[length:].lstrip(" ")
    if info.startswith("{"):
        if not info.endswith("}"):
            return None
        lang, hl_lines = _attributes(info[1:-1])
        return fence, lang, hl_lines
    m = _INFO_RE.fullmatch(info)
    if m is None:
        return None
    return fence, m.group("lang") or "", m.group("hl") or ""


def _attributes(text: str) -> tuple[str, str]:
    """The language (first class) and hl_lines of ``{.python hl_lines="2 3"}``."""
    lang = hl_lines = ""
    for m in _ATTR_RE.finditer(text):
        if m.group("cls") and not lang:
            lang = m.group("cls")
        elif m.group("key") == "hl_lines":
            hl_lines = m.group("dq") or m.group("sq") or m.group("bare") or ""
    return lang, hl_lines


def fenced_blocks(text: str) -> Iterator[FencedBlock]:
    """The fenced code blocks of ``text``, in order; they never overlap."""
    # Only lines that start with a fence can open or close a block: the rest of the text
    # is never split into lines here.
    candidates = [(m.start(), m.end(), m.group(0)) for m in _FENCE_LINE_RE.finditer(text)]
    closers: dict[str, list[int]] = {}
    for index, (_, _, line) in enumerate(candidates):
        stripped = line.rstrip(" ")
        if stripped.strip(stripped[0]) == "":
            closers.setdefault(stripped, []).append(index)
    index = 0
    while index < len(candidates):
        start, end, line = candidates[index]
        opened = _opener(line) if end < len(text) else None  # an opener ends with "\n"
        if opened is None:
            index += 1
            continue
        fence, lang, hl_lines = opened
        found = closers.get(fence, [])
        after = bisect_right(found, index)
        if after == len(found):
            index += 1
            continue
        close = found[after]
        close_start, close_end, _ = candidates[close]
        block_end = close_end + 1 if close_end < len(text) else close_end
        yield FencedBlock(start, block_end, lang, hl_lines, text[end + 1 : close_start])
        index = close + 1


def _pre_blocks(text: str) -> Iterator[tuple[int, int]]:
    """Raw ``<pre …>…</pre>`` blocks, each ended by the first closing tag after it."""
    closes = [(m.start(), m.end()) for m in _PRE_CLOSE_RE.finditer(text)]
    close_starts = [start for start, _ in closes]
    gts = [i for i, char in enumerate(text) if char == ">"] if closes else []
    pos = 0
    for m in _PRE_OPEN_RE.finditer(text):
        if m.start() < pos:
            continue
        gt = bisect_left(gts, m.end())
        if gt == len(gts):
            return
        found = bisect_right(close_starts, gts[gt])
        if found == len(closes):
            return
        pos = closes[found][1]
        yield m.start(), pos


def code_blocks(text: str) -> list[tuple[int, int]]:
    """(start, end) of every fenced or raw ``<pre>`` block, in order, not overlapping.

    Where the two kinds overlap, the one that starts first wins, as in a single scan.
    """
    blocks = []
    pos = 0
    fenced = [(b.start, b.end) for b in fenced_blocks(text)]
    pres = list(_pre_blocks(text))
    i = j = 0
    while i < len(fenced) or j < len(pres):
        while i < len(fenced) and fenced[i][0] < pos:
            i += 1
        while j < len(pres) and pres[j][0] < pos:
            j += 1
        if i < len(fenced) and (j >= len(pres) or fenced[i][0] <= pres[j][0]):
            block = fenced[i]
        elif j < len(pres):
            block = pres[j]
        else:
            break
        blocks.append(block)
        pos = block[1]
    return blocks
