"""Short plain texts that pages print as they are (display names, author lists): what
characters they may not hold.

Some characters draw nothing and change how what is around them reads. A right-to-left
override (U+202E) before "moc.elgoog" in a display name shows it as "google.com", and
one left open turns around the rest of the line it is printed in: the title beside an
author list, the "summary by" after a name. Others hide text: a
zero-width space splits a name that looks whole, tag characters carry text no one sees.
A name has no use for any of them, so they are removed where the text comes in.
"""

import re

# Direction controls: the embeddings and overrides (LRE, RLE, PDF, LRO, RLO), the
# isolates (LRI, RLI, FSI, PDI) and the marks (LRM, RLM, ALM).
BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"

# Control characters (category Cc) that separate words: each becomes a space, so that
# "Ada\tLovelace" does not turn into "AdaLovelace".
_SEPARATING = re.compile("[\t\n\v\f\r\x1c-\x1f\x85]")

# Every other control character (Cc), and the format characters (Cf) that a name can
# only use to mislead: the direction controls above, the invisible ones (soft hyphen,
# Mongolian vowel separator, zero-width space, word joiner and the invisible operators,
# the deprecated format characters, the zero-width no-break space or BOM, interlinear
# annotation, shorthand format controls, invisible musical beams) and the tag characters.
# Kept: ZWNJ and ZWJ (U+200C, U+200D), which Persian, the Indic scripts and emoji
# need to spell what they mean, and the format characters that print something (the
# Arabic number signs) or lay out signs (Egyptian hieroglyphs).
_REMOVED = re.compile(
    "[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f"
    f"{BIDI_CONTROLS}"
    "\u00ad\u180e\u200b\u2060-\u2064\u206a-\u206f\ufeff\ufff9-\ufffb"
    "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f]"
)


def strip_controls(text):
    """`text` without control characters, direction controls and the other invisible
    format characters above; a tab or line break becomes a space."""
    return _REMOVED.sub("", _SEPARATING.sub(" ", text))


def clean_line(text):
    """`text` as one line: strip_controls, then each run of whitespace as one space,
    none at either end."""
    return " ".join(strip_controls(text).split())


def plural(count, singular, many=None):
    """A count and its noun, "1 summary" or "2 summaries", for text made in Python (in
    a template, the `pluralize` filter)."""
    return f"{count} {singular if count == 1 else many or singular + 's'}"
