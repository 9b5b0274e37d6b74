"""User-written Markdown with LaTeX math, turned into sanitized HTML.

Every summary, comment and abstract goes through ``render`` once, when it is saved; the
result is stored next to ``RENDERER_VERSION`` and printed with ``|safe``.

The steps:

1. Math is cut out of the text before Markdown sees it, so that ``_``, ``*``, ``\\`` and
   braces inside a formula reach KaTeX untouched. Code (fenced, indented, inline spans and
   raw ``<pre>``/``<code>``) is found first and left alone, so dollars in code stay code.
   Each formula is replaced by an opaque alphanumeric placeholder carrying a per-call nonce.
2. Python-Markdown turns the rest into HTML.
3. bleach sanitizes that HTML with a strict allowlist (no ``style``, no MathML, no SVG,
   limited classes) and linkifies bare http(s) URLs; every link gets
   ``rel="nofollow ugc noopener"``.
4. KaTeX, running in process under V8 (mini-racer), renders all formulas in one call. Its
   output is checked by ``_clean_katex``, a strict allowlist sanitizer built for KaTeX's
   markup, and put in place of the placeholders (only in text, never inside attributes).

Why KaTeX output is not fed through bleach: a formula renders to 1-4 KB of markup, so a
summary with a hundred formulas produces a few hundred KB, and bleach (html5lib, pure
Python) handles about 1 MB/s; that alone would cost several times the rendering budget.
``_clean_katex`` applies the same kind of allowlist (tags per namespace, attributes per
tag, CSS properties) to that well-formed, machine-generated markup at a fraction of the
cost, and is stricter in places (CSS values, nesting, namespaces). Anything it does not
recognise is not trusted: that fragment goes through a bleach Cleaner with the KaTeX
allowlist and a CSSSanitizer instead, and a warning is logged. User-written HTML never
gets the KaTeX allowances: it is cleaned before the formulas are put in.
"""

from __future__ import annotations

import asyncio
import atexit
import logging
import os
import re
import secrets
import threading
import time
from dataclasses import dataclass
from functools import partial
from html import escape, unescape
from pathlib import Path
from urllib.parse import quote, urlsplit
from xml.etree import ElementTree as etree

import bleach
import markdown
from bleach.css_sanitizer import CSSSanitizer
from bleach.linkifier import LinkifyFilter
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor
from py_mini_racer import JSEvalException, JSTimeoutException, MiniRacer
from pygments.token import STANDARD_TYPES

__all__ = ["RENDERER_VERSION", "FLAVORS", "render"]

logger = logging.getLogger(__name__)

# Stored next to each rendered text: bump on any change to the output.
RENDERER_VERSION = 1

FLAVORS = ("summary", "comment", "abstract")

KATEX_DIR = Path(__file__).resolve().parent.parent / "static" / "vendor" / "katex"


def render(text: str, *, flavor: str = "summary", sanitize: bool = True) -> str:
    """Markdown with math to sanitized HTML, safe to print with ``|safe``.

    ``sanitize=False`` exists for one purpose: the XSS tests show, by turning it off,
    that their check detects what the sanitizers remove. Nothing else may pass it.
    """
    if flavor not in FLAVORS:
        raise ValueError(f"unknown flavor {flavor!r}; expected one of {FLAVORS}")
    text = _normalize(text or "")
    nonce = secrets.token_hex(8)
    protected, maths = _protect_math(text, nonce)
    body = _markdown(protected, flavor)
    if sanitize:
        body = _user_cleaner(flavor).clean(body)
    if not maths:
        return body
    return _put_back(body, nonce, maths, _render_maths(maths, sanitize=sanitize))


# --- Input ---------------------------------------------------------------------------

# C0 controls other than tab and newline are invalid in HTML, and Markdown uses STX/ETX
# for its own placeholders.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def _normalize(text: str) -> str:
    # Same tab and newline handling as Markdown's own first step, so that positions and
    # indentation seen here are the ones Markdown sees.
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL_RE.sub("", text).expandtabs(4)


# --- Step 1: find code, cut out math ---------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Math:
    source: str  # as written, delimiters included
    tex: str
    display: bool


# A literal dollar (written ``\$``) also travels as a placeholder: Markdown has no escape
# for ``$`` and would print the backslash.
_DOLLAR = _Math("$", "", False)

