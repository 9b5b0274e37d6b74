"""The replica router's checks, run with a "replica" alias (tests.replica_settings).

Not collected by the usual run, which has no replica: `tests/shortscience/test_replica.py`'s
`test_with_a_replica_alias` runs this module in a second pytest process, where the
alias is a second real connection to the test database (TEST MIRROR).
"""

import time
from contextlib import contextmanager

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connections, router, transaction
from django.http import HttpResponse
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from papers.models import Paper
from shortscience import replica
from shortscience.replica import PIN_COOKIE, PRIMARY, REPLICA, ReplicaMiddleware
from summaries.models import Comment, Summary

from .factories import make_summary, make_user
from .unreachable_db import KINDS, unreachable_connection

if not replica.replica_configured():
    raise RuntimeError(
        "run with --ds tests.replica_settings (see tests/shortscience/test_replica.py)"
    )

# Data the replica connection must see is committed, as on a real replica.
replica_db = pytest.mark.django_db(transaction=True, databases=[PRIMARY, REPLICA])


# The router's decisions


def decide(rf, method="get", cookies=None, during=None):
    """The alias chosen for a read of a paper while the middleware handles a request, and
    the response."""
    chosen = []

    def view(request):
        if during:
            during()
        chosen.append(router.db_for_read(Paper))
        return HttpResponse()

    request = rf.generic(method.upper(), "/")
    request.COOKIES.update(cookies or {})
    response = ReplicaMiddleware(view)(request)
    return chosen[0], response


def test_get_and_head_read_from_the_replica(rf):
    assert decide(rf, "get")[0] == REPLICA
    assert decide(rf, "head")[0] == REPLICA


def test_a_post_reads_and_writes_on_the_primary(rf):
    alias, response = decide(rf, "post")
    assert alias == PRIMARY
    assert router.db_for_write(Paper) == PRIMARY
    assert PIN_COOKIE in response.cookies


def test_outside_a_request_reads_from_the_primary():
    # Management commands, mail after a commit, shells.
    assert router.db_for_read(Paper) == PRIMARY


def test_a_pinned_client_reads_from_the_primary(rf):
    now = int(time.time())
    assert decide(rf, cookies={PIN_COOKIE: str(now + 3)})[0] == PRIMARY
    assert decide(rf, cookies={PIN_COOKIE: str(now - 1)})[0] == REPLICA
    # Further ahead than a pin lasts, or not a time: not a pin this site set.
    assert decide(rf, cookies={PIN_COOKIE: str(now + 3600)})[0] == REPLICA
    assert decide(rf, cookies={PIN_COOKIE: "soon"})[0] == REPLICA


def test_after_a_write_a_get_reads_from_the_primary_and_pins(rf):
    alias, response = decide(rf, during=lambda: router.db_for_write(Paper))
    assert alias == PRIMARY
    assert PIN_COOKIE in response.cookies


def test_a_get_that_only_reads_does_not_pin(rf):
    assert PIN_COOKIE not in decide(rf)[1].cookies


def test_sessions_are_read_from_the_primary(rf):
    chosen = []

    def view(request):
        chosen.append(router.db_for_read(Session))
        return HttpResponse()

    ReplicaMiddleware(view)(rf.get("/"))
    assert chosen == [PRIMARY]


def test_primary_reads_block(rf):
    chosen = []

    def view(request):
        with replica.primary_reads():
            chosen.append(router.db_for_read(Paper))
        chosen.append(router.db_for_read(Paper))
        return HttpResponse()

    ReplicaMiddleware(view)(rf.get("/"))
    assert chosen == [PRIMARY, REPLICA]


@replica_db
def test_inside_a_transaction_reads_from_the_primary(rf):
    def in_transaction():
        with transaction.atomic():
            return router.db_for_read(Paper)

    chosen = []

    def view(request):
        chosen.append(in_transaction())
        return HttpResponse()

    ReplicaMiddleware(view)(rf.get("/"))
    assert chosen == [PRIMARY]


def test_migrations_only_on_the_primary_and_relations_across_both():
    assert router.allow_migrate(PRIMARY, "papers")
    assert not router.allow_migrate(REPLICA, "papers")
    from_replica, from_primary = Paper(), Summary()
    from_replica._state.db, from_primary._state.db = REPLICA, PRIMARY
    assert router.allow_relation(from_replica, from_primary)


# Through the test client, on a real second connection


@contextmanager
def reads():
    """The queries run on each connection meanwhile."""
    with (
        CaptureQueriesContext(connections[PRIMARY]) as primary,
        CaptureQueriesContext(connections[REPLICA]) as secondary,
    ):
        yield primary, secondary


@replica_db
def test_pages_are_read_from_the_replica(client):
    summary = make_summary(body="Read from the second connection.")
    assert connections[REPLICA] is not connections[PRIMARY]
    with reads() as (primary, secondary):
        response = client.get(summary.get_absolute_url())
    assert response.status_code == 200
    assert "Read from the second connection." in response.content.decode()
    assert len(secondary) > 0
    assert len(primary) == 0


