"""The floor on a summary's length (settings.SUMMARY_MIN_LENGTH): the form refuses a
shorter text, says how long it is, and keeps it for writing on."""

import pytest
from django.conf import settings
from django.urls import reverse

from summaries import demo_content
from summaries.forms import SummaryForm
from summaries.models import Summary
from tests.factories import SUMMARY_BODY, make_paper, make_summary, make_user, summary_text

pytestmark = pytest.mark.django_db


def publish(client, paper, body):
    url = reverse("summaries:write", args=[paper.bibtex_key])
    return client.post(url, {"body": body, "publish": "1"})


def test_a_three_character_summary_is_refused_and_kept(client):
    paper = make_paper()
    client.force_login(make_user())
    response = publish(client, paper, "ok.")
    assert response.status_code == 200
    assert not Summary.objects.exists()
    assert response.context["form"]["body"].value() == "ok."
    floor = settings.SUMMARY_MIN_LENGTH
    assert f"A summary needs at least {floor:,} characters; this one has 3." in (
        response.content.decode()
    )


def test_whitespace_around_the_text_does_not_count():
    floor = settings.SUMMARY_MIN_LENGTH
    padded = " " * floor + "x" * (floor - 1) + "\n" * floor
    form = SummaryForm({"body": padded})
    assert not form.is_valid()
    assert f"this one has {floor - 1:,}." in form.errors["body"][0]


def test_a_text_at_the_floor_is_published(client):
    paper = make_paper()
    client.force_login(make_user())
    body = "y" * settings.SUMMARY_MIN_LENGTH
    assert publish(client, paper, body).status_code == 302
    assert Summary.objects.get().body == body


def test_an_edit_below_the_floor_is_refused_and_the_summary_stays(client):
    summary = make_summary()
    client.force_login(summary.author)
    response = publish(client, summary.paper, "Shorter now.")
    assert response.status_code == 200
    summary.refresh_from_db()
    assert summary.body == SUMMARY_BODY


def test_the_floor_follows_the_setting(client, settings):
    settings.SUMMARY_MIN_LENGTH = 5
    client.force_login(make_user())
    assert publish(client, make_paper(), "Brief but fine.").status_code == 302


def test_the_test_data_and_the_demo_pass_the_floor():
    floor = settings.SUMMARY_MIN_LENGTH
    assert len(SUMMARY_BODY) >= floor
    assert len(summary_text("ok.").strip()) >= floor
    for summary in demo_content.SUMMARIES:
        assert len(summary["body"].strip()) >= floor, summary["body"][:60]


def test_a_short_text_can_still_be_previewed(client):
    """Previewing is not publishing: the floor waits for Publish."""
    client.force_login(make_user())
    url = reverse("summaries:write", args=[make_paper().bibtex_key])
    response = client.post(url, {"body": "Just $x$ so far.", "preview": "1"})
    assert response.status_code == 200
    assert "katex" in response.context["preview_html"]
    assert "A summary needs at least" not in response.content.decode()
    assert not Summary.objects.exists()
