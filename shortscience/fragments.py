"""Cached page fragments, thrown away by version rather than by key.

A fragment depends on scopes ("listings", "paper:12", …); each scope has a version in the
cache, and a fragment's key carries the versions of its scopes. A write calls `invalidate`
on the scopes it changes, which gives them new versions: every fragment built from the
old data is then out of reach at once, without anyone knowing its key, and the cache
evicts it in time.

Versions are random rather than counters, so that a version the cache evicted and made
again can never equal an old one and bring back a fragment built under it.

Every fragment also depends on SITE, which `rerender` invalidates, since it changes the
markup of every page at once.

Who invalidates: receivers, not the writers. A save() of a paper, summary or comment
(summaries.receivers), a change of the topics one carries (topics.receivers), and the
writes papers makes without save() and announces (imports, merges and their undoing,
renamed venues: papers.signals) each invalidate what they change. The search index
follows the same saves and signals (search.receivers). Only these writes invalidate by
hand, each because it rewrites rows with update() where a save() per row would cost a
render check, a re-index and an invalidation each, for nothing:

- vote scores: `summaries.services.vote`, and the votes taken back with a deleted
  account (`accounts.services.delete_account`, which also invalidates every page that
  showed the person's name, once);
- re-rendering: `manage.py rerender` (SITE: every page's markup) and the summaries
  rendered again because a paper they cite changed (`summaries.tasks.rerender_summaries`).
  Neither changes a text, so neither touches the search index.
"""

import gzip
import hashlib
import re
import secrets

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.utils.cache import patch_vary_headers

from .replica import primary_reads

SITE = "site"
# Everything that lists summaries or papers across the site: the homepage's tabs, the
# venue pages, the sitemaps. Any new, changed or removed summary or paper makes it stale.
LISTINGS = "listings"


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


def invalidate(*scopes):
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
    """`build()`'s value, cached under `name` and `parts` until a scope is invalidated.

    `parts` must hold everything the value varies with besides the scopes' data: the
    page number, the viewer, the path. The value must not hold anything secret to one
    session, such as a CSRF token. None is never kept. With FRAGMENT_CACHE_SECONDS at
    0 it is built every time.
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
        if value is not None:
            cache.set(key, value, seconds)
    return value


def is_plain_visit(request):
    """A GET by a visitor with no session and no message waiting: a page that is the
    same for every such visitor. (Pages for visitors carry no CSRF token: the site
    gives them links to log in, not forms that post.)"""
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
    )


ACCEPTS_GZIP = re.compile(r"\bgzip\b")


def cached_page(request, scopes, build):
    """The whole page `build()` answers, cached for plain visits (see is_plain_visit)
    until a scope is invalidated; other requests are built every time.

    For the busiest pages: rendering even an empty page through the site's base template
    costs about as much as serving the cached content, so a visitor's page is kept whole.
    Only a 200 answer is kept, and only its content and type: the middleware adds the
    headers (security, CSP) to each answer as usual.

    It is kept gzipped, compressed once rather than by the front server on every
    answer: the homepage's KaTeX markup shrinks about tenfold. Clients that do not take
    gzip get it decompressed. Compressing a page is safe
    here because a visitor's page holds no secret (no CSRF token, no session) for an
    attacker to guess at through its compressed size.
    """
    if not is_plain_visit(request) or settings.FRAGMENT_CACHE_SECONDS <= 0:
        return build()  # nothing is kept, so nothing is compressed
    built = []

    def build_content():
        response = build()
        built.append(response)
        if response.status_code != 200 or response.cookies:
            return None  # not kept
        # Only compressed: it is what nearly every client takes, and a tenth of the
        # bytes to fetch from the cache and unpickle on each answer.
        return {
            "gzipped": gzip.compress(response.content, compresslevel=6, mtime=0),
            "content_type": response["Content-Type"],
        }

    # Kept under the whole address asked for: a page prints absolute addresses built
    # from the request (og:url, a sitemap's entries), so the same path on another host
    # name (any in ALLOWED_HOSTS) or over the other scheme is another page.
    address = (request.scheme, request.get_host(), request.get_full_path())
    kept = cached("page", address, scopes, build_content)
    if built and kept is None:
        return built[0]
    if ACCEPTS_GZIP.search(request.headers.get("Accept-Encoding", "")):
        response = HttpResponse(kept["gzipped"], content_type=kept["content_type"])
        response["Content-Encoding"] = "gzip"
    else:
        content = gzip.decompress(kept["gzipped"])
        response = HttpResponse(content, content_type=kept["content_type"])
    patch_vary_headers(response, ["Accept-Encoding"])
    return response
