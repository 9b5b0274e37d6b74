"""Django's Redis cache, made to survive a Redis outage.

Everything this site keeps in the cache can be rebuilt or done without: fragments are
built from the database, sessions are written through to the database (cached_db), and
rate limits count again once Redis is back. So an unreachable Redis should make pages
slower, not fail them: each cache call that cannot reach the server answers as a miss
(or as "nothing stored"; add() as "stored", see below) and a warning is logged, at most
once a minute per process.
"""

import logging
import time
from functools import wraps

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError, TimeoutError

logger = logging.getLogger(__name__)
WARN_EVERY_SECONDS = 60


def _tolerant(method, on_failure):
    @wraps(method)
    def wrapper(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except (ConnectionError, TimeoutError) as exc:
            self._warn(exc)
            return on_failure(*args, **kwargs)

    return wrapper


class ReusedClient(RedisCacheClient):
    """Django's client, keeping one redis.Redis per connection pool.

    Django makes a new redis.Redis for every cache call, and its constructor fills a
    table of some 170 response callbacks: 0.06 ms, three or four times on a reader's
    page. A redis.Redis holds no connection of its own (it takes one from the pool for
    each command), so one per pool serves every call, from any thread.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        if (client := self._clients.get(id(pool))) is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class TolerantRedisCache(RedisCache):
    _last_warning = None

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedClient

    def _warn(self, exc):
        now = time.monotonic()
        last = TolerantRedisCache._last_warning
        if last is None or now - last >= WARN_EVERY_SECONDS:
            TolerantRedisCache._last_warning = now
            logger.warning("Redis unreachable, serving without the cache: %s", exc)

    # As if stored: allauth's rate limits take a lock with add() before counting, and a
    # lock that can never be taken would refuse every log-in while Redis is away.
    add = _tolerant(RedisCache.add, lambda *a, **k: True)
    get = _tolerant(RedisCache.get, lambda key, default=None, version=None: default)
    set = _tolerant(RedisCache.set, lambda *a, **k: None)
    touch = _tolerant(RedisCache.touch, lambda *a, **k: False)
    delete = _tolerant(RedisCache.delete, lambda *a, **k: False)
    get_many = _tolerant(RedisCache.get_many, lambda *a, **k: {})
    has_key = _tolerant(RedisCache.has_key, lambda *a, **k: False)
    # A rate limit that cannot count lets the post through (as the first of its window).
    incr = _tolerant(RedisCache.incr, lambda key, delta=1, version=None: delta)
    set_many = _tolerant(RedisCache.set_many, lambda data, *a, **k: list(data))
    delete_many = _tolerant(RedisCache.delete_many, lambda *a, **k: None)
    clear = _tolerant(RedisCache.clear, lambda *a, **k: False)
