"""ORCID iDs: read them however people paste them, store them in one form.

An iD is 16 characters, the last a check digit (ISO 7064 MOD 11-2, "X" standing for
10), written in four groups of four: 0000-0002-1825-0097. People paste it as that, as
the link ORCID shows (https://orcid.org/0000-0002-1825-0097), or without the hyphens.
"""

import re

from django.core.exceptions import ValidationError

_URL_PREFIX_RE = re.compile(r"^(?:https?://)?(?:www\.)?orcid\.org/", re.IGNORECASE)
_SHAPE_RE = re.compile(r"^\d{15}[\dX]$")


def check_digit(base_digits):
    """The ISO 7064 MOD 11-2 check character for the first 15 digits of an iD."""
    total = 0
    for digit in base_digits:
        total = (total + int(digit)) * 2
    result = (12 - total % 11) % 11
    return "X" if result == 10 else str(result)


def normalize(value):
    """The iD in its stored form, 0000-0002-1825-0097; raises ValidationError when the
    text is not an iD or its check digit is wrong (a typo, most likely)."""
    text = _URL_PREFIX_RE.sub("", value.strip()).rstrip("/")
    compact = re.sub(r"[\s-]", "", text).upper()
    if not _SHAPE_RE.match(compact):
        raise ValidationError(
            "Enter an ORCID iD: 16 digits (the last may be X), like 0000-0002-1825-0097, "
            "or its link, https://orcid.org/0000-0002-1825-0097.",
            code="invalid",
        )
    if check_digit(compact[:15]) != compact[15]:
        raise ValidationError(
            "This is not a valid ORCID iD: its last character does not match the others. "
            "Please check it for a typo.",
            code="checksum",
        )
    return "-".join(compact[i : i + 4] for i in range(0, 16, 4))


def url(orcid):
    return f"https://orcid.org/{orcid}"
