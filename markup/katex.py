"""Step 4 of rendering: formulas through KaTeX, and a check of the markup it returns.

KaTeX runs in process under V8 (mini-racer) and renders all the formulas of a text in one
call. One engine serves the whole process; it is rebuilt after a crash, closed before
fork() and at exit.

Why KaTeX output is not fed through bleach: a formula renders to 1-4 KB of markup, so a
summary with a hundred formulas produces a few hundred KB, and bleach (html5lib, pure
Python) handles about 1 MB/s; that alone would cost several times the rendering budget.
``clean_katex`` applies the same kind of allowlist (tags per namespace, attributes per
tag, CSS properties) to that well-formed, machine-generated markup at a fraction of the
cost, and is stricter in places (CSS values, nesting, namespaces); it also brings every
length it keeps within bounds (markup.katex_lengths). Anything it does not recognise is
not trusted: that fragment goes through a bleach Cleaner with the KaTeX allowlist and a
CSSSanitizer instead, and a warning is logged. User-written HTML never gets the KaTeX
allowances: it is cleaned before the formulas are put in.
"""

from __future__ import annotations

import asyncio
import atexit
import logging
import os
import re
import threading
import time
from html import escape, unescape
from pathlib import Path

import bleach
from bleach.css_sanitizer import CSSSanitizer
from py_mini_racer import JSEvalException, JSTimeoutException, MiniRacer

from .katex_lengths import ATTRIBUTE_BOUNDS, STYLE_BOUNDS, clamp_attributes_in_markup, clamp_lengths
from .limits import MAX_FORMULA_DEPTH, MAX_FORMULA_HTML, Refused, formula_depth
from .math import DOLLAR, Math
from .watchdog import shielded

__all__ = [
    "KATEX_CSS_PROPERTIES",
    "KATEX_OPTIONS",
    "MAX_TEX_LENGTH",
    "Unexpected",
    "clean_katex",
    "clean_katex_or_bleach",
    "render_maths",
]

logger = logging.getLogger(__name__)

KATEX_DIR = Path(__file__).resolve().parent.parent / "static" / "vendor" / "katex"

KATEX_OPTIONS = {
    "throwOnError": True,
    "trust": False,
    "strict": "ignore",
    "output": "htmlAndMathml",
    # In em: caps the positive sizes a formula asks for (\rule, \kern, \raisebox, \\[...]);
    # ordinary formulas ask for a few em. markup.katex_lengths bounds the rest.
    "maxSize": 20,
    "maxExpand": 1000,
}
MAX_TEX_LENGTH = 10_000
_HEAP_LIMIT = 256 * 1024 * 1024
# Seconds. A formula takes well under a millisecond. A text's formulas get the batch
# time in all, generous for a busy machine: past it the text is refused (markup.limits
# keeps any accepted text's formulas to a fraction of it).
# The per-formula time and retry budget serve only after an engine failure, to find
# the formula that caused it.
_BATCH_TIMEOUT = 3.0
_FORMULA_TIMEOUT = 0.5
_RETRY_BUDGET = 3.0

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


def render_maths(maths: list[Math], *, sanitize: bool = True) -> list[str]:
    """HTML for each formula, in order: KaTeX's markup, checked, or an error box."""
    rendered = [""] * len(maths)
    todo = []
    for i, math in enumerate(maths):
        if math is DOLLAR:
            rendered[i] = "$"
        elif len(math.tex) > MAX_TEX_LENGTH:
            message = f"Formula too long ({len(math.tex)} characters, at most {MAX_TEX_LENGTH})"
            rendered[i] = _error_html(math, message)
        elif (depth := formula_depth(math.tex)) > MAX_FORMULA_DEPTH:
            message = f"Formula nested too deeply ({depth} levels, at most {MAX_FORMULA_DEPTH})"
            rendered[i] = _error_html(math, message)
        else:
            todo.append(i)
    results = _katex([[maths[i].tex, maths[i].display] for i in todo])
    memo: dict = {}
    for i, (ok, value) in zip(todo, results, strict=True):
        if not ok:
            rendered[i] = _error_html(maths[i], value)
        elif len(value) > MAX_FORMULA_HTML:
            size = f"{len(value) // 1000:,} KB, at most {MAX_FORMULA_HTML // 1000:,} KB"
            rendered[i] = _error_html(maths[i], f"Formula renders too large ({size})")
        else:
            rendered[i] = clean_katex_or_bleach(value, memo) if sanitize else value
    return rendered