@replica_db
def test_logged_in_pages_read_only_the_session_from_the_primary(client):
    summary = make_summary()
    client.force_login(make_user("reader"))
    with reads() as (primary, secondary):
        response = client.get(summary.get_absolute_url())
    assert "reader" in response.content.decode()
    # None at all when the session comes from the cache (cached_db, with Redis). The
    # session's first page also saves it (accounts.posting), in a transaction.
    assert all(
        "django_session" in query["sql"]
        or query["sql"].startswith(("BEGIN", "SAVEPOINT", "RELEASE", "COMMIT"))
        for query in primary.captured_queries
    ), [query["sql"] for query in primary.captured_queries]
    assert any("accounts_user" in query["sql"] for query in secondary.captured_queries)


@replica_db
def test_reading_pages_sets_no_pin(client):
    summary = make_summary()
    client.force_login(make_user())
    for url in (
        reverse("summaries:home"),
        summary.paper.get_absolute_url(),
        summary.get_absolute_url(),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert PIN_COOKIE not in response.cookies, url


@replica_db
def test_a_post_pins_the_client_to_the_primary_for_a_few_seconds(client):
    summary = make_summary()
    client.force_login(make_user())
    before = int(time.time())
    response = client.post(
        reverse("summaries:comment", args=[summary.pk]), {"body": "Seen at once."}
    )
    assert response.status_code == 302
    pin = response.cookies[PIN_COOKIE]
    assert pin["max-age"] == settings.REPLICA_PIN_SECONDS
    assert pin["httponly"]
    assert before + settings.REPLICA_PIN_SECONDS <= int(pin.value) <= time.time() + 5

    with reads() as (primary, secondary):
        html = client.get(summary.get_absolute_url()).content.decode()
    assert "Seen at once." in html
    assert len(secondary) == 0
    assert len(primary) > 0

    # Once the pin has run out, the same client reads from the replica again.
    client.cookies[PIN_COOKIE] = str(int(time.time()) - 1)
    with reads() as (primary, secondary):
        html = client.get(summary.get_absolute_url()).content.decode()
    assert "Seen at once." in html
    assert len(secondary) > 0


@replica_db
def test_a_refused_post_does_not_pin(client):
    client.force_login(make_user())
    response = client.post(reverse("summaries:comment", args=[999999]), {"body": "Nowhere."})
    assert response.status_code == 404
    assert PIN_COOKIE not in response.cookies


@replica_db
def test_cached_fragments_are_built_from_the_primary(client):
    # A fragment rebuilt from a lagging replica just after a write would be stored,
    # stale, under the version that write made.
    make_summary(body="Listed from the primary.")
    with reads() as (primary, secondary):
        html = client.get(reverse("summaries:home")).content.decode()
    assert "Listed from the primary." in html
    assert any("summaries_summary" in query["sql"] for query in primary.captured_queries)
    assert not any("summaries_summary" in query["sql"] for query in secondary.captured_queries)


@contextmanager
def replica_away(kind, tmp_path):
    """The replica alias served by a connection whose server is not there."""
    away = unreachable_connection(kind, tmp_path)
    away = type(away)(away.settings_dict, REPLICA)
    original = connections[REPLICA]
    connections[REPLICA] = away
    try:
        yield
    finally:
        connections[REPLICA] = original
        away.close()


@replica_db
@pytest.mark.parametrize("kind", KINDS)
def test_an_unreachable_replica_leaves_reads_to_the_primary(
    client, kind, tmp_path, caplog, monkeypatch
):
    # Restored after the test: the replica is marked unreachable for a while.
    monkeypatch.setattr(replica, "_replica_down_until", 0.0)
    summary = make_summary(body="Served all the same.")
    with replica_away(kind, tmp_path), caplog.at_level("WARNING"):
        first = client.get(summary.get_absolute_url())
        assert first.status_code == 200
        assert "Served all the same." in first.content.decode()
        messages = [record.getMessage() for record in caplog.records]
        assert any(m.startswith("Replica read failed") for m in messages), messages
        assert "Replica unreachable; reading from the primary for a while" in messages
        assert not any(m.startswith("Database unavailable") for m in messages), messages

        caplog.clear()
        # (Only the primary is watched: watching a connection opens it.)
        with CaptureQueriesContext(connections[PRIMARY]) as primary:
            second = client.get(summary.get_absolute_url())
        assert second.status_code == 200
        assert len(primary) > 0
        assert caplog.records == []
    assert PIN_COOKIE not in first.cookies


@replica_db
def test_comment_posted_then_read_by_another_visitor_from_the_replica(client):
    # The replica sees what the primary committed.
    summary = make_summary()
    client.force_login(make_user())
    client.post(reverse("summaries:comment", args=[summary.pk]), {"body": "For everyone."})
    assert Comment.objects.using(REPLICA).filter(body="For everyone.").exists()
    client.logout()
    with reads() as (_, secondary):
        html = client.get(summary.get_absolute_url()).content.decode()
    assert "For everyone." in html
    assert len(secondary) > 0