# Markdown's own fenced-code pattern (markdown.extensions.fenced_code), so that exactly
# the blocks it treats as code are skipped; plus raw <pre> blocks, which it leaves alone.
_BLOCK_CODE_RE = re.compile(
    r"""
    (?P<fence>^(?:~{3,}|`{3,}))[ ]*
    ((\{(?P<attrs>[^\n]*)\})|
    (\.?(?P<lang>[\w#.+-]*)[ ]*)?
    (hl_lines=(?P<quot>"|')(?P<hl_lines>.*?)(?P=quot)[ ]*)?)
    \n
    (?P<code>.*?)(?<=\n)
    (?P=fence)[ ]*$
    |
    (?i:<pre\b[^>]*>.*?</pre\s*>)
    """,
    re.MULTILINE | re.DOTALL | re.VERBOSE,
)
_LINE_RE = re.compile(r"[^\n]*\n|[^\n]+")
_LIST_ITEM_RE = re.compile(r"( *)(?:[*+-]|\d+\.)[ ]+\S")
_INLINE_CODE_START_RE = re.compile(r"\\[\s\S]|`+|(?i:<code\b[^>]*>)")
_RAW_CODE_END_RE = re.compile(r"</code\s*>", re.IGNORECASE)
_MATH_START_RE = re.compile(r"\\[\s\S]|\$\$?")
_ESCAPE_OR_DOLLAR_RE = re.compile(r"\\[\s\S]|\$")
_ESCAPE_OR_DOUBLE_DOLLAR_RE = re.compile(r"\\[\s\S]|\$\$")
_ESCAPE_RE = re.compile(r"\\[\s\S]")


def _protect_math(text: str, nonce: str) -> tuple[str, list[_Math]]:
    maths: list[_Math] = []
    out: list[str] = []
    pos = 0
    for m in _BLOCK_CODE_RE.finditer(text):
        _protect_blocks(text[pos : m.start()], nonce, maths, out)
        out.append(m.group(0))
        pos = m.end()
    _protect_blocks(text[pos:], nonce, maths, out)
    return "".join(out), maths


def _protect_blocks(segment: str, nonce: str, maths: list[_Math], out: list[str]) -> None:
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
        out.append(_protect_paragraph(block, nonce, maths))


def _code_spans(block: str) -> list[tuple[int, int]]:
    """Inline code spans of a paragraph, found the way Markdown finds them."""
    spans = []
    pos = 0
    while m := _INLINE_CODE_START_RE.search(block, pos):
        token = m.group(0)
        pos = m.end()
        if token[0] == "\\":
            continue
        if token[0] == "`":
            end = _code_span_end(block, m.start(), len(token))
        else:
            close = _RAW_CODE_END_RE.search(block, m.end())
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


def _protect_paragraph(block: str, nonce: str, maths: list[_Math]) -> str:
    spans = _code_spans(block)
    out: list[str] = []
    # Closers known to be absent up to a limit: keeps text full of unmatched "\(" linear.
    unclosed: dict[str, int] = {}
    copied = scan = k = 0
    while m := _MATH_START_RE.search(block, scan):
        start = m.start()
        while k < len(spans) and spans[k][1] <= start:
            k += 1
        if k < len(spans) and spans[k][0] <= start:
            scan = spans[k][1]
            continue
        # Code comes first: a formula may not run into the next code span.
        limit = spans[k][0] if k < len(spans) else len(block)
        found = _find_math(block, m, limit, unclosed)
        if found is None:
            scan = m.end()
            continue
        math, end = found
        out.append(block[copied:start])
        out.append(f"mathph{nonce}n{len(maths)}e")
        maths.append(math)
        copied = scan = end
    out.append(block[copied:])
    return "".join(out)


_CLOSERS = {
    "\\(": ("\\)", _ESCAPE_RE),
    "\\[": ("\\]", _ESCAPE_RE),
    "$$": ("$$", _ESCAPE_OR_DOUBLE_DOLLAR_RE),
}


def _find_math(
    block: str, m: re.Match[str], limit: int, unclosed: dict[str, int]
) -> tuple[_Math, int] | None:
    token = m.group(0)
    body = m.end()
    if token == "\\$":
        return _DOLLAR, body
    if token in _CLOSERS:
        closer, pattern = _CLOSERS[token]
        if unclosed.get(closer) == limit:
            return None
        for e in pattern.finditer(block, body, limit):
            if e.group(0) == closer:
                tex = block[body : e.start()]
                if not tex.strip():
                    return None
                return _Math(block[m.start() : e.end()], tex, token != "\\("), e.end()
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
            return _Math(block[m.start() : after], block[body:close], False), after
        return None
    return None


