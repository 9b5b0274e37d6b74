"""With Redis unreachable the site keeps working from the database (shortscience/cache.py).

The cache here is the real Redis client pointed at a socket nobody listens on, so every
cache call meets a real connection failure.
"""

import logging

import pytest
from django.core.cache import cache
from django.urls import reverse

from shortscience.cache import TolerantRedisCache
from summaries.models import Comment
from tests.factories import PASSWORD, make_summary, make_user

pytestmark = pytest.mark.django_db

UNREACHABLE = {
    "default": {
        "BACKEND": "shortscience.cache.TolerantRedisCache",
        "LOCATION": "unix:///nonexistent/redis.sock",
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    }
}


@pytest.fixture(autouse=True)
def redis_away(settings, monkeypatch):
    # Each test gets the warning its first failure logs.
    monkeypatch.setattr(TolerantRedisCache, "_last_warning", None)
    settings.CACHES = UNREACHABLE
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"


def test_cache_calls_answer_as_misses():
    assert cache.get("anything", "missing") == "missing"
    # As if stored: a lock (allauth's rate limits) is taken, the count lets the post by.
    assert cache.add("key", 1) is True
    assert cache.get_many(["a", "b"]) == {}
    assert cache.set_many({"a": 1}) == ["a"]
    assert cache.incr("counter") == 1


def test_pages_logins_and_posts_work_without_the_cache(client, caplog):
    summary = make_summary(body="Still readable.")
    with caplog.at_level(logging.WARNING, logger="shortscience.cache"):
        assert "Still readable." in client.get(reverse("summaries:home")).content.decode()
        assert client.get(summary.paper.get_absolute_url()).status_code == 200

        reader = make_user()
        response = client.post(
            reverse("account_login"), {"login": reader.username, "password": PASSWORD}
        )
        assert response.status_code == 302
        # The session was kept in the database: the next page knows the reader.
        assert reader.username in client.get(reverse("summaries:home")).content.decode()

        response = client.post(
            reverse("summaries:comment", args=[summary.pk]), {"body": "Posted while away."}
        )
        assert response.status_code == 302
    assert Comment.objects.filter(body="Posted while away.").count() == 1
    assert "Redis unreachable" in caplog.text


def test_one_redis_client_serves_every_call():
    # Django would build a redis.Redis per call; one per connection pool is kept, and
    # a failed call leaves it usable for the next (the pool drops the dead connection).
    client = cache._cache.get_client()
    assert cache.get("a") is None
    cache.set("b", 1)
    assert cache._cache.get_client() is client
    # One server: reads and writes share its pool, and so its client.
    assert cache._cache.get_client(write=True) is client
