"""One GET with a short timeout, its failures turned into messages for the user.

The standard library's urllib is enough for a handful of GETs a day, and its timeout
keeps a slow service from holding a request (and a worker) for long.
"""

import http.client
from urllib.error import HTTPError, URLError
from urllib.request import Request, urlopen

from django.conf import settings

from .base import NotFound, SourceError

# Answers are a few kilobytes; anything far larger is not what was asked for.
MAX_BYTES = 2_000_000


def get(url, *, service, what, accept, timeout=None):
    """The body of `url`; NotFound for a 404, SourceError for any other failure.

    `timeout` (seconds) shortens PAPER_SOURCES_TIMEOUT for lookups that are only a
    bonus, never lengthens it.
    """
    timeout = min(settings.PAPER_SOURCES_TIMEOUT, timeout or settings.PAPER_SOURCES_TIMEOUT)
    request = Request(url, headers={"Accept": accept, "User-Agent": _user_agent()})
    try:
        with urlopen(request, timeout=timeout) as response:
            body = response.read(MAX_BYTES + 1)
    except HTTPError as exc:
        exc.close()
        if exc.code in (400, 404, 410):
            raise NotFound(f"{service} does not know {what}.") from None
        raise SourceError(f"{service} answered with an error (HTTP {exc.code}).") from None
    except TimeoutError:
        raise SourceError(_timed_out(service, timeout)) from None
    except URLError as exc:
        if isinstance(exc.reason, TimeoutError):
            raise SourceError(_timed_out(service, timeout)) from None
        raise SourceError(f"{service} could not be reached.") from None
    except (OSError, http.client.HTTPException):
        raise SourceError(f"{service} could not be reached.") from None
    if len(body) > MAX_BYTES:
        raise SourceError(f"{service} sent an answer that could not be read.")
    return body


def _timed_out(service, timeout):
    return f"{service} did not answer within {timeout:g} seconds."


def _user_agent():
    # Crossref and arXiv ask API clients to name themselves.
    return f"{settings.SITE_NAME} (paper lookup)"
