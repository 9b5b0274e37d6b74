"""Editing one's own comment: /comments/<pk>/edit/."""

import re

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import reverse

from summaries import services
from summaries.models import Comment
from tests.factories import PASSWORD, make_comment, make_summary, make_user

pytestmark = pytest.mark.django_db


def edit_url(comment):
    return reverse("summaries:edit_comment", args=[comment.pk])


@pytest.fixture
def comment():
    return make_comment(make_summary(), author=make_user("writer"), body="First *draft*.")


def test_edit_form_holds_the_text(client, comment):
    client.force_login(comment.author)
    response = client.get(edit_url(comment))
    assert response.status_code == 200
    assert response.context["form"]["body"].value() == "First *draft*."
    html = response.content.decode()
    assert "Edit your comment" in html
    assert f'id="edit-{comment.pk}_body"' in html


def test_author_edits_and_the_comment_is_marked_edited(client, comment):
    client.force_login(comment.author)
    assert comment.edited_at is None

    response = client.post(edit_url(comment), {"body": "Second thoughts: $x^2$."})

    assert response.status_code == 302
    assert response["Location"] == comment.get_absolute_url()
    comment.refresh_from_db()
    assert comment.body == "Second thoughts: $x^2$."
    assert "katex" in comment.body_html
    assert comment.edited_at is not None
    html = client.get(comment.summary.get_absolute_url()).content.decode()
    assert "Second thoughts" in html and "First <em>draft" not in html
    meta = html[html.index(f'id="comment-{comment.pk}"') :].split("comment-body")[0]
    assert re.search(r'edited <time datetime="[^"]+Z" title="[^"]+ UTC">', meta)


def test_saving_the_same_text_does_not_mark_it_edited(client, comment):
    client.force_login(comment.author)
    client.post(edit_url(comment), {"body": "First *draft*."})
    comment.refresh_from_db()
    assert comment.edited_at is None


def test_someone_else_cannot_edit(client, comment):
    client.force_login(comment.summary.author)
    assert client.get(edit_url(comment)).status_code == 403
    assert client.post(edit_url(comment), {"body": "Hijacked."}).status_code == 403
    comment.refresh_from_db()
    assert comment.body == "First *draft*."


def test_edit_link_only_for_the_author(client, comment):
    client.force_login(make_user())
    assert edit_url(comment) not in client.get(comment.summary.get_absolute_url()).content.decode()
    client.force_login(comment.author)
    assert edit_url(comment) in client.get(comment.summary.get_absolute_url()).content.decode()


def test_a_deleted_comment_cannot_be_edited(client, comment):
    services.delete_comment(comment)
    client.force_login(comment.author)
    assert client.get(edit_url(comment)).status_code == 404
    assert client.post(edit_url(comment), {"body": "Back from the dead."}).status_code == 404
    comment.refresh_from_db()
    assert comment.body == ""


def test_an_edit_cannot_bring_back_a_comment_removed_meanwhile(comment):
    # The author's page was loaded before the summary's author removed the comment.
    stale = Comment.objects.get(pk=comment.pk)
    services.remove_comment(comment, by=comment.summary.author)
    with pytest.raises(services.CommentGone):
        services.edit_comment(stale, body="Edited too late.")
    comment.refresh_from_db()
    assert comment.is_gone and comment.body == ""


def test_a_hidden_comment_cannot_be_edited(client, comment):
    Comment.objects.filter(pk=comment.pk).update(is_hidden=True)
    client.force_login(comment.author)
    assert client.get(edit_url(comment)).status_code == 403


def test_too_long_an_edit_keeps_the_text_with_the_error(client, comment):
    client.force_login(comment.author)
    body = "z" * (settings.COMMENT_MAX_LENGTH + 1)

    response = client.post(edit_url(comment), {"body": body})

    assert response.status_code == 400
    form = response.context["form"]
    assert form["body"].value() == body
    assert "at most 10000 characters" in form.errors["body"][0]
    assert body in response.content.decode()
    comment.refresh_from_db()
    assert comment.body == "First *draft*."


def test_an_empty_edit_is_an_error(client, comment):
    client.force_login(comment.author)
    response = client.post(edit_url(comment), {"body": "   "})
    assert response.status_code == 400
    assert response.context["form"].errors["body"]
    comment.refresh_from_db()
    assert comment.body == "First *draft*."


def test_edit_from_an_expired_session_keeps_the_text_through_login(client, comment):
    response = client.post(edit_url(comment), {"body": "Written while logged out."})
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.body == "First *draft*."

    login = client.post(response["Location"], {"login": "writer", "password": PASSWORD})
    assert login["Location"] == edit_url(comment)
    form = client.get(edit_url(comment)).context["form"]
    assert form["body"].value() == "Written while logged out."


def test_editing_is_rate_limited_and_the_text_kept(client, comment):
    client.force_login(comment.author)
    with override_settings(RATE_LIMITS={**settings.RATE_LIMITS, "comment": (2, 600)}):
        for n in range(2):
            assert client.post(edit_url(comment), {"body": f"Version {n}."}).status_code == 302
        # Opening the form is not a post and is not counted.
        assert client.get(edit_url(comment)).status_code == 200
        response = client.post(edit_url(comment), {"body": "Version too many."})
    assert response.status_code == 429
    assert "Version too many." in response.content.decode()
    comment.refresh_from_db()
    assert comment.body == "Version 1."
