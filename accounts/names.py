"""Usernames: which characters they may hold, which are reserved, and when two names
are one.

Two names are one when a reader cannot tell them apart, not only when they are equal:
"ADA" and "Ada" are "ada", and so are "аda" with a Cyrillic а (U+0430) and "ａｄａ" in
full-width letters; "admіn" with a Ukrainian і (U+0456) is "admin". Each name comes
down to a *skeleton* (`username_skeleton`) that all its look-alikes share, and the
database keeps one account per skeleton (`User.username_skeleton`, unique), whatever
creates the account.

Sign-up forms call `validate_username_available`, which also refuses the reserved
names, compared by skeleton too.
"""

import functools
import re
import unicodedata

from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible

from shortscience.text import strip_controls

from . import confusables

TAKEN_MESSAGE = "That name is taken, or looks too much like one that is."
RESERVED_MESSAGE = "This username is reserved. Please choose another."

# Names that would pass for the site speaking: its staff, its services, its own pages.
RESERVED_NAMES = {
    "admin",
    "administrator",
    "root",
    "staff",
    "moderator",
    "support",
    "help",
    "api",
    "www",
    "mail",
    "security",
    "shortscience",
    # The first segment of the site's own addresses (shortscience/urls.py and the apps'
    # urls.py; tests/accounts/test_usernames.py checks that every one is here).
    "accounts",
    "bibtex",
    "comments",
    "feeds",
    "figures",
    "follow",
    "following",
    "healthz",
    "media",
    "notifications",
    "paper",
    "papers",
    "popular",
    "report",
    "robots",
    "rss",
    "search",
    "sitemap",
    "static",
    "summaries",
    "top",
    "topic",
    "user",
    "venue",
}

# A summary's element id on a paper page is its author's username (old links end in
# #username), so a name must not be one of the page's own ids either. These are
# compared as written: an id matches only itself.
RESERVED_IDS = re.compile(
    r"^(main|preview|comment-form|(comments?|anonymous|summary)-\d+|id_.*|admin|anonymous)$",
    re.IGNORECASE,
)

# Hangul fillers: letters to Unicode, so `\w` matches them, and drawn as nothing, so
# "ada" followed by one looks like "ada". The other characters that draw nothing are
# not letters and the validator's `\w` refuses them already.
_FILLERS = "\u115f\u1160\u3164\uffa0"


@deconstructible
class UsernameValidator(UnicodeUsernameValidator):
    """Django's letters, digits and @ . + - _, in NFKC form, without the letters that
    draw nothing.

    Django's forms and create_user store every name in NFKC form already ("ａｄａ" as
    "ada"), so the names they made stay valid, but for one holding a Hangul filler,
    which nobody can have chosen for it to be seen.
    """

    def __call__(self, value):
        super().__call__(value)
        value = str(value)
        if unicodedata.normalize("NFKC", value) != value or any(
            filler in value for filler in _FILLERS
        ):
            raise ValidationError(self.message, code=self.code)


@functools.cache
def _prototypes():
    """{code point: prototype}: what str.translate takes, read once from the table."""
    table = {}
    for line in confusables.MAPPINGS.splitlines():
        source, *prototype = line.split()
        table[int(source, 16)] = "".join(chr(int(point, 16)) for point in prototype)
    return table


@functools.cache
def _capital_lookalikes():
    """{code point: Latin capital} for the characters drawn as a Latin capital: Greek
    Β, Cyrillic В, Cherokee Ꭰ, the digit 0.

    Case folding would take them away from the Latin letter (Greek β and Cyrillic в do
    not look like b), so they become the Latin capital before it.
    """
    return {
        point: prototype
        for point, prototype in _prototypes().items()
        if len(prototype) == 1 and "A" <= prototype <= "Z"
    }


def _nfkc_casefold(text):
    # A case-folded text need not be in NFKC form (U+0345 folds to ι), hence the
    # second normalisation: this is Unicode's NFKC_Casefold.
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())


def _uts39_skeleton(text):
    """The skeleton of UTS #39 (section 4): NFD, each character as its prototype, NFD."""
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize("NFD", decomposed.translate(_prototypes()))


def username_skeleton(username):
    """What `username` and every name that looks like it come down to.

    In order: NFKC (full-width letters, ligatures, mathematical letters become the
    plain ones), characters that draw nothing dropped, capitals drawn as Latin capitals
    made Latin, case folded, then the UTS #39 skeleton (Cyrillic а becomes a, 1 becomes
    l, m becomes rn), and case folded again, since some prototypes are capitals (0
    becomes O).

    A skeleton is for comparing, never for showing: "admin" becomes "adrnin".
    """
    text = strip_controls(unicodedata.normalize("NFKC", username))
    text = "".join(char for char in text if char not in _FILLERS)
    text = unicodedata.normalize("NFD", text).translate(_capital_lookalikes())
    return _uts39_skeleton(_nfkc_casefold(text)).casefold()


@functools.cache
def _reserved_skeletons():
    return frozenset(map(username_skeleton, RESERVED_NAMES))


def is_reserved(username):
    """Whether `username` is, or looks like, a reserved name or one of a page's ids."""
    return bool(RESERVED_IDS.match(username)) or (
        username_skeleton(username) in _reserved_skeletons()
    )


def set_apart(skeleton, pk):
    """The skeleton stored for account `pk` when an older account already held
    `skeleton` as skeletons came in (migration 0003): unique by its pk, and the skeleton
    of no valid name, none of which has a "#" in its skeleton (tests/accounts/test_usernames.py)."""
    return f"{skeleton}#{pk}"


def skeleton_to_store(username, stored=None, pk=None):
    """The skeleton account `pk` stores for `username`: the name's own, unless the
    account holds the set-apart one for it (`stored`), which it keeps for as long as it
    keeps that name."""
    skeleton = username_skeleton(username)
    if pk is not None and stored == set_apart(skeleton, pk):
        return stored
    return skeleton


def skeleton_is_taken(skeleton, exclude_pk=None):
    """Whether an account other than `exclude_pk` holds `skeleton`."""
    from django.contrib.auth import get_user_model

    others = get_user_model().objects.filter(username_skeleton=skeleton)
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    return others.exists()


def validate_username_available(username, *, exclude_pk=None):
    """Refuse a new username that is reserved, or taken by another account under any
    look-alike spelling: the rule of every sign-up form.

    `exclude_pk` is the account being renamed, if any. The database refuses a taken
    skeleton anyway (two sign-ups at once); this says so in words first.
    """
    if is_reserved(username):
        raise ValidationError(RESERVED_MESSAGE, code="reserved")
    if skeleton_is_taken(username_skeleton(username), exclude_pk):
        raise ValidationError(TAKEN_MESSAGE, code="taken")
