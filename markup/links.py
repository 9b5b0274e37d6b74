"""Which URLs may be links or images, and where the old site's paper links lead now."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, quote, unquote, urlsplit

from papers.keys import is_valid_key

from .citations import paper_path

__all__ = ["is_http_url", "is_image_url", "legacy_paper_url"]


def is_http_url(value: str) -> bool:
    try:
        parts = urlsplit(value.strip())
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.netloc)


# No quotes, angle brackets, backslashes or spaces: a URL a reader could have typed,
# whose end is unambiguous in text. No fragment: an image address does not need one.
_IMAGE_URL_RE = re.compile(
    r"https?://[^\s/?#<>\"'`\\]+/[^\s?#<>\"'`\\]*"
    r"\.(?:png|jpe?g|gif|webp|svg)(?:\?[^\s#<>\"'`\\]*)?",
    re.IGNORECASE,
)


def is_image_url(value: str) -> bool:
    """An http(s) URL whose path names an image file, the only kind shown inline."""
    return _IMAGE_URL_RE.fullmatch(value) is not None and is_http_url(value)


_OLD_SITE_HOSTS = frozenset({"shortscience.org", "www.shortscience.org"})


def legacy_paper_url(href: str) -> str | None:
    """Where an old-site paper link (``/paper?bibtexKey=KEY&a=user``) lives now, or None.

    Matches what papers.views.legacy_redirect answers, so that stored text does not
    depend on that redirect; the old ``#user`` form keeps the user as the fragment too.
    """
    try:
        parts = urlsplit(href.strip())
    except ValueError:
        return None
    if parts.path != "/paper":
        return None
    if parts.scheme or parts.netloc:
        if parts.scheme.lower() not in ("http", "https"):
            return None
        if parts.netloc.lower() not in _OLD_SITE_HOSTS:
            return None
    query = parse_qs(parts.query)
    key = (query.get("bibtexKey") or [""])[-1].strip()
    if not is_valid_key(key):
        # Left as written: the old address answers a malformed key with a 404 page.
        return None
    url = paper_path(key)
    user = (query.get("a") or [""])[-1].strip() or unquote(parts.fragment).strip()
    if user:
        url += "#" + quote(user, safe="")
    return url