# --- Step 2: Markdown ------------------------------------------------------------------

_MARKDOWN_EXTENSIONS = ["fenced_code", "tables", "footnotes", "sane_lists", "codehilite"]
_MARKDOWN_CONFIG = {
    "codehilite": {"css_class": "highlight", "guess_lang": False, "noclasses": False},
    # Alignment as an attribute: inline styles are not allowed in user content.
    "tables": {"use_align_attribute": True},
}
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})


def _markdown(text: str, flavor: str) -> str:
    # A fresh instance per call: Markdown objects keep per-document state and are not
    # thread-safe, and building one costs about a millisecond.
    md = markdown.Markdown(
        extensions=[*_MARKDOWN_EXTENSIONS, _FlavorExtension(flavor)],
        extension_configs=_MARKDOWN_CONFIG,
        output_format="html",
    )
    return md.convert(text)


class _FlavorExtension(Extension):
    def __init__(self, flavor: str) -> None:
        super().__init__()
        self.flavor = flavor

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 (Markdown's API)
        # After "inline" (20), which creates the <img> elements.
        md.treeprocessors.register(_FlavorTreeprocessor(md, self.flavor), "flavor", 15)


class _FlavorTreeprocessor(Treeprocessor):
    """Comments get no headings and no images; abstracts get no headings.

    Their text is kept: a heading becomes a paragraph in bold, an image a link to it.
    """

    def __init__(self, md: markdown.Markdown, flavor: str) -> None:
        super().__init__(md)
        self.headings = flavor == "summary"
        self.images = flavor != "comment"

    def run(self, root: etree.Element) -> None:
        for el in list(root.iter()):
            if el.tag in _HEADINGS and not self.headings:
                strong = etree.Element("strong")
                strong.text = el.text
                strong.extend(list(el))
                tail = el.tail
                el.clear()
                el.tag, el.tail = "p", tail
                el.append(strong)
            elif el.tag == "img" and not self.images:
                src, alt, title = el.get("src", ""), el.get("alt", ""), el.get("title")
                el.attrib.clear()
                if _is_http_url(src):
                    el.tag = "a"
                    el.set("href", src)
                    if title:
                        el.set("title", title)
                    el.text = alt or src
                else:
                    el.tag = "span"
                    el.text = alt


def _is_http_url(value: str) -> bool:
    try:
        parts = urlsplit(value.strip())
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.netloc)


# --- Step 3: sanitize what the user wrote ----------------------------------------------

_BASE_TAGS = frozenset(
    {
        "p", "br", "hr", "strong", "em", "del", "code", "pre", "blockquote",
        "ul", "ol", "li", "a", "table", "thead", "tbody", "tr", "th", "td",
        "sup", "sub", "div", "span", "dl", "dt", "dd",
    }
)  # fmt: skip
_USER_TAGS = {
    "summary": _BASE_TAGS | _HEADINGS | {"img"},
    "abstract": _BASE_TAGS | {"img"},
    "comment": _BASE_TAGS,
}
_LINK_PROTOCOLS = frozenset({"http", "https", "mailto"})
_LINK_REL = "nofollow ugc noopener"

# Classes are limited to what Markdown's extensions produce, so that user-written HTML
# cannot borrow the site's layout classes (a full-page overlay, say).
_PYGMENTS_CLASSES = frozenset(c for c in STANDARD_TYPES.values() if c) | {"hll"}
_DIV_CLASSES = frozenset({"highlight", "footnote"})
_LINK_CLASSES = frozenset({"footnote-ref", "footnote-backref"})
_LANGUAGE_CLASS_RE = re.compile(r"language-[\w#+.-]+")
_FOOTNOTE_ID_RE = re.compile(r"fn(?:ref\d*)?:[^\s\"'<>]+")


