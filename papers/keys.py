"""What a BibTeX/DBLP key may look like.

DBLP keys are path-like (`conf/nips/RenHGS15`, `journals/corr/1608.06993`); hand-written
BibTeX keys are words with digits and a little punctuation. Anything else in a URL is a
typo or a probe, and gets a clear "not a key" answer instead of a database lookup.
"""

import re

from django.core.validators import RegexValidator

KEY_MAX_LENGTH = 255
KEY_PATTERN = r"[A-Za-z0-9][A-Za-z0-9/:._+\-]*"
_key_re = re.compile(rf"^{KEY_PATTERN}$")

validate_bibtex_key = RegexValidator(
    _key_re,
    "A key is letters, digits and / : . _ + - (for example conf/nips/RenHGS15).",
)


def is_valid_key(key):
    return 0 < len(key) <= KEY_MAX_LENGTH and bool(_key_re.match(key)) and "//" not in key
