"""Summary cards, rendered once and reused by every viewer.

A card (templates/summaries/_card.html) prints a summary in a list: the homepage's tabs
and a profile. Almost all of it is the same for every viewer and changes only when the
summary or its paper does, yet rendering it through the template engine (the paper's
heading, the byline, the links) cost about 0.4 ms a card, most of a feed page's time.

So a card is rendered once, with markers in the places that do change (the relative
time, the text, the score with the viewer's vote, the comment count), and kept in the
cache as its fixed pieces. Each request joins the pieces with the values of its slots:
no template, one cache round trip for the page.

A kept card's key is a digest of everything the fixed pieces print, and of the
templates that print them, so that a changed title, username or template makes a new
key rather than needing anyone to throw the old card away; the cache evicts it in time.
"""

import hashlib
import re
from functools import cache as once

from django.core.cache import cache
from django.template.loader import get_template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from shortscience.templatetags.timestamps import timestamp_html

TEMPLATE = "summaries/_card.html"
# Every template the fixed pieces come from: a change to any of them changes the key.
TEMPLATES = (TEMPLATE, "includes/paper_heading.html", "includes/byline.html")
SLOTS = ("time", "text", "score", "comments")
# A marker no printed value can hold: forms refuse NUL characters and PostgreSQL cannot
# store them. Should a value hold one anyway, the card is rendered whole (see `_pieces`).
MARKERS = {name: mark_safe(f"\x00{name}\x00") for name in SLOTS}
MARKER = re.compile("\x00(\\w+)\x00")
# Long enough that a card is rendered about once a day, short enough that cards of
# summaries nobody lists any more leave the cache.
KEEP_SECONDS = 24 * 60 * 60


@once
def _templates_digest():
    sources = "\x00".join(get_template(name).template.source for name in TEMPLATES)
    return hashlib.sha256(sources.encode()).hexdigest()[:12]


def _key(summary):
    paper = summary.paper
    printed = (
        summary.pk,
        summary.is_anonymous,
        summary.is_private,
        summary.is_cut,
        "" if summary.is_anonymous else summary.author.username,
        paper.bibtex_key,
        paper.title,
        paper.authors,
        paper.venue,
        paper.year,
    )
    digest = hashlib.sha256(repr(printed).encode()).hexdigest()[:24]
    return f"card:{_templates_digest()}:{digest}"


def _render(summary, slots):
    return get_template(TEMPLATE).render({"summary": summary, "slots": slots}).strip()


def _pieces(summary):
    """The card's fixed pieces with the slot names between them:
    [fixed, slot, fixed, slot, …, fixed]; None when a printed value held a marker."""
    html = _render(summary, MARKERS)
    pieces = MARKER.split(html)
    if pieces[1::2] != list(SLOTS):
        return None
    return pieces


def _slots(summary):
    """What a card prints that changes without the card changing, for this request."""
    if summary.user_vote == 1:
        vote = ", you voted up"
    elif summary.user_vote == -1:
        vote = ", you voted down"
    else:
        vote = ""
    count = summary.comment_count
    return {
        "time": timestamp_html(summary.created_at),
        "text": mark_safe(summary.shown_html),  # sanitized when it was stored
        "score": format_html(
            'Score: {}<span class="text-body-secondary">{}</span>' if vote else "Score: {}{}",
            summary.score,
            vote,
        ),
        "comments": f"{count} comment{'' if count == 1 else 's'}",
    }


def attach(summaries):
    """Set `card`, its HTML for this request, on each summary of a list.

    The summaries come from `SummaryQuerySet.for_listing()` and `with_user_vote()`.
    """
    summaries = list(summaries)
    keys = {summary.pk: _key(summary) for summary in summaries}
    kept = cache.get_many(list(keys.values()))
    made = {}
    for summary in summaries:
        key = keys[summary.pk]
        pieces = kept.get(key)
        if pieces is None:
            pieces = _pieces(summary)
            if pieces is not None:
                made[key] = pieces
        slots = _slots(summary)
        if pieces is None:
            summary.card = _render(summary, slots)
        else:
            summary.card = mark_safe(
                "".join(slots[piece] if i % 2 else piece for i, piece in enumerate(pieces))
            )
    if made:
        cache.set_many(made, KEEP_SECONDS)
    return summaries