def _allow_user_attribute(tag: str, name: str, value: str) -> bool:
    if tag == "a":
        return name in ("href", "title") or (name == "class" and value in _LINK_CLASSES)
    if tag == "img":
        return name in ("alt", "title") or (name == "src" and _is_http_url(value))
    if name == "class":
        if tag == "span":
            return value in _PYGMENTS_CLASSES
        if tag == "div":
            return value in _DIV_CLASSES
        return tag == "code" and _LANGUAGE_CLASS_RE.fullmatch(value) is not None
    if name == "id":
        return tag in ("sup", "li") and _FOOTNOTE_ID_RE.fullmatch(value) is not None
    if name == "align":
        return tag in ("th", "td") and value in ("left", "right", "center")
    if name == "start":
        return tag == "ol" and value.isdigit()
    return False


def _link_attributes(attrs: dict, new: bool = False) -> dict | None:
    """Linkify callback: bare http(s) URLs only, and every outgoing link gets the rel."""
    if new and not attrs.get("_text", "").lower().startswith(("http://", "https://")):
        return None  # "model.pt" or "numpy.org" in prose stays text
    href = attrs.get((None, "href"))
    if href and not href.startswith("#"):
        attrs[(None, "rel")] = _LINK_REL
    return attrs


# bleach Cleaners keep parser state and are not thread-safe: one per thread and flavor.
_cleaners = threading.local()


def _user_cleaner(flavor: str) -> bleach.Cleaner:
    cleaners = _cleaners.__dict__.setdefault("user", {})
    cleaner = cleaners.get(flavor)
    if cleaner is None:
        cleaner = cleaners[flavor] = bleach.Cleaner(
            tags=_USER_TAGS[flavor],
            attributes=_allow_user_attribute,
            protocols=_LINK_PROTOCOLS,
            strip=False,
            strip_comments=True,
            filters=[
                partial(
                    LinkifyFilter,
                    callbacks=[_link_attributes],
                    skip_tags={"pre", "code"},
                    parse_email=False,
                )
            ],
        )
    return cleaner


# --- Step 4: math with KaTeX -----------------------------------------------------------

KATEX_OPTIONS = {
    "throwOnError": True,
    "trust": False,
    "strict": "ignore",
    "output": "htmlAndMathml",
    "maxSize": 50,
    "maxExpand": 1000,
}
MAX_TEX_LENGTH = 10_000
_HEAP_LIMIT = 256 * 1024 * 1024
# Seconds. A formula takes well under a millisecond: these only stop runaway input.
_BATCH_TIMEOUT = 5.0
_FORMULA_TIMEOUT = 1.0
_RETRY_BUDGET = 5.0

_JS_RENDER_BATCH = """
globalThis.renderMathBatch = function (items, options) {
  var out = [];
  for (var i = 0; i < items.length; i++) {
    var opts = Object.assign({}, options, {displayMode: items[i][1]});
    try {
      out.push([true, katex.renderToString(items[i][0], opts)]);
    } catch (e) {
      out.push([false, e instanceof katex.ParseError
        ? e.message : "Could not render this formula: " + String(e)]);
    }
  }
  return out;
};
"""


def _render_maths(maths: list[_Math], *, sanitize: bool = True) -> list[str]:
    rendered = [""] * len(maths)
    todo = []
    for i, math in enumerate(maths):
        if math is _DOLLAR:
            rendered[i] = "$"
        elif len(math.tex) > MAX_TEX_LENGTH:
            message = f"Formula too long ({len(math.tex)} characters, at most {MAX_TEX_LENGTH})"
            rendered[i] = _error_html(math, message)
        else:
            todo.append(i)
    results = _katex([[maths[i].tex, maths[i].display] for i in todo])
    memo: dict = {}
    for i, (ok, value) in zip(todo, results, strict=True):
        if not ok:
            rendered[i] = _error_html(maths[i], value)
        else:
            rendered[i] = _clean_katex_or_bleach(value, memo) if sanitize else value
    return rendered


def _error_html(math: _Math, message: str) -> str:
    css_class = "math-error math-error-display" if math.display else "math-error"
    message = escape(message)
    return (
        f'<span class="{css_class}" title="{message}">'
        f'<code class="math-error-source">{escape(math.source)}</code> '
        f'<span class="math-error-message">{message}</span></span>'
    )


