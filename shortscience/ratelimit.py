"""Cache-based limits on how often one user (or one address, before log-in) may post.

Counts live in fixed windows in the default cache, so a limit holds across processes
once the cache is shared (Redis in production); with the local-memory cache each
process counts on its own, which is good enough for one machine.
"""

import time
from functools import wraps

from django.conf import settings
from django.core.cache import cache

from .clientip import client_ip
from .views import too_many_requests


def _who(request):
    if request.user.is_authenticated:
        return f"user:{request.user.pk}"
    return f"addr:{client_ip(request)}"


def allow(request, scope, who=None):
    """Count one post of kind `scope`; False once the limit for its window is passed.

    Counted per user (or address) unless `who` names the client otherwise: the API
    counts per access token."""
    limit, window = settings.RATE_LIMITS[scope]
    bucket = int(time.time() // window)
    key = f"ratelimit:{scope}:{who or _who(request)}:{bucket}"
    cache.add(key, 0, timeout=window + 1)
    try:
        count = cache.incr(key)
    except ValueError:
        # The key expired between add() and incr(): this is the window's first post.
        cache.set(key, 1, timeout=window + 1)
        count = 1
    return count <= limit


def seconds_left(scope):
    """Seconds until the current window of `scope` ends and its counts start again."""
    window = settings.RATE_LIMITS[scope][1]
    return window - int(time.time()) % window


def ratelimit(scope, refuse=too_many_requests):
    """Refuse POSTs to the view beyond the limit of `scope`, with a page that says so
    and hands back the text that was posted. Other methods are never counted.

    `refuse(request, retry_after)` makes that page: a view whose form has more to hand
    back than one text shows the form again instead.
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method == "POST" and not allow(request, scope):
                return refuse(request, retry_after=settings.RATE_LIMITS[scope][1])
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
