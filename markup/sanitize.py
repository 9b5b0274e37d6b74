"""Step 3 of rendering: bleach over everything except the formulas.

A strict allowlist per flavor (no ``style``, no MathML, no SVG, no form elements or
frames, no ``data-`` attributes, a few known classes), then linkify: bare http(s) URLs
and ``www.`` addresses become links, the old site's paper links are pointed at their new
addresses, every link gets ``rel="nofollow ugc noopener"`` except the site's own
citation links, and a video preview's link gets the data attributes static/js/video.js
reads, derived from its own address after sanitizing, so none can be written by hand.
"""

from __future__ import annotations

import re
import threading
from functools import partial
from html import unescape
from urllib.parse import urlsplit

import bleach
from bleach.linkifier import LinkifyFilter

from .citations import (
    CITATION_LINK_CLASSES,
    CITATION_SPAN_CLASSES,
    REFERENCES_CLASS,
    is_citation_href,
)
from .highlight import CSS_CLASS, PYGMENTS_CLASSES
from .links import is_shown_image, legacy_paper_url, video
from .md import DEMOTED_HEADINGS, IMAGE_CLASS, TASK_ITEM_CLASS, TASK_LIST_CLASS, VIDEO_CLASSES

__all__ = ["LINK_REL", "user_cleaner"]

_BASE_TAGS = frozenset(
    {
        "p", "br", "hr", "strong", "em", "del", "code", "pre", "blockquote",
        "ul", "ol", "li", "a", "table", "thead", "tbody", "tr", "th", "td",
        "sup", "sub", "div", "span", "dl", "dt", "dd",
    }
)  # fmt: skip
# Summaries keep their headings below the page's own h1-h3: raw <h1> and <h2> are shown
# as text, like any tag outside the allowlist.
_USER_TAGS = {
    "summary": _BASE_TAGS | DEMOTED_HEADINGS | {"img"},
    "abstract": _BASE_TAGS | {"img"},
    "comment": _BASE_TAGS,
}
_LINK_PROTOCOLS = frozenset({"http", "https", "mailto"})
LINK_REL = "nofollow ugc noopener"

# Classes are limited to what rendering produces, so that user-written HTML cannot
# borrow the site's layout classes (a full-page overlay, say).
_DIV_CLASSES = frozenset({CSS_CLASS, "footnote", REFERENCES_CLASS})
_LINK_CLASSES = frozenset({"footnote-ref", "footnote-backref"}) | CITATION_LINK_CLASSES
_SPAN_CLASSES = PYGMENTS_CLASSES | CITATION_SPAN_CLASSES
# Video previews, in the flavors that have them.
_MEDIA_LINK_CLASSES = frozenset({VIDEO_CLASSES["link"]})
_MEDIA_SPAN_CLASSES = frozenset({VIDEO_CLASSES["play"], VIDEO_CLASSES["caption"]})
_LANGUAGE_CLASS_RE = re.compile(r"language-[\w#+.-]+")
_FOOTNOTE_ID_RE = re.compile(r"fn(?:ref\d*)?:[^\s\"'<>]+")


def _allow_user_attribute(tag: str, name: str, value: str, media: bool = True) -> bool:
    if tag == "a":
        if name == "href":
            return _scheme_allowed(value)
        return name == "title" or (
            name == "class" and (value in _LINK_CLASSES or (media and value in _MEDIA_LINK_CLASSES))
        )
    if tag == "img":
        if name == "src":
            return is_shown_image(value)
        return (
            name in ("alt", "title")
            or (name == "loading" and value == "lazy")
            or (name == "class" and value == IMAGE_CLASS)
        )
    if name == "class":
        if tag == "span":
            return value in _SPAN_CLASSES or (media and value in _MEDIA_SPAN_CLASSES)
        if tag == "div":
            return value in _DIV_CLASSES
        if tag == "li":
            return value == TASK_ITEM_CLASS
        if tag in ("ul", "ol"):
            return value == TASK_LIST_CLASS
        return tag == "code" and _LANGUAGE_CLASS_RE.fullmatch(value) is not None
    if name == "id":
        return tag in ("sup", "li") and _FOOTNOTE_ID_RE.fullmatch(value) is not None
    if name == "align":
        return tag in ("th", "td") and value in ("left", "right", "center")
    if name == "start":
        return tag == "ol" and value.isdigit()
    return False


# What browsers ignore in a URL's scheme: entities aside, controls, spaces and tabs.
_URL_IGNORED_RE = re.compile(r"[\x00-\x20\x7f-\xa0\s`]+")


def _scheme_allowed(href: str) -> bool:
    # bleach checks the scheme too, but its URL parser takes "javascript:123" for a path
    # with a port: ask today's urlsplit as well.
    try:
        scheme = urlsplit(_URL_IGNORED_RE.sub("", unescape(href))).scheme.lower()
    except ValueError:
        return False
    return not scheme or scheme in _LINK_PROTOCOLS


def _link_attributes(attrs: dict, new: bool = False) -> dict | None:
    """Linkify callback, for new links and for those already in the HTML."""
    if new and not attrs.get("_text", "").lower().startswith(("http://", "https://", "www.")):
        return None  # "model.pt" or "numpy.org" in prose stays text; "www.x.org" is a link
    href = attrs.get((None, "href"))
    if not href:
        _video_attributes(attrs, "")
        return attrs
    # bleach keeps entities in the attributes it found ("&amp;"), not in those it makes.
    plain = href if new else unescape(href)
    if _URL_DROPPED_RE.search(plain):
        return None  # read one way here and another by the browser: its text stays
    if (moved := legacy_paper_url(plain)) is not None:
        attrs[(None, "href")] = href = plain = moved
    if not href.startswith("#") and not _is_citation_link(attrs, plain):
        attrs[(None, "rel")] = LINK_REL
    _video_attributes(attrs, plain)
    return attrs


def _video_attributes(attrs: dict, href: str) -> None:
    """A video preview's data attributes, from its (sanitized) address; a link with the
    class and no video's address loses the class."""
    if attrs.get((None, "class")) not in _MEDIA_LINK_CLASSES:
        return
    found = video(href)
    if found is None:
        del attrs[(None, "class")]
        return
    attrs[(None, "data-video")] = found.provider
    attrs[(None, "data-video-id")] = found.id


# What a browser drops from anywhere in an address (the URL standard's "ASCII tab or
# newline"): it follows `/&#9;/host/` as `//host/`, another site. No real address
# holds them.
_URL_DROPPED_RE = re.compile(r"[\t\n\r]")


def _is_citation_link(attrs: dict, href: str) -> bool:
    # Only a citation's own address (a paper's page): the class alone, which raw HTML
    # may carry, must not spare any other link its rel.
    return attrs.get((None, "class")) in CITATION_LINK_CLASSES and is_citation_href(href)


# bleach Cleaners keep parser state and are not thread-safe: one per thread and flavor.
_cleaners = threading.local()


def user_cleaner(flavor: str) -> bleach.Cleaner:
    cleaners = _cleaners.__dict__.setdefault("user", {})
    cleaner = cleaners.get(flavor)
    if cleaner is None:
        cleaner = cleaners[flavor] = bleach.Cleaner(
            tags=_USER_TAGS[flavor],
            attributes=partial(_allow_user_attribute, media=flavor != "comment"),
            protocols=_LINK_PROTOCOLS,
            strip=False,
            strip_comments=True,
            filters=[
                partial(
                    LinkifyFilter,
                    callbacks=[_link_attributes],
                    skip_tags={"pre", "code"},
                    parse_email=False,
                )
            ],
        )
    return cleaner
