"""Which URLs may be links, images or video previews, and where the old site's paper links
lead now."""

from __future__ import annotations

import re
from typing import NamedTuple
from urllib.parse import parse_qs, quote, unquote, urlsplit

from .paper_links import is_valid_key, paper_path

__all__ = [
    "VIDEO_EMBEDS",
    "Video",
    "is_figure_url",
    "is_http_url",
    "is_image_url",
    "is_shown_image",
    "legacy_paper_url",
    "video",
]


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


# A figure uploaded to the site (figures/): its own address, a path, exactly as
# figures.models.Figure.url writes it. Nothing else relative is an image source: a path
# of the user's choosing could point at any page of the site.
_FIGURE_PATH_RE = re.compile(r"/media/figures/[0-9a-f]{32}\.(?:png|jpg)")


def is_figure_url(value: str) -> bool:
    return _FIGURE_PATH_RE.fullmatch(value) is not None


def is_shown_image(value: str) -> bool:
    """An image source the renderer shows: a web address, or a figure of the site's."""
    return is_http_url(value) or is_figure_url(value)


class Video(NamedTuple):
    provider: str  # a key of VIDEO_EMBEDS
    id: str


# Where a preview's player is loaded from once the reader asks for it (static/js/video.js
# builds the address; the CSP's frame-src admits exactly these origins). YouTube's
# no-cookie host sets no cookie until the video plays.
VIDEO_EMBEDS = {
    "youtube": "https://www.youtube-nocookie.com/embed/",
    "vimeo": "https://player.vimeo.com/video/",
}
# Whatever the address says, only an id of this form is ever framed: video.js checks the
# same patterns again before it builds the player's address.
_VIDEO_ID_RES = {
    "youtube": re.compile(r"[A-Za-z0-9_-]{11}"),
    "vimeo": re.compile(r"[0-9]{1,12}"),
}
_YOUTUBE_HOSTS = frozenset({"youtube.com", "www.youtube.com", "m.youtube.com"})
_VIMEO_HOSTS = frozenset({"vimeo.com", "www.vimeo.com"})


def video(url: str) -> Video | None:
    """The YouTube or Vimeo video a link shows, or None.

    ``youtube.com/watch?v=ID``, ``youtu.be/ID``, ``youtube.com/shorts/ID``,
    ``youtube.com/embed/ID`` and ``vimeo.com/NUMBER``, over http or https, with no user,
    port or other path: anything else is an ordinary link.
    """
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or port is not None:
        return None
    host = parts.netloc.lower()
    path = parts.path.removesuffix("/") if parts.path.count("/") > 1 else parts.path
    segments = path.split("/")[1:]
    if host in _YOUTUBE_HOSTS:
        if path == "/watch":
            ids = parse_qs(parts.query).get("v", [])
            found = Video("youtube", ids[0]) if len(ids) == 1 else None
        elif len(segments) == 2 and segments[0] in ("shorts", "embed"):
            found = Video("youtube", segments[1])
        else:
            return None
    elif host == "youtu.be" and len(segments) == 1:
        found = Video("youtube", segments[0])
    elif host in _VIMEO_HOSTS and len(segments) == 1:
        found = Video("vimeo", segments[0])
    else:
        return None
    if found is None or not _VIDEO_ID_RES[found.provider].fullmatch(found.id):
        return None
    return found


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
