"""Rate limits on the live preview and on adding papers: the post past the limit is
refused with 429 and a reason, reading a page is never counted, and typing never
reaches the preview's limit."""

import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.urls import reverse

from papers.models import Paper
from tests.factories import make_user

pytestmark = pytest.mark.django_db

PREVIEW = reverse("summaries:preview")
ADD = reverse("papers:add")
DETAILS = reverse("papers:add_details")
SITE_JS = Path(django_settings.BASE_DIR) / "static" / "js" / "site.js"


@pytest.fixture
def user_client(client):
    client.force_login(make_user("ada"))
    return client


def limit(settings, scope, posts, seconds):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, scope: (posts, seconds)}


# Preview -----------------------------------------------------------------------------


def test_preview_past_its_limit_is_refused(user_client, settings):
    limit(settings, "preview", 2, 60)
    for _ in range(2):
        response = user_client.post(PREVIEW, {"body": "**bold**"})
        assert response.status_code == 200
        assert "<strong>bold</strong>" in response.content.decode()
    response = user_client.post(PREVIEW, {"body": "**bold**"})
    assert response.status_code == 429
    assert response["Retry-After"] == "60"
    assert "<strong>bold</strong>" not in response.content.decode()


def test_preview_limit_is_per_user(user_client, client, settings):
    limit(settings, "preview", 1, 60)
    assert user_client.post(PREVIEW, {"body": "x"}).status_code == 200
    assert user_client.post(PREVIEW, {"body": "x"}).status_code == 429
    client.force_login(make_user("grace"))
    assert client.post(PREVIEW, {"body": "x"}).status_code == 200


def test_preview_gets_are_not_counted(user_client, settings):
    limit(settings, "preview", 1, 60)
    for _ in range(3):
        assert user_client.get(PREVIEW).status_code == 405
    assert user_client.post(PREVIEW, {"body": "x"}).status_code == 200


def test_typing_never_reaches_the_preview_limit():
    """The script asks only after a pause in typing; the limit allows one preview per
    pause for the whole window, however the typing is paced."""
    pause_ms = int(re.search(r"setTimeout\(refresh, (\d+)\)", SITE_JS.read_text()).group(1))
    posts, seconds = django_settings.RATE_LIMITS["preview"]
    assert posts >= seconds * 1000 // pause_ms


# Adding papers -----------------------------------------------------------------------


def details(n, **changes):
    return {
        "title": f"Paper number {n}",
        "authors": "Ada Lovelace",
        "abstract": f"The abstract of paper {n}, with $x^{n}$.",
        "bibtex_key": f"Key{n}",
        **changes,
    }


def test_adding_papers_past_the_limit_is_refused_with_the_details_kept(user_client, settings):
    limit(settings, "paper", 2, 3600)
    for n in (1, 2):
        assert user_client.post(DETAILS, details(n)).status_code == 302
    response = user_client.post(DETAILS, details(3))
    assert response.status_code == 429
    assert response["Retry-After"] == "3600"
    form = response.context["form"]
    assert form.non_field_errors() == [
        "You have added many papers in a short time, so this one was not added. Your "
        "details are kept: please add it again in 60 minutes."
    ]
    html = response.content.decode()
    assert "so this one was not added" in html
    # Everything typed comes back in the form, ready to send again.
    assert form["title"].value() == "Paper number 3"
    assert "The abstract of paper 3, with $x^3$." in html
    assert 'value="Key3"' in html
    assert sorted(Paper.objects.values_list("bibtex_key", flat=True)) == ["Key1", "Key2"]


def test_reading_and_looking_up_are_not_counted(user_client, settings):
    limit(settings, "paper", 1, 3600)
    for _ in range(3):
        assert user_client.get(DETAILS).status_code == 200
        assert user_client.get(ADD).status_code == 200
    # A BibTeX paste is read on the lookup step, which adds nothing.
    entry = "@article{Pasted20, title={Pasted}, author={Ada Lovelace}}"
    for _ in range(3):
        assert user_client.post(ADD, {"text": entry}).status_code == 200
    assert user_client.post(DETAILS, details(1)).status_code == 302
    assert user_client.post(DETAILS, details(2)).status_code == 429