class _Engine:
    """KaTeX loaded into one V8 isolate."""

    def __init__(self) -> None:
        source = (KATEX_DIR / "katex.min.js").read_text(encoding="utf-8")
        self._racer = MiniRacer()
        try:
            self._racer.set_hard_memory_limit(_HEAP_LIMIT)
            self._racer.eval(source)
            self._racer.eval(_JS_RENDER_BATCH)
        except BaseException:
            self._racer.close()
            raise

    def render(self, items: list, timeout: float) -> list:
        # call() JSON-encodes the arguments: TeX never becomes JavaScript source.
        return self._racer.call("renderMathBatch", items, KATEX_OPTIONS, timeout_sec=timeout)

    def close(self) -> None:
        self._racer.close()


# One engine per process, created on first use; renders are serialized through the lock.
_engine: _Engine | None = None
_engine_lock = threading.Lock()


def _get_engine() -> _Engine:
    global _engine
    if _engine is None:
        _engine = _new_engine()
    return _engine


def _new_engine() -> _Engine:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return _Engine()
    # mini-racer would adopt this thread's event loop, which may be gone by the next call;
    # built from a thread without a loop, the engine runs one of its own.
    box: dict = {}

    def build() -> None:
        try:
            box["engine"] = _Engine()
        except BaseException as exc:  # handed to the caller below
            box["error"] = exc

    thread = threading.Thread(target=build, name="katex-engine-setup")
    thread.start()
    thread.join()
    if "error" in box:
        raise box["error"]
    return box["engine"]


def _discard_engine() -> None:
    global _engine
    engine, _engine = _engine, None
    if engine is not None:
        try:
            engine.close()
        except Exception:
            logger.exception("Could not close the KaTeX engine")


def _katex(items: list) -> list:
    if not items:
        return []
    with _engine_lock:
        engine = _get_engine()
        try:
            return engine.render(items, _BATCH_TIMEOUT)
        except JSTimeoutException:
            logger.warning("Rendering %d formulas timed out; retrying one by one", len(items))
        except JSEvalException:
            logger.exception("KaTeX engine failed; starting a new one")
            _discard_engine()
        # One formula at a time, so that only the culprit is lost.
        results = []
        deadline = time.monotonic() + _RETRY_BUDGET
        for item in items:
            if time.monotonic() > deadline:
                results.append([False, "Not rendered: the formulas of this text took too long"])
                continue
            try:
                results.extend(_get_engine().render([item], _FORMULA_TIMEOUT))
            except JSTimeoutException:
                results.append([False, "This formula took too long to render"])
            except JSEvalException:
                logger.exception("KaTeX engine failed on one formula; starting a new one")
                _discard_engine()
                results.append([False, "This formula could not be rendered"])
        return results


@atexit.register
def _close_engine_at_exit() -> None:
    # Left to garbage collection during interpreter shutdown, the engine's teardown can
    # deadlock on its event-loop thread; closing it here, while threads still run, can't.
    if _engine_lock.acquire(timeout=2):
        try:
            _discard_engine()
        finally:
            _engine_lock.release()


def _before_fork() -> None:
    # A V8 isolate does not survive fork(): freeing the parent's in the child aborts the
    # process. Close it first; each side builds a new one when it next needs it.
    _engine_lock.acquire()
    _discard_engine()


def _after_fork_in_child() -> None:
    global _engine_lock
    _engine_lock = threading.Lock()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(
        before=_before_fork,
        after_in_parent=lambda: _engine_lock.release(),
        after_in_child=_after_fork_in_child,
    )


# --- KaTeX's markup: the allowlist and its sanitizer -------------------------------------

_MATHML_NS = "http://www.w3.org/1998/Math/MathML"
_SVG_NS = "http://www.w3.org/2000/svg"

