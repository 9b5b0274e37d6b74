"""Bounds on the lengths in KaTeX's markup, applied by the checker in markup.katex.

KaTeX's ``maxSize`` caps only the positive sizes a formula asks for. Negative ones
(``\\kern-1000em``, ``\\raisebox{-1000em}{x}``, ``\\\\[-1000em]``, ``\\rule[-1000em]{1em}{1em}``)
and the sizes KaTeX derives from them reach its markup whole, so one formula could move
its parts a page away, over the site's own header and controls, or make its line a million
lines tall. Every length in the style declarations and MathML/SVG attributes the checker
keeps is brought into a range that holds what ordinary formulas use, with room to spare
(measured on a wide sample in tests/markup/test_katex_bounds.py). The MathML is bounded
like the HTML: feed readers show it, and so may the site one day.

The bounds are per value: many values still add up (a thousand ``\\kern-5em`` reach
5,000em), as much text makes a long page. What keeps a formula inside its text's box is
that box (``.rendered`` in static/css/site.css clips it); these bounds keep the reach of
each part, and the size of the box, in proportion to the length of the formula.
"""

from __future__ import annotations

import re

__all__ = ["ATTRIBUTE_BOUNDS", "STYLE_BOUNDS", "clamp_attributes_in_markup", "clamp_lengths"]

# (lowest, highest) in em of the element's own font size. Ordinary formulas reach -0.45em
# to +5.7em in horizontal spaces (\kern1cm in a script), -62em to +56em in positions and
# 122em in heights (a column of 100 entries, about the tallest formula the renderer's
# size limit lets through), 3em in widths and rule thicknesses, and 400em in the SVG that
# KaTeX crops to draw stretchy arrows.
HORIZONTAL = (-5.0, 25.0)
VERTICAL = (-200.0, 200.0)
EXTENT = (-50.0, 50.0)
STRETCHY = (-400.0, 400.0)
FONT_SIZE = (-5.0, 5.0)  # \Huge is 2.488em
# Units that are not lengths: percentages of the parent, and mpadded's multiples of the
# content's own size ("-1width" sets a box back by its width).
PERCENT = (-100.0, 100.0)
MULTIPLE = (-2.0, 2.0)
_MULTIPLES = frozenset({"width", "height", "depth"})
# The size of each unit in em, rounded up (KaTeX: 1em = 10pt, 1ex = 0.431em), so that no
# unit lets more through than the bound in em. A unit KaTeX does not write (cm, vh, rem,
# ...) is not trusted: the declaration or attribute is dropped.
_EM_PER_UNIT = {"em": 1.0, "": 1.0, "ex": 0.5, "mu": 1 / 18, "pt": 0.1, "px": 0.1}

STYLE_BOUNDS: dict[str, tuple[float, float]] = {
    "margin": HORIZONTAL,
    "margin-left": HORIZONTAL,
    "margin-right": HORIZONTAL,
    "left": HORIZONTAL,
    "padding-left": HORIZONTAL,
    "margin-top": VERTICAL,
    "top": VERTICAL,
    "bottom": VERTICAL,
    "height": VERTICAL,
    "vertical-align": VERTICAL,
    "width": EXTENT,
    "min-width": EXTENT,
    "border-width": EXTENT,
    "border-top-width": EXTENT,
    "border-right-width": EXTENT,
    "border-bottom-width": EXTENT,
}
ATTRIBUTE_BOUNDS: dict[str, dict[str, tuple[float, float]]] = {
    "mspace": {"width": HORIZONTAL, "height": VERTICAL, "depth": VERTICAL},
    "mpadded": {
        "width": HORIZONTAL,
        "lspace": HORIZONTAL,
        "height": VERTICAL,
        "depth": VERTICAL,
        "voffset": VERTICAL,
    },
    "mo": {"lspace": HORIZONTAL, "rspace": HORIZONTAL, "minsize": VERTICAL, "maxsize": VERTICAL},
    "mfrac": {"linethickness": EXTENT},
    "mtable": {"rowspacing": VERTICAL, "columnspacing": HORIZONTAL, "width": EXTENT},
    "mtd": {"width": EXTENT},
    "mstyle": {"mathsize": FONT_SIZE},
    "svg": {"width": STRETCHY, "height": VERTICAL},
    "line": {"x1": EXTENT, "y1": EXTENT, "x2": EXTENT, "y2": EXTENT, "stroke-width": EXTENT},
}

_TOKEN_RE = re.compile(r"\S+")
# A token that starts like a number must be one, with a unit: "5em-3em" is not let through.
_NUMERIC_START_RE = re.compile(r"[+-]?\.?[0-9]")
_NUMBER_RE = re.compile(
    r"([+-]?)((?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)([a-zA-Z%]*)"
)
_TAG_RE = re.compile(r"<([a-zA-Z][a-zA-Z0-9]*)([^<>]*)>")
_ATTR_RE = re.compile(r'([a-zA-Z][a-zA-Z0-9:-]*)\s*=\s*"([^"<>]*)"')


def clamp_lengths(value: str, bounds: tuple[float, float]) -> str | None:
    """``value`` with each length brought within ``bounds`` (in em), or None if a token
    that starts like a number is not a length in a known unit.

    A value already within bounds comes back as it was, character for character; keywords
    and colours ("solid", "#ff0000") are left alone.
    """
    malformed = False
    changed = False

    def clamp(m: re.Match) -> str:
        nonlocal malformed, changed
        token = m.group(0)
        if not _NUMERIC_START_RE.match(token):
            return token
        number = _NUMBER_RE.fullmatch(token)
        if number is None:
            malformed = True
            return token
        sign, digits, unit = number.groups()
        unit = unit.lower()
        if unit == "%":
            low, high = PERCENT
        elif unit in _MULTIPLES:
            low, high = MULTIPLE
        elif unit in _EM_PER_UNIT:
            low, high = bounds[0] / _EM_PER_UNIT[unit], bounds[1] / _EM_PER_UNIT[unit]
        else:
            malformed = True
            return token
        size = float(sign + digits)
        if low <= size <= high:
            return token
        changed = True
        # mpadded reads a leading "+" as "this much more": keep it.
        return ("+" if sign == "+" else "") + _number(min(max(size, low), high)) + unit

    clamped = _TOKEN_RE.sub(clamp, value)
    if malformed:
        return None
    return clamped if changed else value


def _number(size: float) -> str:
    return f"{size:.4f}".rstrip("0").rstrip(".")


def clamp_attributes_in_markup(html: str) -> str:
    """The length attributes of every tag in ``html`` clamped, those that are not lengths
    removed: for markup that only bleach has checked, whose attributes are quoted with
    double quotes and never hold "<" or ">"."""

    def tag(m: re.Match) -> str:
        bounded = ATTRIBUTE_BOUNDS.get(m.group(1).lower())
        if not bounded:
            return m.group(0)

        def attribute(a: re.Match) -> str:
            bounds = bounded.get(a.group(1).lower())
            if bounds is None:
                return a.group(0)
            value = clamp_lengths(a.group(2), bounds)
            return "" if value is None else f'{a.group(1)}="{value}"'

        return f"<{m.group(1)}{_ATTR_RE.sub(attribute, m.group(2))}>"

    return _TAG_RE.sub(tag, html)
