"""LaTeX environments written in prose, and the numbers of a text's equations.

``\\begin{align}...\\end{align}`` written without ``$$`` is a display formula, as it was
on the old site (MathJax). markup.math cuts it out with the other math; this module
says where it ends: ``environment_ends`` pairs every ``\\begin`` of a paragraph with its
``\\end`` in one pass with a stack, so nested environments close at the right place and
a paragraph of unclosed openers costs one scan, not one per opener.

Numbers are given per text, not per page: KaTeX numbers ``equation``, ``align``,
``gather`` and ``alignat`` with a CSS counter that would run on across every summary of
a page. ``Numbering`` rewrites each numbered environment (whether written in prose or
inside ``$$``) as its starred form with ``\\tag{n}`` on each numbered row, in the order
the equations appear; a row with its own ``\\tag``, ``\\notag`` or ``\\nonumber`` gets
none. KaTeX has no ``multline``: it is drawn as ``gather*`` with one number on its last
row (the rows are centred rather than pushed to the margins).

KaTeX rejects ``\\label``, ``\\ref`` and ``\\eqref``. A ``\\label{x}`` is taken out of
the formula and remembers the number of its row; ``\\eqref{x}`` and ``\\ref{x}``, in a
formula or (when the text has labels) in prose, become that number as text: "(2)" and
"2", or "(??)" as in LaTeX for a label the text does not have. They are not links:
KaTeX's markup keeps no ids (``\\htmlId`` needs ``trust``) and the sanitizer allows
none on user content.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

__all__ = [
    "DISPLAY_ENVIRONMENTS",
    "Numbering",
    "environment_ends",
    "environment_name",
]

# What KaTeX accepts as a whole display formula. The amsmath environments number their
# rows; the others (alignment blocks, cases, matrices) are only valid inside math and
# are given to KaTeX as the formula on their own.
DISPLAY_ENVIRONMENTS = frozenset(
    {
        "equation", "equation*", "align", "align*", "alignat", "alignat*",
        "gather", "gather*", "multline", "multline*", "split",
        "aligned", "alignedat", "gathered", "cases", "dcases", "rcases",
        "matrix", "pmatrix", "bmatrix", "Bmatrix", "vmatrix", "Vmatrix", "smallmatrix",
        "array",
    }
)  # fmt: skip
# Environments that number their rows, and whether each row gets a number (or only the
# whole).
_NUMBERED = {"align": True, "alignat": True, "gather": True, "equation": False, "multline": False}
# KaTeX has no multline.
_DRAWN_AS = {"multline": "gather*", "multline*": "gather*"}

_NAME_RE = re.compile(r"([A-Za-z]{1,32}\*?)\}")
# \begin{name}, \end{name}, or any other escape (so that "\\begin" is a row break
# followed by letters, as TeX reads it).
_PAIR_TOKEN_RE = re.compile(r"\\(?:(begin|end)\{([A-Za-z]{1,32}\*?)\}|[\s\S])")


def environment_name(text: str, pos: int) -> str | None:
    """The name of the environment whose ``\\begin{`` ends at ``pos``, if well formed."""
    m = _NAME_RE.match(text, pos)
    return m.group(1) if m else None


def environment_ends(text: str, spans: Sequence[tuple[int, int]] = ()) -> dict[int, int]:
    """{start of a ``\\begin{name}``: end of its ``\\end{name}``} for ``text``, one pass.

    ``spans`` are code spans (sorted, not overlapping), which no environment crosses:
    an environment open when one starts stays unclosed. An ``\\end`` whose name is not
    that of the innermost open environment leaves every open one unclosed (TeX would
    stop there), which keeps the pass linear.
    """
    ends: dict[int, int] = {}
    stack: list[tuple[str, int]] = []
    pos = k = 0
    while m := _PAIR_TOKEN_RE.search(text, pos):
        while k < len(spans) and spans[k][1] <= m.start():
            k += 1
        if k < len(spans) and spans[k][0] <= m.start():
            stack.clear()
            pos = spans[k][1]
            continue
        pos = m.end()
        kind, name = m.groups()
        if kind == "begin":
            stack.append((name, m.start()))
        elif kind == "end":
            if stack and stack[-1][0] == name:
                ends[stack.pop()[1]] = m.end()
            else:
                stack.clear()
    return ends


# Inside one formula: row breaks, braces and environments (for depth), and the commands
# that decide a row's number.
_ROW_TOKEN_RE = re.compile(
    r"\\(?:(begin|end)\{[A-Za-z]{1,32}\*?\}|(\\)|(tag|notag|nonumber)(?![A-Za-z])|[\s\S])|([{}])"
)
_ALIGNAT_ARGUMENT_RE = re.compile(r"\s*\{\s*\d{1,2}\s*\}")
_LABEL_RE = re.compile(r"\\label\{([^{}\\]{0,64})\}")
_REF_RE = re.compile(r"\\(eqref|ref)\{([^{}\\]{0,64})\}")
# The number of a row with its own \tag{...}, when it is plain text.
_TAG_TEXT_RE = re.compile(r"\\tag\{([\w.'\- ]{1,16})\}")


class Numbering:
    """The equation numbers and labels of one text, given in the order of its formulas."""

    def __init__(self) -> None:
        self.count = 0
        self.labels: dict[str, str] = {}

    def display(self, tex: str) -> str:
        """``tex`` of a display formula, numbered if it is one numbered environment."""
        stripped = tex.strip()
        name = environment_name(stripped, len("\\begin{")) if stripped[:7] == "\\begin{" else None
        if name is None or not stripped.endswith(f"\\end{{{name}}}"):
            return self._drop_labels(tex)
        if environment_ends(stripped).get(0) != len(stripped):
            return self._drop_labels(tex)  # "\begin{x}..\end{x} \begin{x}..\end{x}"
        head = len("\\begin{") + len(name) + 1
        # alignat's argument, its number of column pairs, stays before the body.
        columns = _ALIGNAT_ARGUMENT_RE.match(stripped, head)
        if name.rstrip("*") == "alignat" and columns:
            head = columns.end()
        body = stripped[head : -len(f"\\end{{{name}}}")]
        drawn = _DRAWN_AS.get(name, name if name.endswith("*") else f"{name}*")
        if name in _NUMBERED:
            body = self._number(body, per_row=_NUMBERED[name])
        elif name.rstrip("*") in _NUMBERED:
            body = self._drop_labels(body)
        else:
            return self._drop_labels(tex)
        argument = stripped[len("\\begin{") + len(name) + 1 : head]
        return f"\\begin{{{drawn}}}{argument}{body}\\end{{{drawn}}}"

    def _number(self, body: str, *, per_row: bool) -> str:
        rows = _rows(body)
        if not per_row:
            # One number for the whole, on its last row that has anything in it.
            last = max((i for i, (row, _) in enumerate(rows) if row.strip()), default=0)
            marked = any(own for _, own in rows)
            rows = [(row, own if i == last else True) for i, (row, own) in enumerate(rows)]
            rows[last] = (rows[last][0], marked)
        out = []
        for i, (row, own) in enumerate(rows):
            if i:
                out.append("\\\\")
            number = None
            if own:
                tag = _TAG_TEXT_RE.search(row)
                number = tag.group(1) if tag else None
            elif row.strip():
                self.count += 1
                number = str(self.count)
            out.append(self._drop_labels(row, number))
            if number is not None and not own:
                out.append(f"\\tag{{{number}}}")
        return "".join(out)

    def _drop_labels(self, tex: str, number: str | None = None) -> str:
        if "\\label" not in tex:
            return tex

        def remember(m: re.Match[str]) -> str:
            if number is not None:
                self.labels.setdefault(m.group(1).strip(), number)
            return ""

        return _LABEL_RE.sub(remember, tex)

    def refer(self, tex: str) -> str:
        """``tex`` with its ``\\eqref``/``\\ref`` replaced by the numbers they name, and
        any label left out (KaTeX knows neither)."""
        tex = self._drop_labels(tex)
        if "ref{" not in tex:
            return tex

        def number(m: re.Match[str]) -> str:
            found = self.labels.get(m.group(2).strip(), "??")
            return f"\\text{{({found})}}" if m.group(1) == "eqref" else f"\\text{{{found}}}"

        return _REF_RE.sub(number, tex)


def _rows(body: str) -> list[tuple[str, bool]]:
    """The rows of an environment's body, split at its own ``\\\\``, each with whether it
    decides its number itself (``\\tag``, ``\\notag``, ``\\nonumber``)."""
    rows: list[tuple[str, bool]] = []
    depth = start = 0
    own = False
    for m in _ROW_TOKEN_RE.finditer(body):
        kind, row_break, command, brace = m.groups()
        if kind == "begin" or brace == "{":
            depth += 1
        elif kind == "end" or brace == "}":
            depth = max(depth - 1, 0)
        elif command:
            own = True
        elif row_break and depth == 0:
            rows.append((body[start : m.start()], own))
            start, own = m.end(), False
    rows.append((body[start:], own))
    return rows
