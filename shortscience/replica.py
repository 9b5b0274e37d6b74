"""Reads from a PostgreSQL streaming replica where that is safe; everything else on the primary.

With DATABASE_REPLICA_URL set, settings.py adds the "replica" alias; without it the
router has no opinion and the middleware is not loaded, so nothing changes.

A read goes to the replica only when all of these hold:

- it happens while a GET or HEAD request is handled (ReplicaMiddleware says so);
  management commands, mail sent after a commit and anything else outside a request
  read from the primary;
- the client has not written recently: a replica replays the primary's changes a
  moment later, so after a successful POST (or any request that wrote) the client gets
  a short-lived cookie that sends its reads to the primary, and sees its own change at
  once (read-your-writes);
- the request has not written anything yet, and the primary has no transaction open:
  what was just written, or is being written, is not on the replica yet;
- it is not a session: a session row read from a lagging replica could be missing and
  log the user out (with Redis, sessions are read from the cache anyway);
- the code is not inside `primary_reads()`, which cached fragments use (below);
- the replica answered the last time: a request whose replica read fails (the replica is
  down, or a query was cancelled by a conflict with recovery) is served again from the
  primary, and an unreachable replica is left alone for a while.

Cached fragments (shortscience/fragments.py) are made stale by new versions set when a
write commits on the primary. A reader that rebuilt a fragment from a lagging replica
just after that would store the old rows under the new version, and the page would
show them until the next write or FRAGMENT_CACHE_SECONDS. Fragments are therefore
built inside `primary_reads()`: only cache misses reach the primary, and a cached
fragment is never older than the primary was when it was built.
"""

import logging
import time
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.db import DEFAULT_DB_ALIAS, DatabaseError, InterfaceError, OperationalError, connections
from django.http import HttpResponse

logger = logging.getLogger(__name__)

PRIMARY = DEFAULT_DB_ALIAS
REPLICA = "replica"
# The cookie's value is the time (Unix seconds) until which the client reads from the
# primary. It is not signed: a client can only pin itself, which a POST does anyway,
# and a value further ahead than the pin's length is ignored.
PIN_COOKIE = "primary_until"
SAFE_METHODS = ("GET", "HEAD")
# How long a process leaves an unreachable replica alone before trying it again.
REPLICA_RETRY_SECONDS = 30


def replica_configured():
    return REPLICA in settings.DATABASES


@dataclass
class _Request:
    """What the request being handled allows, and what it has done so far."""

    replica: bool
    wrote: bool = False
    used_replica: bool = False
    replica_failed: bool = False


_current = ContextVar("replica_request", default=None)
# Per process: until when (time.monotonic()) the replica is considered unreachable.
_replica_down_until = 0.0


@contextmanager
def primary_reads():
    """Read from the primary inside this block, whatever the request allows."""
    state = _current.get()
    if state is None:
        yield
        return
    allowed, state.replica = state.replica, False
    try:
        yield
    finally:
        state.replica = allowed


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if not replica_configured():
            return None
        state = _current.get()
        if (
            state is None
            or not state.replica
            or state.wrote
            or model._meta.app_label == "sessions"
            or connections[PRIMARY].in_atomic_block
        ):
            return PRIMARY
        state.used_replica = True
        return REPLICA

    def db_for_write(self, model, **hints):
        if not replica_configured():
            return None
        # Noted even when nothing ends up written (get_or_create finding its row): the
        # cost of a needless pin is a few seconds of reads on the primary.
        if state := _current.get():
            state.wrote = True
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        if not replica_configured():
            return None
        # The replica holds the primary's rows: an object read from either may refer
        # to an object read from the other.
        if {obj1._state.db, obj2._state.db} <= {PRIMARY, REPLICA}:
            return True
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        if not replica_configured():
            return None
        # The replica is read-only; it receives the schema through replication.
        return db == PRIMARY


def _pinned(request, now):
    try:
        until = int(request.COOKIES[PIN_COOKIE])
    except (KeyError, ValueError):
        return False
    return now < until <= now + settings.REPLICA_PIN_SECONDS


def _replica_reachable():
    replica = connections[REPLICA]
    try:
        replica.close()
        replica.ensure_connection()
    except DatabaseError:
        return False
    return True


class ReplicaMiddleware:
    """Tell the router whether this request may read from the replica, and pin a client
    that wrote to the primary for REPLICA_PIN_SECONDS.

    It comes last in MIDDLEWARE: it then wraps the view alone, where the reads are, and
    its process_exception sees a view's database error before the 503 page is made.
    Reads in the other middleware (the session in particular) go to the primary.
    """

    def __init__(self, get_response):
        if not replica_configured():
            raise MiddlewareNotUsed
        self.get_response = get_response

    def __call__(self, request):
        global _replica_down_until
        safe = request.method in SAFE_METHODS
        replica_up = time.monotonic() >= _replica_down_until
        state = _Request(replica=safe and replica_up and not _pinned(request, int(time.time())))
        response = self._handle(request, state)
        if state.replica_failed:
            # Only a GET or HEAD reads from the replica, and those may be served twice.
            logger.warning(
                "Replica read failed, serving from the primary: %s %s",
                request.method,
                request.path,
            )
            if not _replica_reachable():
                logger.error("Replica unreachable; reading from the primary for a while")
                _replica_down_until = time.monotonic() + REPLICA_RETRY_SECONDS
            state = _Request(replica=False)
            response = self._handle(request, state)
        if state.wrote or (not safe and response.status_code < 400):
            seconds = settings.REPLICA_PIN_SECONDS
            response.set_cookie(
                PIN_COOKIE,
                str(int(time.time()) + seconds),
                max_age=seconds,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response

    def _handle(self, request, state):
        token = _current.set(state)
        try:
            return self.get_response(request)
        finally:
            _current.reset(token)

    def process_exception(self, request, exception):
        state = _current.get()
        if (
            state is not None
            and state.used_replica
            and not state.wrote
            and isinstance(exception, OperationalError | InterfaceError)
        ):
            # Answered by __call__, which serves the request again from the primary;
            # returning a response here keeps the 503 page (and its error log) out of it.
            state.replica_failed = True
            return _Retry()
        return None


class _Retry(HttpResponse):
    """A stand-in answer, replaced by __call__ before it leaves the middleware."""

    status_code = 503
