"""/healthz: what load balancers probe. One query, no session, plain http allowed."""

import pytest
from django.test import override_settings
from django.urls import reverse

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
    with database_away(unreachable_connection("sqlite", tmp_path)):
        assert client.get("/healthz").status_code == 503
        (tmp_path / "missing").mkdir()
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok\n"


@override_settings(SECURE_SSL_REDIRECT=True)
def test_probed_over_plain_http_when_everything_else_redirects(client):
    assert client.get("/healthz").status_code == 200
    response = client.get("/")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/"
