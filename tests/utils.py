import re
from html import unescape

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext


def queries_for(client, url, cached=False):
    """How many SQL queries one GET of the page takes (the page must answer 200).

    From an empty cache unless `cached`: the count to hold constant is the one of a
    page built from the database, not of a cached fragment, and after one view of the
    page: a session's first page stores what the session remembers from then on (that
    its user may post, accounts.posting), which no later page repeats.
    """
    if not cached:
        client.get(url)
        cache.clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.status_code
    return len(captured)


def pager_links(html):
    """The pager's links by their role (`data-pager`: first, prev, next, last)."""
    return {
        role: unescape(href)
        for href, role in re.findall(r'<a [^>]*href="([^"]*)"[^>]*data-pager="(\w+)"', html)
    }