# Every element and attribute KaTeX emits with trust off (collected from its output over
# a wide sample of formulas and from its source), grouped by the namespace of the parent.
# "style" is kept on span and svg only: elsewhere it styles the visually hidden MathML.
_KATEX_ELEMENTS: dict[str, dict[str, frozenset[str]]] = {
    "html": {
        "span": frozenset({"class", "style", "aria-hidden"}),
        "math": frozenset({"xmlns", "display"}),
        "svg": frozenset({"xmlns", "width", "height", "viewBox", "preserveAspectRatio", "style"}),
    },
    "mathml": {
        "semantics": frozenset(),
        "annotation": frozenset({"encoding"}),
        "mrow": frozenset(),
        "mi": frozenset({"mathvariant"}),
        "mn": frozenset({"mathvariant"}),
        "mo": frozenset({"fence", "separator", "stretchy", "lspace", "rspace", "mathvariant"})
        | {"minsize", "maxsize", "largeop", "movablelimits"},
        "ms": frozenset(),
        "mtext": frozenset({"mathvariant"}),
        "mspace": frozenset({"width", "height", "depth", "linebreak", "mathbackground"}),
        "msup": frozenset(),
        "msub": frozenset(),
        "msubsup": frozenset(),
        "mfrac": frozenset({"linethickness"}),
        "msqrt": frozenset(),
        "mroot": frozenset(),
        "mover": frozenset({"accent"}),
        "munder": frozenset({"accentunder"}),
        "munderover": frozenset({"accent", "accentunder"}),
        "mtable": frozenset(
            {"columnalign", "columnlines", "columnspacing", "rowlines", "rowspacing", "width"}
        ),
        "mtr": frozenset(),
        "mtd": frozenset({"class", "width"}),
        "mstyle": frozenset({"displaystyle", "scriptlevel", "mathcolor", "mathsize"}),
        "mpadded": frozenset({"width", "height", "depth", "lspace", "voffset", "mathbackground"}),
        "mphantom": frozenset(),
        "menclose": frozenset({"notation"}),
    },
    "svg": {
        "path": frozenset({"d"}),
        "line": frozenset({"x1", "y1", "x2", "y2", "stroke-width"}),
    },
}
_CHILD_NAMESPACE = {"math": "mathml", "svg": "svg"}
_KATEX_XMLNS = {"math": _MATHML_NS, "svg": _SVG_NS}
KATEX_CSS_PROPERTIES = frozenset(
    {
        "background-color", "border-bottom-width", "border-color", "border-right-style",
        "border-right-width", "border-style", "border-top-width", "border-width", "bottom",
        "color", "height", "left", "margin", "margin-left", "margin-right", "margin-top",
        "min-width", "padding-left", "position", "top", "vertical-align", "width",
    }
)  # fmt: skip
_CSS_VALUE_RE = re.compile(r"[\w.#%+ -]+")  # lengths, numbers, keywords, #hex: no functions
_POSITIONS = frozenset({"relative", "absolute"})
_KATEX_CLASS_RE = re.compile(r"[\w -]*")
_KATEX_TOKEN_RE = re.compile(
    r'<(/?)([a-zA-Z][a-zA-Z0-9]*)((?:\s+[a-zA-Z][a-zA-Z0-9:-]*\s*=\s*"[^"<>]*")*)\s*(/?)>|[^<]+'
)
# KaTeX writes some attributes as class ="..."
_STYLE_ATTR_RE = re.compile(r'\bstyle="([^"]*)"')
_KATEX_ATTR_RE = re.compile(r'([a-zA-Z][a-zA-Z0-9:-]*)\s*=\s*"([^"<>]*)"')


class _Unexpected(Exception):
    pass


def _clean_katex_or_bleach(fragment: str, memo: dict) -> str:
    try:
        return _clean_katex(fragment, memo)
    except _Unexpected as exc:
        logger.warning("Unexpected KaTeX markup (%s): sanitizing the formula with bleach", exc)
        # CSSSanitizer checks property names only; apply the value checks too.
        return _STYLE_ATTR_RE.sub(
            lambda m: f'style="{_clean_katex_style(unescape(m.group(1)))}"',
            _katex_cleaner().clean(fragment),
        )


def _clean_katex(fragment: str, memo: dict) -> str:
    """KaTeX's markup, rebuilt from allowlisted pieces.

    Accepts only a strict subset of HTML: double-quoted attributes without "<" or ">",
    text without "<", balanced tags, and each element only where KaTeX puts it (MathML
    inside <math>, SVG inside <svg>), so no browser can parse it differently. Attributes
    and CSS declarations outside the allowlist are dropped; anything else raises
    _Unexpected.
    """
    out = []
    stack: list[tuple[str, str]] = []
    pos = 0
    for m in _KATEX_TOKEN_RE.finditer(fragment):
        if m.start() != pos:
            raise _Unexpected(f"stray '<' at {pos}")
        pos = m.end()
        closing, tag, attributes, self_closing = m.groups()
        if tag is None:
            out.append(m.group(0))
        elif closing:
            if attributes or self_closing or not stack or stack.pop()[0] != tag:
                raise _Unexpected(f"unbalanced </{tag}>")
            out.append(m.group(0))
        else:
            namespace = stack[-1][1] if stack else "html"
            allowed = _KATEX_ELEMENTS[namespace].get(tag)
            if allowed is None:
                raise _Unexpected(f"<{tag}> in {namespace}")
            key = (tag, attributes)
            cleaned = memo.get(key)
            if cleaned is None:
                cleaned = memo[key] = _clean_katex_attributes(tag, attributes, allowed)
            if self_closing:
                if namespace == "html" and tag == "span":
                    raise _Unexpected("self-closing <span/>")
                out.append(f"<{tag}{cleaned}/>")
            else:
                stack.append((tag, _CHILD_NAMESPACE.get(tag, namespace)))
                out.append(f"<{tag}{cleaned}>")
    if pos != len(fragment) or stack:
        raise _Unexpected("unterminated markup")
    return "".join(out)


