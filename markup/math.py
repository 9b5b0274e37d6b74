"""Step 1 of rendering: find code, cut out math and citations; and put them back at the end.

Math is cut out of the text before Markdown sees it, so that ``_``, ``*``, ``\\`` and
braces inside a formula reach KaTeX untouched. Code (fenced, indented, inline spans and
raw ``<pre>``/``<code>``) is found first and left alone, so dollars in code stay code.
``\\cite{key}`` travels the same way, so that keys with ``_`` or ``*`` are not read as
emphasis and a ``\\cite`` in code or in a formula is not a citation. So does a LaTeX
environment written in prose without ``$$`` (``\\begin{align}...\\end{align}``, see
markup.environments): it is a display formula, and its ``\\\\`` and ``*`` are TeX's.

Each cut-out is replaced by an opaque alphanumeric placeholder carrying a per-call nonce,
which Markdown passes through as a word and users cannot forge.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from html import escape
from urllib.parse import quote

from .environments import DISPLAY_ENVIRONMENTS, Numbering, environment_ends, environment_name
from .fences import code_blocks

__all__ = [
    "DOLLAR",
    "Citation",
    "Math",
    "Protected",
    "normalize",
    "protect",
    "put_back",
]

# Placeholder prefixes: the kind of cut-out, then the nonce, then "n<index>e".
MATH = "mathph"
CITE = "citeph"

# C0 controls other than tab and newline are invalid in HTML, and Markdown uses STX/ETX
# for its own placeholders.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def normalize(text: str) -> str:
    # Same tab and newline handling as Markdown's own first step, so that positions and
    # indentation seen here are the ones Markdown sees.
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL_RE.sub("", text).expandtabs(4)


@dataclass(frozen=True, slots=True)
class Math:
    source: str  # as written, delimiters included
    tex: str
    display: bool


@dataclass(frozen=True, slots=True)
class Citation:
    source: str  # as written, "\cite{...}" included
    keys: tuple[str, ...]  # as written, stripped, empty entries dropped


@dataclass(slots=True)
class Protected:
    text: str
    maths: list[Math] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)
    numbering: Numbering = field(default_factory=Numbering)
    # Whether \ref{...} and \eqref{...} in prose are read as references to equations:
    # only in a text that has labels, so that any other use of them stays as written.
    refs: bool = False


# A literal dollar (written ``\$``) also travels as a placeholder: Markdown has no escape
# for ``$`` and would print the backslash.
DOLLAR = Math("$", "", False)

_LINE_RE = re.compile(r"[^\n]*\n|[^\n]+")
_LIST_ITEM_RE = re.compile(r"( *)(?:[*+-]|\d+\.)[ ]+\S")
_INLINE_CODE_START_RE = re.compile(r"\\[\s\S]|`+|(?i:<code\b[^>]*>)")
_RAW_CODE_END_RE = re.compile(r"</code\s*>", re.IGNORECASE)
# "\cite{" and "\begin{" are tried before the general escape, which would otherwise take
# "\c" and "\b".
_START_RE = re.compile(r"\\cite\{|\\begin\{|\\[\s\S]|\$\$?")
_START_WITH_REFS_RE = re.compile(r"\\cite\{|\\begin\{|\\(?:eq)?ref\{|\\[\s\S]|\$\$?")
_PROSE_REF_RE = re.compile(r"\\(?:eq)?ref\{[^{}\\\n]{0,64}\}")
_ESCAPE_OR_DOLLAR_RE = re.compile(r"\\[\s\S]|\$")
_ESCAPE_OR_DOUBLE_DOLLAR_RE = re.compile(r"\\[\s\S]|\$\$")
_ESCAPE_RE = re.compile(r"\\[\s\S]")
# A citation stays on one line: a stray "\cite{" must not swallow list markers or rows.
_CITE_BODY_RE = re.compile(r"([^{}\n]*)\}")


def protect(text: str, nonce: str) -> Protected:
    """Replace math and citations outside code by placeholders; text must be normalized."""
    found = Protected("", refs="\\label{" in text)
    out: list[str] = []
    pos = 0
    for start, end in code_blocks(text):
        _protect_blocks(text[pos:start], nonce, found, out)
        out.append(text[start:end])
        pos = end
    _protect_blocks(text[pos:], nonce, found, out)
    found.text = "".join(out)
    # References are resolved once every label is known: they may point forward.
    numbering = found.numbering
    found.maths = [
        m if m is DOLLAR else Math(m.source, numbering.refer(m.tex), m.display) for m in found.maths
    ]
    return found


def _protect_blocks(segment: str, nonce: str, found: Protected, out: list[str]) -> None:
    """Handle the paragraphs (runs of non-blank lines) of text that has no fenced code.

    Indented code blocks are recognised as Markdown does: four spaces of indentation after
    a blank line, except inside a list, where four spaces only continue the item and code
    needs four more than the item's content.
    """
    lines = [(m.start(), m.end()) for m in _LINE_RE.finditer(segment)]
    list_indent: int | None = None
    i = 0
    while i < len(lines):
        start = lines[i][0]
        blank = not segment[lines[i][0] : lines[i][1]].strip()
        j = i
        while j < len(lines) and (not segment[lines[j][0] : lines[j][1]].strip()) == blank:
            j += 1
        end = lines[j - 1][1]
        block = segment[start:end]
        i = j
        if blank:
            out.append(block)
            continue
        indent = len(block) - len(block.lstrip(" "))
        threshold = 4 if list_indent is None else list_indent // 4 * 4 + 8
        if indent >= threshold:
            out.append(block)
            continue
        if indent < 4 and not _LIST_ITEM_RE.match(block):
            list_indent = None
        for line in block.split("\n"):
            item = _LIST_ITEM_RE.match(line)
            if item and (list_indent is not None or len(item.group(1)) < 4):
                list_indent = len(item.group(1))
        out.append(_protect_paragraph(block, nonce, found))


def _code_spans(block: str) -> list[tuple[int, int]]:
    """Inline code spans of a paragraph, found the way Markdown finds them."""
    spans = []
    pos = 0
    # Once no "</code>" follows an opener, none follows a later one: not searching again
    # keeps a paragraph of unclosed <code> tags linear.
    closes_left = True
    while m := _INLINE_CODE_START_RE.search(block, pos):
        token = m.group(0)
        pos = m.end()
        if token[0] == "\\":
            continue
        if token[0] == "`":
            end = _code_span_end(block, m.start(), len(token))
        else:
            close = _RAW_CODE_END_RE.search(block, m.end()) if closes_left else None
            closes_left = close is not None
            end = close.end() if close else None
        if end is not None:
            spans.append((m.start(), end))
            pos = end
    return spans


_BACKTICKS_RE = re.compile(r"`+")


def _code_span_end(text: str, begin: int, ticks: int) -> int | None:
    # Port of markdown.inlinepatterns.BacktickInlineProcessor.find_code_spans: a run of
    # the same length closes the span; failing that, the longest shorter run does.
    longest = end = 0
    for run in _BACKTICKS_RE.finditer(text, begin + ticks):
        length = run.end() - run.start()
        if length == ticks:
            return run.end()
        if length > longest:
            longest, end = length, run.end()
    return end if 0 < longest < ticks else None


def _protect_paragraph(block: str, nonce: str, found: Protected) -> str:
    spans = _code_spans(block)
    out: list[str] = []
    # Closers known to be absent up to a limit: keeps text full of unmatched "\(" linear.
    unclosed: dict[str, int] = {}
    # Where each environment of the paragraph ends, found when the first one is met.
    ends: dict[int, int] | None = None
    start_re = _START_WITH_REFS_RE if found.refs else _START_RE
    copied = scan = k = 0
    while m := start_re.search(block, scan):
        start = m.start()
        while k < len(spans) and spans[k][1] <= start:
            k += 1
        if k < len(spans) and spans[k][0] <= start:
            scan = spans[k][1]
            continue
        # Code comes first: a formula may not run into the next code span.
        limit = spans[k][0] if k < len(spans) else len(block)
        if m.group(0) == "\\cite{":
            cite = _find_citation(block, m, limit)
            if cite is None:
                scan = m.end()
                continue
            citation, end = cite
            placeholder = f"{CITE}{nonce}n{len(found.citations)}e"
            found.citations.append(citation)
        else:
            if m.group(0) == "\\begin{":
                if ends is None:
                    ends = environment_ends(block, spans)
                math = _find_environment(block, m, limit, ends)
            elif m.group(0) in ("\\ref{", "\\eqref{"):
                ref = _PROSE_REF_RE.match(block, m.start(), limit)
                math = (Math(ref.group(0), ref.group(0), False), ref.end()) if ref else None
            else:
                math = _find_math(block, m, limit, unclosed)
            if math is None:
                scan = m.end()
                continue
            formula, end = math
            if formula.display:
                formula = Math(formula.source, found.numbering.display(formula.tex), True)
            placeholder = f"{MATH}{nonce}n{len(found.maths)}e"
            found.maths.append(formula)
        out.append(block[copied:start])
        out.append(placeholder)
        copied = scan = end
    out.append(block[copied:])
    return "".join(out)


def _find_citation(block: str, m: re.Match[str], limit: int) -> tuple[Citation, int] | None:
    body = _CITE_BODY_RE.match(block, m.end(), limit)
    if body is None:
        return None
    keys = tuple(key for key in (k.strip() for k in body.group(1).split(",")) if key)
    if not keys:
        return None
    return Citation(block[m.start() : body.end()], keys), body.end()


def _find_environment(
    block: str, m: re.Match[str], limit: int, ends: dict[int, int]
) -> tuple[Math, int] | None:
    name = environment_name(block, m.end())
    end = ends.get(m.start())
    if name not in DISPLAY_ENVIRONMENTS or end is None or end > limit:
        return None
    source = block[m.start() : end]
    return Math(source, source, True), end


_CLOSERS = {
    "\\(": ("\\)", _ESCAPE_RE),
    "\\[": ("\\]", _ESCAPE_RE),
    "$$": ("$$", _ESCAPE_OR_DOUBLE_DOLLAR_RE),
}


def _find_math(
    block: str, m: re.Match[str], limit: int, unclosed: dict[str, int]
) -> tuple[Math, int] | None:
    token = m.group(0)
    body = m.end()
    if token == "\\$":
        return DOLLAR, body
    if token in _CLOSERS:
        closer, pattern = _CLOSERS[token]
        if unclosed.get(closer) == limit:
            return None
        for e in pattern.finditer(block, body, limit):
            if e.group(0) == closer:
                tex = block[body : e.start()]
                if not tex.strip():
                    return None
                return Math(block[m.start() : e.end()], tex, token != "\\("), e.end()
        unclosed[closer] = limit
        return None
    if token == "$":
        # The usual heuristic that keeps prices as text: "$" opens only before a
        # non-space, and the next unescaped "$" closes only after a non-space and
        # before a non-digit; otherwise the first "$" is just a dollar sign.
        if body >= limit or block[body].isspace():
            return None
        for e in _ESCAPE_OR_DOLLAR_RE.finditer(block, body, limit):
            if e.group(0) != "$":
                continue
            close = e.start()
            after = close + 1
            if block[close - 1].isspace() or (after < len(block) and block[after].isdigit()):
                return None
            return Math(block[m.start() : after], block[body:close], False), after
        return None
    return None


# --- Putting back --------------------------------------------------------------------------

# After bleach, whose serializer escapes "<" and ">" inside attribute values, this finds
# exactly the tags. Before bleach (citations) raw HTML may fool it, which is harmless:
# bleach parses and cleans whatever comes out.
_TAG_RE = re.compile(r"<[^>]*>")
_QUOTED_ATTR_RE = re.compile(r'([^\s="]+)="([^"]*)"')
_URL_ATTRIBUTES = frozenset({"href", "src"})
_LINK_OPEN_RE = re.compile(r"<a[\s>]", re.IGNORECASE)
_LINK_CLOSE_RE = re.compile(r"</a[\s>]", re.IGNORECASE)


def put_back(
    body: str,
    kind: str,
    nonce: str,
    sources: list[str],
    in_text: Callable[[int, bool], str],
) -> str:
    """Replace the placeholders of one kind.

    In text, a placeholder becomes ``in_text(index, inside_a_link)``; inside an attribute
    it becomes the source as written, escaped, so that no markup and no URL scheme can
    be made from it.
    """
    placeholder = re.compile(f"{kind}{nonce}n(\\d+)e")

    def url_source(m: re.Match[str]) -> str:
        # Percent-encoded, so the source can't form a scheme like "javascript:".
        return quote(sources[int(m.group(1))], safe="")

    def text_source(m: re.Match[str]) -> str:
        return escape(sources[int(m.group(1))])

    def in_attribute(attr: re.Match[str]) -> str:
        name, value = attr.groups()
        source = url_source if name in _URL_ATTRIBUTES else text_source
        return f'{name}="{placeholder.sub(source, value)}"'

    marker = f"{kind}{nonce}"
    links = 0

    def text_sub(text: str) -> str:
        if marker not in text:
            return text
        in_link = links > 0
        return placeholder.sub(lambda m: in_text(int(m.group(1)), in_link), text)

    out = []
    pos = 0
    for tag in _TAG_RE.finditer(body):
        out.append(text_sub(body[pos : tag.start()]))
        markup = tag.group(0)
        if marker in markup:
            markup = _QUOTED_ATTR_RE.sub(in_attribute, markup)
            if marker in markup:
                # Before bleach, raw HTML may quote with ' or not at all: percent-encoded
                # source is inert in any attribute.
                markup = placeholder.sub(url_source, markup)
        out.append(markup)
        if _LINK_OPEN_RE.match(markup):
            links += 1
        elif links and _LINK_CLOSE_RE.match(markup):
            links -= 1
        pos = tag.end()
    out.append(text_sub(body[pos:]))
    return "".join(out)
