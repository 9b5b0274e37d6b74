"""The live preview's flavors: a comment form's text is previewed as a comment is
published, with the comment's limit; a flavor outside the allowlist is refused."""

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import reverse

from papers.rendering import render_text
from tests.factories import make_user

pytestmark = pytest.mark.django_db

PREVIEW_URL = reverse("summaries:preview")


@pytest.fixture
def writer(client):
    client.force_login(make_user())
    return client


@pytest.mark.parametrize("flavor", ["summary", "comment"])
def test_each_flavor_renders_as_it_publishes(writer, flavor):
    text = "A table?\n\n| a | b |\n|---|---|\n| $x$ | 1 |\n\n# A heading"
    response = writer.post(PREVIEW_URL, {"body": text, "flavor": flavor})
    assert response.status_code == 200
    assert response.content.decode() == render_text(text, flavor=flavor)


def test_the_flavors_differ_where_publishing_does(writer):
    text = "# A heading"
    summary = writer.post(PREVIEW_URL, {"body": text, "flavor": "summary"}).content
    comment = writer.post(PREVIEW_URL, {"body": text, "flavor": "comment"}).content
    # A summary's heading is a heading; a comment has none, and shows it as bold text.
    assert "<h3>A heading</h3>" in summary.decode()
    assert "<h3>" not in comment.decode() and "<strong>A heading</strong>" in comment.decode()


def test_without_a_flavor_it_is_a_summary(writer):
    text = "Inline $x$."
    response = writer.post(PREVIEW_URL, {"body": text})
    assert response.content.decode() == render_text(text, flavor="summary")


@pytest.mark.parametrize("flavor", ["abstract", "bio", "", "../summary"])
def test_a_flavor_outside_the_allowlist_is_refused(writer, flavor):
    response = writer.post(PREVIEW_URL, {"body": "Text.", "flavor": flavor})
    assert response.status_code == 400


def test_a_comment_over_its_limit_is_refused_before_rendering(writer):
    body = "x" * (settings.COMMENT_MAX_LENGTH + 1)
    response = writer.post(PREVIEW_URL, {"body": body, "flavor": "comment"})
    html = response.content.decode()
    assert "too long to preview" in html
    assert f"the limit is {settings.COMMENT_MAX_LENGTH:,}" in html
    # The same text is within a summary's limit.
    response = writer.post(PREVIEW_URL, {"body": body, "flavor": "summary"})
    assert "too long to preview" not in response.content.decode()


# A few previews an hour: the counts live in fixed windows (shortscience.ratelimit), and
# the site's 150 a minute took long enough under load to cross into the next window.
@override_settings(RATE_LIMITS={**settings.RATE_LIMITS, "preview": (4, 3600)})
def test_previews_of_both_flavors_share_one_rate_limit(writer):
    allowed, _ = settings.RATE_LIMITS["preview"]
    for n in range(allowed):
        flavor = ("summary", "comment")[n % 2]
        assert writer.post(PREVIEW_URL, {"body": "x", "flavor": flavor}).status_code == 200
    assert writer.post(PREVIEW_URL, {"body": "x", "flavor": "comment"}).status_code == 429
