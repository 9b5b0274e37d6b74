"""What every /api/ request goes through (api.boundary): CORS, ETags, rate limits, and
no cookies."""

import pytest

from api import tokens
from tests.factories import make_summary, make_user

pytestmark = pytest.mark.django_db


def test_every_answer_allows_any_origin_but_never_credentials(client, world):
    for url, status in (("/api/summaries", 200), ("/api/summaries/999999", 404)):
        response = client.get(url, headers={"Origin": "https://extension.example"})
        assert response.status_code == status
        assert response["Access-Control-Allow-Origin"] == "*"
        assert "Access-Control-Allow-Credentials" not in response
        assert "ETag" in response["Access-Control-Expose-Headers"]


def test_pages_outside_the_api_get_no_cors_header(client, world):
    response = client.get("/", headers={"Origin": "https://extension.example"})
    assert "Access-Control-Allow-Origin" not in response


def test_a_preflight_is_answered_for_the_token_header(client):
    response = client.options(
        "/api/me/export",
        headers={
            "Origin": "https://extension.example",
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "authorization",
        },
    )
    assert response.status_code == 204
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Authorization" in response["Access-Control-Allow-Headers"]
    assert "GET" in response["Access-Control-Allow-Methods"]
    assert "Access-Control-Allow-Credentials" not in response


def test_answers_set_no_cookie_and_do_not_vary_on_one(client, world):
    client.force_login(world["keeper"])
    response = client.get("/api/summaries")
    assert response.cookies == {}
    assert "Cookie" not in response.get("Vary", "")


def test_conditional_get_answers_304(client, world):
    first = client.get("/api/summaries")
    etag = first["ETag"]
    assert first["Cache-Control"] == f"public, max-age={60}"
    again = client.get("/api/summaries", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again["Access-Control-Allow-Origin"] == "*"
    # A new summary changes the answer, and its ETag.
    make_summary(body="A brand new summary, which changes the first page of the feed.")
    changed = client.get("/api/summaries", headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed["ETag"] != etag


def test_rate_limit_per_address_with_retry_after(client, settings, world):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "api": (3, 60)}
    for _ in range(3):
        assert client.get("/api/summaries").status_code == 200
    refused = client.get("/api/summaries")
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert refused.json()["detail"].startswith("Too many requests: try again in ")
    assert refused["Access-Control-Allow-Origin"] == "*"
    # Another address has its own count.
    assert client.get("/api/summaries", REMOTE_ADDR="192.0.2.7").status_code == 200


def test_rate_limit_per_token_apart_from_the_address(client, settings, world):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "api": (2, 60)}
    _, first = tokens.create_token(world["keeper"], "one")
    _, second = tokens.create_token(world["reader"], "two")
    for _ in range(2):
        assert client.get("/api/summaries").status_code == 200
    assert client.get("/api/summaries").status_code == 429
    # The same address, with a token: counted for the token alone.
    with_first = {"Authorization": f"Bearer {first}"}
    assert client.get("/api/summaries", headers=with_first).status_code == 200
    assert client.get("/api/summaries", headers=with_first).status_code == 200
    assert client.get("/api/summaries", headers=with_first).status_code == 429
    headers = {"Authorization": f"Bearer {second}"}
    assert client.get("/api/summaries", headers=headers).status_code == 200


def test_an_unknown_token_is_refused_and_counted_by_address(client, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "api": (2, 60)}
    for n in range(2):
        bad = {"Authorization": f"Bearer ss_made-up-{n}"}
        response = client.get("/api/summaries", headers=bad)
        assert response.status_code == 401
        assert response["WWW-Authenticate"] == 'Bearer error="invalid_token"'
    # Made-up tokens do not buy a fresh count.
    response = client.get("/api/summaries", headers={"Authorization": "Bearer ss_made-up-3"})
    assert response.status_code == 429


def test_a_token_in_the_address_is_refused(client):
    user = make_user()
    _, token = tokens.create_token(user, "script")
    for name in ("token", "access_token"):
        response = client.get(f"/api/me/export?{name}={token}")
        assert response.status_code == 400
        assert "Authorization header" in response.json()["detail"]
