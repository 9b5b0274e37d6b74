"""Cached page fragments, thrown away by version rather than by key.

A fragment depends on scopes ("feed", "paper:12", …); each scope has a version in the
cache, and a fragment's key carries the versions of its scopes. A write calls `touch`
on the scopes it changes, which gives them new versions: every fragment built from the
old data is then out of reach at once, without anyone knowing its key, and the cache
evicts it in time.

Versions are random rather than counters, so that a version the cache evicted and made
again can never equal an old one and bring back a fragment built under it.

Every fragment also depends on SITE, which bylines and moderation touch, since they
change text on many pages at once.
"""

import hashlib
import secrets

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from .replica import primary_reads

SITE = "site"
FEED = "feed"


def paper_scope(paper_id):
    """The scope of everything a paper's page lists: its summaries, votes and comments."""
    return f"paper:{paper_id}"


def _version_key(scope):
    return f"fragment-version:{scope}"


def _versions(scopes):
    keys = [_version_key(scope) for scope in (SITE, *scopes)]
    found = cache.get_many(keys)
    for key in keys:
        if key not in found:
            # add(), not set(): a process that made the version first keeps it.
            cache.add(key, secrets.token_hex(6), timeout=None)
            found[key] = cache.get(key)
    return ".".join(str(found[key]) for key in keys)


def _bump(scopes):
    cache.set_many({_version_key(scope): secrets.token_hex(6) for scope in scopes}, timeout=None)


def touch(*scopes):
    """Make every fragment that depends on `scopes` stale.

    Now, so that the rest of this request (and a test's reads inside its transaction)
    see the change; and again once the transaction commits, because a reader in another
    transaction may have cached the old rows under the new version in between.
    """
    scopes = [scope for scope in scopes if scope]
    if not scopes:
        return
    _bump(scopes)
    transaction.on_commit(lambda: _bump(scopes))


def cached(name, parts, scopes, build):
    """`build()`'s value, cached under `name` and `parts` until a scope is touched.

    `parts` must hold everything the value varies with besides the scopes' data: the
    page number, the viewer, the path. The value must not hold anything secret to one
    session, such as a CSRF token. With FRAGMENT_CACHE_SECONDS at 0 it is built
    every time.
    """
    seconds = settings.FRAGMENT_CACHE_SECONDS
    if seconds <= 0:
        return build()
    digest = hashlib.sha256(repr(tuple(parts)).encode()).hexdigest()[:32]
    key = f"fragment:{name}:{digest}:{_versions(scopes)}"
    value = cache.get(key)
    if value is None:
        # From the primary: a lagging replica could hand back rows older than the
        # version this value is stored under (see shortscience/replica.py).
        with primary_reads():
            value = build()
        cache.set(key, value, seconds)
    return value