def _error_html(math: Math, message: str) -> str:
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
    with _engine_lock, shielded():
        engine = _get_engine()
        try:
            return engine.render(items, _BATCH_TIMEOUT)
        except JSTimeoutException:
            raise Refused(
                f"The formulas of this text take more than {_BATCH_TIMEOUT:g} seconds to "
                "render. Use fewer or simpler formulas."
            ) from None
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


# --- KaTeX's markup: the allowlist and its checker -------------------------------------

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


class Unexpected(Exception):
    pass


def clean_katex_or_bleach(fragment: str, memo: dict) -> str:
    try:
        return clean_katex(fragment, memo)
    except Unexpected as exc:
        logger.warning("Unexpected KaTeX markup (%s): sanitizing the formula with bleach", exc)
        # CSSSanitizer checks property names only; apply the value checks and bounds too.
        return clamp_attributes_in_markup(
            _STYLE_ATTR_RE.sub(
                lambda m: f'style="{_clean_katex_style(unescape(m.group(1)))}"',
                _katex_cleaner().clean(fragment),
            )
        )


def clean_katex(fragment: str, memo: dict) -> str:
    """KaTeX's markup, rebuilt from allowlisted pieces.

    Accepts only a strict subset of HTML: double-quoted attributes without "<" or ">",
    text without "<", balanced tags, and each element only where KaTeX puts it (MathML
    inside <math>, SVG inside <svg>), so no browser can parse it differently. Attributes
    and CSS declarations outside the allowlist are dropped; anything else raises
    Unexpected.
    """
    out = []
    stack: list[tuple[str, str]] = []
    pos = 0
    for m in _KATEX_TOKEN_RE.finditer(fragment):
        if m.start() != pos:
            raise Unexpected(f"stray '<' at {pos}")
        pos = m.end()
        closing, tag, attributes, self_closing = m.groups()
        if tag is None:
            out.append(m.group(0))
        elif closing:
            if attributes or self_closing or not stack or stack.pop()[0] != tag:
                raise Unexpected(f"unbalanced </{tag}>")
            out.append(m.group(0))
        else:
            namespace = stack[-1][1] if stack else "html"
            allowed = _KATEX_ELEMENTS[namespace].get(tag)
            if allowed is None:
                raise Unexpected(f"<{tag}> in {namespace}")
            key = (tag, attributes)
            cleaned = memo.get(key)
            if cleaned is None:
                cleaned = memo[key] = _clean_katex_attributes(tag, attributes, allowed)
            if self_closing:
                if namespace == "html" and tag == "span":
                    raise Unexpected("self-closing <span/>")
                out.append(f"<{tag}{cleaned}/>")
            else:
                stack.append((tag, _CHILD_NAMESPACE.get(tag, namespace)))
                out.append(f"<{tag}{cleaned}>")
    if pos != len(fragment) or stack:
        raise Unexpected("unterminated markup")
    return "".join(out)


def _clean_katex_attributes(tag: str, attributes: str, allowed: frozenset[str]) -> str:
    kept = []
    lengths = ATTRIBUTE_BOUNDS.get(tag, {})
    for name, value in _KATEX_ATTR_RE.findall(attributes):
        if name not in allowed:
            continue
        if name in lengths:
            value = clamp_lengths(value, lengths[name])
            if value is None:
                continue
        elif name == "style":
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
            if name in STYLE_BOUNDS:
                value = clamp_lengths(value, STYLE_BOUNDS[name])
                if value is None:
                    continue
            kept.append(f"{name}:{value}")
    return ";".join(kept)


# bleach Cleaners keep parser state and are not thread-safe: one per thread.
_cleaners = threading.local()


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
