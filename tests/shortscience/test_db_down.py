"""While the database is away the site answers 503 with a page of its own, and hands
back what the reader had written."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from tests.factories import make_summary, make_user
from tests.unreachable_db import KINDS, database_away, unreachable_connection

pytestmark = pytest.mark.django_db


@pytest.fixture(params=KINDS)
def away(request, tmp_path):
    return unreachable_connection(request.param, tmp_path)


def test_pages_answer_503_and_ask_to_come_back(client, away):
    with database_away(away):
        response = client.get(reverse("summaries:home"))
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    html = response.content.decode()
    assert "We'll be back in a moment" in html
    assert "/static/css/site.css" in html
    assert "Content-Security-Policy" in response.headers


def test_logged_in_post_gets_its_text_back(client, away):
    # Logged in, the user lives in the session, which lives in the database: the very
    # first thing the view asks for fails, and the page must not ask again.
    summary = make_summary()
    client.force_login(make_user("ada"))
    body = "A long comment about $x < y$ & why it matters."
    with database_away(away):
        response = client.post(reverse("summaries:comment", args=[summary.pk]), {"body": body})
    assert response.status_code == 503
    html = response.content.decode()
    assert escape(body) in html
    assert "may not have been saved" in html
    assert "ada" not in html


def test_the_site_is_back_with_the_database(client, away):
    summary = make_summary(body="Still here.")
    with database_away(away):
        assert client.get(summary.get_absolute_url()).status_code == 503
    response = client.get(summary.get_absolute_url())
    assert response.status_code == 200
    assert "Still here." in response.content.decode()


def test_database_errors_are_logged(client, away, caplog):
    with database_away(away), caplog.at_level("ERROR", logger="shortscience.middleware"):
        client.get(reverse("summaries:top"))
    (record,) = [r for r in caplog.records if r.name == "shortscience.middleware"]
    assert record.getMessage() == "Database unavailable: GET /top/"
    assert record.exc_info is not None
