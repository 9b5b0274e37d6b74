"""/healthz: what load balancers probe. One query, no session, plain http allowed."""

from datetime import timedelta

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max

from tests.unreachable_db import KINDS, database_away, unreachable_connection
from tests.utils import queries_for

pytestmark = pytest.mark.django_db


def test_answers_ok_with_one_query_and_no_cookie(client):
    assert reverse("health") == "/healthz"
    assert queries_for(client, "/healthz") == 1
    response = client.get("/healthz")
    assert response.content == b"ok\n"
    assert response["Content-Type"].startswith("text/plain")
    assert not response.cookies
    assert "no-cache" in response["Cache-Control"]


def test_head_is_answered_and_posts_are_not(client):
    assert client.head("/healthz").status_code == 200
    assert client.post("/healthz").status_code == 405


def test_reports_how_long_the_oldest_background_task_has_waited(client):
    assert client.get("/healthz")["X-Task-Backlog-Seconds"] == "0"
    now = timezone.now()
    waiting = {
        "args_kwargs": {"args": [], "kwargs": {}},
        "task_path": "x.y",
        "backend_name": "default",
    }
    DBTaskResult.objects.create(**waiting, run_after=get_date_max())
    DBTaskResult.objects.filter().update(enqueued_at=now - timedelta(minutes=5))
    # Deferred: due a minute ago; due later; finished long ago. None is older.
    DBTaskResult.objects.create(**waiting, run_after=now - timedelta(minutes=1))
    DBTaskResult.objects.create(**waiting, run_after=now + timedelta(hours=1))
    DBTaskResult.objects.create(**waiting, run_after=get_date_max(), status="SUCCESSFUL")
    DBTaskResult.objects.filter(status="SUCCESSFUL").update(enqueued_at=now - timedelta(days=1))
    assert queries_for(client, "/healthz") == 1
    response = client.get("/healthz")
    assert response.content == b"ok\n"
    assert 299 <= int(response["X-Task-Backlog-Seconds"]) <= 330


@pytest.mark.parametrize("kind", KINDS)
def test_unreachable_database_answers_503(client, tmp_path, kind):
    with database_away(unreachable_connection(kind, tmp_path)):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.content == b"database unavailable\n"
    assert response["Content-Type"].startswith("text/plain")


def test_recovers_once_the_database_is_back(client, tmp_path):
    # The same connection object before and after: nothing is restarted or reset, the
    # next request simply connects again.
    with database_away(unreachable_connection("sqlite", tmp_path)) as wrapper:
        assert client.get("/healthz").status_code == 503
        (tmp_path / "missing").mkdir()
        # Back, with the table the check reads.
        with wrapper.schema_editor() as editor:
            editor.create_model(DBTaskResult)
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok\n"


@override_settings(SECURE_SSL_REDIRECT=True)
def test_probed_over_plain_http_when_everything_else_redirects(client):
    assert client.get("/healthz").status_code == 200
    response = client.get("/")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/"
