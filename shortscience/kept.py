"""HTML rendered once with markers for what changes, and kept as its fixed pieces.

Much of what a page prints is the same for every viewer and changes only when the
thing it shows does: a summary card, a comment, a paper's head. Rendering it through the
template engine on every request was most of a page's time. A `Kept` renders its
template once with markers in the places that do change (relative times, a score, a
CSRF token, a follow button), keeps the fixed pieces in the cache, and each request
joins them with the values of its slots: no template, one cache round trip for a
page's list of them (`kept_html`; a paper page's blocks, comments and sections share one).

A kept item's key is a digest of everything its fixed pieces print, and of the
templates that print them, so that a changed title, username or template makes a new
key rather than needing anyone to throw the old one away; the cache evicts it in time.
Its users: summaries.cards (cards, blocks, comments, a profile's recent comments),
papers.head and search.cards.
"""

import hashlib
import re
import secrets
from functools import cached_property

from django.core.cache import cache
from django.template.loader import get_template
from django.utils.safestring import mark_safe

# A marker no printed value can hold: NUL characters, which forms refuse and PostgreSQL
# cannot store, around a random word drawn when the process starts, which no one can
# know to write. Markers live only between rendering and splitting, in one process.
NONCE = secrets.token_hex(8)
MARKER = re.compile(f"\x00{NONCE}:(\\w+)\x00")
# Long enough that an item is rendered about once a day, short enough that items nobody
# lists any more leave the cache.
KEEP_SECONDS = 24 * 60 * 60


class Kept:
    """A template rendered once with markers for its `slots`, kept as its fixed pieces.

    `includes` are the other templates it prints, whose source goes into the key too.
    """

    def __init__(self, name, includes, slots):
        self.name = name
        self.templates = (name, *includes)
        self.slots = tuple(slots)
        self.markers = {slot: mark_safe(f"\x00{NONCE}:{slot}\x00") for slot in self.slots}

    @cached_property
    def digest(self):
        sources = "\x00".join(get_template(name).template.source for name in self.templates)
        return hashlib.sha256(sources.encode()).hexdigest()[:12]

    def key(self, printed):
        """The cache key of an item whose fixed pieces print `printed` (a tuple)."""
        digest = hashlib.sha256(repr(printed).encode()).hexdigest()[:24]
        return f"kept:{self.name}:{self.digest}:{digest}"

    def render(self, context, slots):
        """`context` is a dict, or a function that makes it: what an item prints beyond
        its slots is then worked out only when it is rendered, on a miss."""
        if callable(context):
            context = context()
        return get_template(self.name).render({**context, "slots": slots}).strip()

    def pieces(self, context):
        """[fixed, slot, fixed, slot, …, fixed]: the slots this item prints (a comment
        that was never edited has no `edited`), in their order."""
        return MARKER.split(self.render(context, self.markers))

    def html(self, items):
        """Each item's HTML for this request, from (key, context, slots) triples, in
        order (see `kept_html`)."""
        (html,) = kept_html([(self, items)])
        return html


def kept_html(batches):
    """For each (Kept, items) batch, its items' HTML for this request, in order: kept
    pieces joined with the slots' values, or rendered and kept now. One cache round
    trip for all the batches: a page that prints blocks and comments asks once."""
    batches = [(kind, list(items)) for kind, items in batches]
    return [
        [joined(pieces, slots) for pieces, (_, _, slots) in zip(batch, items, strict=True)]
        for batch, (_, items) in zip(kept_pieces(batches), batches, strict=True)
    ]


def kept_pieces(batches):
    """For each (Kept, items) batch, its items' pieces, in order: from the cache, or
    rendered and kept now; one cache round trip. For a page whose kept items hold
    others (a section around comments), which joins the inner ones first."""
    batches = [(kind, list(items)) for kind, items in batches]
    kept = cache.get_many([key for _, items in batches for key, _, _ in items])
    made, out = {}, []
    for kind, items in batches:
        pieces = []
        for key, context, _ in items:
            found = kept.get(key) or made.get(key)
            if found is None:
                found = made[key] = kind.pieces(context)
            pieces.append(found)
        out.append(pieces)
    if made:
        cache.set_many(made, KEEP_SECONDS)
    return out


def joined(pieces, slots):
    """An item's HTML for this request: its pieces, and its slots' values between."""
    return mark_safe("".join(slots[p] if i % 2 else p for i, p in enumerate(pieces)))