def _clean_katex_attributes(tag: str, attributes: str, allowed: frozenset[str]) -> str:
    kept = []
    for name, value in _KATEX_ATTR_RE.findall(attributes):
        if name not in allowed:
            continue
        if name == "style":
            value = _clean_katex_style(value)
            if not value:
                continue
        elif name == "class":
            if not _KATEX_CLASS_RE.fullmatch(value):
                continue
        elif name == "xmlns" and value != _KATEX_XMLNS.get(tag):
            continue
        kept.append(f' {name}="{value}"')
    return "".join(kept)


def _clean_katex_style(style: str) -> str:
    kept = []
    for declaration in style.split(";"):
        name, colon, value = declaration.partition(":")
        name, value = name.strip().lower(), value.strip()
        if (
            colon
            and name in KATEX_CSS_PROPERTIES
            and _CSS_VALUE_RE.fullmatch(value)
            and (name != "position" or value in _POSITIONS)
        ):
            kept.append(f"{name}:{value}")
    return ";".join(kept)


def _katex_cleaner() -> bleach.Cleaner:
    cleaner = getattr(_cleaners, "katex", None)
    if cleaner is None:
        elements = {t: a for group in _KATEX_ELEMENTS.values() for t, a in group.items()}
        attributes = {}
        for tag, names in elements.items():
            # html5lib may hand over SVG attribute names lowercased
            attributes[tag] = sorted(names | {n.lower() for n in names})
        cleaner = _cleaners.katex = bleach.Cleaner(
            tags=frozenset(elements),
            attributes=attributes,
            protocols=frozenset(),
            strip=True,
            strip_comments=True,
            css_sanitizer=CSSSanitizer(
                allowed_css_properties=KATEX_CSS_PROPERTIES, allowed_svg_properties=()
            ),
        )
    return cleaner


# --- Step 5: formulas into place ---------------------------------------------------------

# bleach's serializer escapes "<" and ">" inside attribute values, so this finds tags.
_TAG_RE = re.compile(r"<[^>]*>")
_QUOTED_ATTR_RE = re.compile(r'([^\s="]+)="([^"]*)"')
_URL_ATTRIBUTES = frozenset({"href", "src"})


def _put_back(body: str, nonce: str, maths: list[_Math], rendered: list[str]) -> str:
    placeholder = re.compile(f"mathph{nonce}n(\\d+)e")

    def in_text(m: re.Match[str]) -> str:
        return rendered[int(m.group(1))]

    def in_attribute(attr: re.Match[str]) -> str:
        name, value = attr.groups()
        if name in _URL_ATTRIBUTES:
            # Percent-encoded, so the source can't form a scheme like "javascript:".
            def source(m: re.Match[str]) -> str:
                return quote(maths[int(m.group(1))].source, safe="")
        else:

            def source(m: re.Match[str]) -> str:
                return escape(maths[int(m.group(1))].source)

        return f'{name}="{placeholder.sub(source, value)}"'

    marker = f"mathph{nonce}"
    out = []
    pos = 0
    for tag in _TAG_RE.finditer(body):
        text = body[pos : tag.start()]
        out.append(placeholder.sub(in_text, text) if marker in text else text)
        markup = tag.group(0)
        out.append(_QUOTED_ATTR_RE.sub(in_attribute, markup) if marker in markup else markup)
        pos = tag.end()
    text = body[pos:]
    out.append(placeholder.sub(in_text, text) if marker in text else text)
    return "".join(out)
