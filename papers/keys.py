"""What a BibTeX/DBLP key may look like.

DBLP keys are path-like (`conf/nips/RenHGS15`, `journals/corr/1608.06993`); hand-written
BibTeX keys are words with digits and a little punctuation. Anything else in a URL is a
typo or a probe, and gets a clear "not a key" answer instead of a database lookup.

A key is a path under `/paper/`, so each of its parts between slashes must be a name:
not empty, not `.` or `..`. A browser resolves those (`/paper/a/../../admin/` is
`/admin/`), so a key holding one would send its links, redirects and citations to
another page of the site. No control or space character either: browsers drop tabs and
newlines from a URL, which turns `/`, a tab, `/host` into `//host`, another site.
"""

import re
import unicodedata

from django.core.validators import RegexValidator

KEY_MAX_LENGTH = 255
# The first part starts with a letter or digit; each later part, after a slash, is
# neither empty nor `.` nor `..`. `\Z` rather than `$`, which lets a final newline by.
_PART = r"[A-Za-z0-9:._+\-]"
KEY_PATTERN = rf"[A-Za-z0-9]{_PART}*(?:/(?!\.\.?(?:/|\Z)){_PART}+)*"
_key_re = re.compile(rf"^{KEY_PATTERN}\Z")

validate_bibtex_key = RegexValidator(
    _key_re,
    "A key is letters, digits and / : . _ + - (for example conf/nips/RenHGS15), and "
    "cannot hold an empty part, “.” or “..” between slashes.",
)


def is_valid_key(key):
    return 0 < len(key) <= KEY_MAX_LENGTH and _key_re.match(key) is not None


# Words a key made from a title skips: `Lin2014Microsoft` rather than `Lin2014The`.
_STOP_WORDS = {"a", "an", "the", "on", "of", "in", "for", "and", "to", "with", "towards"}


def make_key(*, authors, year, title):
    """A key in the common BibTeX style, first author's surname + year + first title
    word: `Huang2017Densely`. For papers whose source names no key of its own."""
    surname = _ascii_word(authors[0].split()[-1]) if authors and authors[0].split() else ""
    words = [_ascii_word(word) for word in title.split()]
    word = next((w for w in words if w and w.lower() not in _STOP_WORDS), "")
    key = f"{_initial_capital(surname)}{year or ''}{_initial_capital(word)}"
    return key if is_valid_key(key) else "Paper"


def _initial_capital(word):
    return word[:1].upper() + word[1:]


def _ascii_word(word):
    folded = unicodedata.normalize("NFKD", word).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9]", "", folded)


def first_free_key(base, taken):
    """`base`, or `base` with a letter added (a, b, …, as BibTeX styles do for the same
    author and year) when it is taken. `taken` is a set of lowercased keys."""
    for suffix in ["", *"abcdefghijklmnopqrstuvwxyz"]:
        if f"{base}{suffix}".lower() not in taken:
            return f"{base}{suffix}"
    return f"{base}{len(taken)}"
