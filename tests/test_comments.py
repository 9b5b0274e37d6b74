import pytest
from django.conf import settings
from django.urls import reverse

from summaries.models import Comment

from .factories import PASSWORD, make_comment, make_summary, make_user
from .utils import queries_for

pytestmark = pytest.mark.django_db


def comment_url(summary):
    return reverse("summaries:comment", args=[summary.pk])


def test_comment_lands_under_the_summary(client):
    summary = make_summary()
    client.force_login(make_user("critic"))
    response = client.post(comment_url(summary), {"body": "What about $\\lambda$?"})
    comment = Comment.objects.get()
    assert response["Location"] == f"{summary.get_absolute_url()}#comment-{comment.pk}"
    html = client.get(summary.get_absolute_url()).content.decode()
    assert f'id="comment-{comment.pk}"' in html
    assert 'href="/user/critic/"' in html


def test_comments_show_oldest_first_on_summary_page(client):
    summary = make_summary()
    make_comment(summary, body="older")
    make_comment(summary, body="newer")
    html = client.get(summary.get_absolute_url()).content.decode()
    assert html.index("older") < html.index("newer")


def test_comment_needs_login_and_keeps_the_text(client):
    summary = make_summary()
    make_user("late")
    response = client.post(comment_url(summary), {"body": "A thought I do not want to lose"})
    assert response.status_code == 302
    assert Comment.objects.count() == 0
    client.post(response["Location"], {"username": "late", "password": PASSWORD})
    form = client.get(summary.get_absolute_url()).context["comment_form"]
    assert form["body"].value() == "A thought I do not want to lose"


def test_empty_comment_is_an_error(client):
    summary = make_summary()
    client.force_login(make_user())
    response = client.post(comment_url(summary), {"body": "  "})
    assert response.status_code == 400
    assert response.context["comment_form"].errors["body"]
    assert Comment.objects.count() == 0


def test_oversized_comment_keeps_the_text(client):
    summary = make_summary()
    client.force_login(make_user())
    body = "y" * (settings.COMMENT_MAX_LENGTH + 1)
    response = client.post(comment_url(summary), {"body": body})
    assert response.status_code == 400
    assert response.context["comment_form"]["body"].value() == body


def test_double_post_makes_one_comment(client):
    summary = make_summary()
    client.force_login(make_user())
    client.post(comment_url(summary), {"body": "Nice."})
    client.post(comment_url(summary), {"body": "Nice."})
    assert Comment.objects.count() == 1


def test_cannot_comment_on_someone_elses_private_summary(client):
    summary = make_summary(is_private=True)
    client.force_login(make_user())
    assert client.post(comment_url(summary), {"body": "hi"}).status_code == 404


def test_comment_requires_post(client):
    summary = make_summary()
    client.force_login(make_user())
    assert client.get(comment_url(summary)).status_code == 405


def test_author_deletes_own_comment(client):
    comment = make_comment(make_summary())
    client.force_login(comment.author)
    response = client.post(reverse("summaries:delete_comment", args=[comment.pk]))
    assert response.status_code == 302
    assert not Comment.objects.exists()


def test_others_cannot_delete_a_comment(client):
    comment = make_comment(make_summary())
    client.force_login(comment.summary.author)
    response = client.post(reverse("summaries:delete_comment", args=[comment.pk]))
    assert response.status_code == 403
    assert Comment.objects.exists()


def test_delete_button_only_for_the_comments_author(client):
    comment = make_comment(make_summary())
    delete_url = reverse("summaries:delete_comment", args=[comment.pk])
    client.force_login(make_user())
    assert delete_url not in client.get(comment.summary.get_absolute_url()).content.decode()
    client.force_login(comment.author)
    assert delete_url in client.get(comment.summary.get_absolute_url()).content.decode()


def test_summary_page_query_count_does_not_grow_with_comments(client):
    summary = make_summary()
    make_comment(summary)
    one = queries_for(client, summary.get_absolute_url())
    for _ in range(29):
        make_comment(summary)
    assert queries_for(client, summary.get_absolute_url()) == one
