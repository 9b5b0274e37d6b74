import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import reverse

from summaries.models import Comment
from tests.factories import PASSWORD, make_comment, make_summary, make_user
from tests.utils import queries_for

pytestmark = pytest.mark.django_db


def comment_url(summary):
    return reverse("summaries:comment", args=[summary.pk])


def test_comment_lands_under_the_summary(client):
    summary = make_summary()
    client.force_login(make_user("critic"))
    response = client.post(comment_url(summary), {"body": "What about $\\lambda$?"})
    comment = Comment.objects.get()
    # The page of the discussion that holds it, whichever that is (summaries.discussion).
    expected = f"{summary.get_absolute_url()}?comment={comment.pk}#comment-{comment.pk}"
    assert response["Location"] == comment.get_absolute_url() == expected
    assert f'id="comment-{comment.pk}"' in client.get(response["Location"]).content.decode()
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
    client.post(response["Location"], {"login": "late", "password": PASSWORD})
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
    comment = make_comment(make_summary(), body="Second thoughts about $k$.")
    client.force_login(comment.author)
    response = client.post(reverse("summaries:delete_comment", args=[comment.pk]))
    assert response.status_code == 302
    # Back to the comments of the page that held it; gone, it leaves the first page.
    summary_url = comment.summary.get_absolute_url()
    expected = f"{summary_url}?comment={comment.pk}#comments-{comment.summary.pk}"
    assert response["Location"] == expected
    assert client.get(response["Location"]).context["comment_pages"].number == 1
    comment.refresh_from_db()
    assert comment.is_gone and comment.removed_by is None
    assert comment.body == "" and comment.body_html == ""
    html = client.get(comment.summary.get_absolute_url()).content.decode()
    # Without replies a deleted comment leaves nothing behind.
    assert f'id="comment-{comment.pk}"' not in html
    assert "Second thoughts" not in html
    assert "0 comments<" in html


def test_others_cannot_delete_a_comment(client):
    comment = make_comment(make_summary())
    client.force_login(comment.summary.author)
    response = client.post(reverse("summaries:delete_comment", args=[comment.pk]))
    assert response.status_code == 403
    comment.refresh_from_db()
    assert not comment.is_gone


def test_deleted_comment_with_replies_stays_as_a_placeholder(client):
    summary = make_summary()
    comment = make_comment(summary, author=make_user("talker"), body="Something regrettable.")
    reply = make_comment(summary, parent=comment, body="A reply that still makes sense.")
    client.force_login(comment.author)
    client.post(reverse("summaries:delete_comment", args=[comment.pk]))

    client.logout()
    html = client.get(summary.get_absolute_url()).content.decode()
    assert f'id="comment-{comment.pk}"' in html
    assert "[deleted]" in html
    assert "Something regrettable" not in html
    assert 'href="/user/talker/"' not in html
    assert "A reply that still makes sense." in html
    assert html.index(f'id="comment-{comment.pk}"') < html.index(f'id="comment-{reply.pk}"')
    assert "1 comment<" in html


def test_deleting_twice_is_harmless(client):
    comment = make_comment(make_summary())
    client.force_login(comment.author)
    url = reverse("summaries:delete_comment", args=[comment.pk])
    client.post(url)
    deleted_at = Comment.objects.get().deleted_at
    assert client.post(url).status_code == 302
    assert Comment.objects.get().deleted_at == deleted_at


def test_delete_needs_login(client):
    comment = make_comment(make_summary())
    response = client.post(reverse("summaries:delete_comment", args=[comment.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    comment.refresh_from_db()
    assert not comment.is_gone


def remove(client, comment):
    return client.post(reverse("summaries:remove_comment", args=[comment.pk]))


def test_summary_author_removes_a_comment_without_being_named(client):
    summary = make_summary(author=make_user("shy_author"), is_anonymous=True)
    comment = make_comment(summary, body="Rude words here.")
    make_comment(summary, parent=comment, body="Please be civil.")
    client.force_login(summary.author)

    response = remove(client, comment)

    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.is_gone and comment.removed_by == summary.author
    assert comment.body == "" and comment.body_html == ""
    client.logout()
    html = client.get(summary.get_absolute_url()).content.decode()
    assert "[removed by the summary&#x27;s author]" in html
    assert "Rude words" not in html
    assert "shy_author" not in html
    assert "Please be civil." in html


def test_staff_remove_any_comment(client):
    summary = make_summary()
    comment = make_comment(summary, body="Spam, spam, spam.")
    make_comment(summary, parent=comment, body="Reported it.")
    client.force_login(make_user("jane_staff", is_staff=True))

    assert remove(client, comment).status_code == 302

    comment.refresh_from_db()
    assert comment.is_gone and comment.removed_by.username == "jane_staff"
    client.logout()
    html = client.get(summary.get_absolute_url()).content.decode()
    assert "[removed by a moderator]" in html
    assert "jane_staff" not in html
    assert "Spam, spam" not in html
    assert "Reported it." in html


def test_nobody_else_may_remove_a_comment(client):
    comment = make_comment(make_summary())
    for who in [make_user(), comment.author]:
        client.force_login(who)
        assert remove(client, comment).status_code == 403
    comment.refresh_from_db()
    assert not comment.is_gone


def test_remove_needs_post(client):
    comment = make_comment(make_summary())
    client.force_login(comment.summary.author)
    assert client.get(reverse("summaries:remove_comment", args=[comment.pk])).status_code == 405


def test_comment_under_someone_elses_private_summary_answers_404(client):
    summary = make_summary(is_private=True)
    comment = make_comment(summary, author=summary.author)
    client.force_login(make_user(is_staff=True))
    assert remove(client, comment).status_code == 404


def test_remove_button_for_the_summary_author_and_staff_only(client):
    summary = make_summary()
    comment = make_comment(summary)
    remove_url = reverse("summaries:remove_comment", args=[comment.pk])
    for who, shown in [
        (make_user(), False),
        (comment.author, False),
        (summary.author, True),
        (make_user(is_staff=True), True),
    ]:
        client.force_login(who)
        assert (remove_url in client.get(summary.get_absolute_url()).content.decode()) is shown


def test_counts_leave_out_deleted_removed_and_hidden_comments(client):
    summary = make_summary()
    kept = make_comment(summary)
    make_comment(summary, parent=kept)
    gone = make_comment(summary)
    make_comment(summary, parent=gone)
    make_comment(summary, is_hidden=True)
    client.force_login(gone.author)
    client.post(reverse("summaries:delete_comment", args=[gone.pk]))
    client.force_login(summary.author)
    remove(client, Comment.objects.get(parent=kept))

    for url in [summary.get_absolute_url(), summary.paper.get_absolute_url()]:
        assert "2 comments<" in client.get(url).content.decode()


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


def test_posting_comments_is_rate_limited_and_the_text_kept(client):
    summary = make_summary()
    client.force_login(make_user())
    with override_settings(RATE_LIMITS={**settings.RATE_LIMITS, "comment": (2, 600)}):
        for n in range(2):
            assert client.post(comment_url(summary), {"body": f"Point {n}."}).status_code == 302
        response = client.post(comment_url(summary), {"body": "One point too many."})
    assert response.status_code == 429
    html = response.content.decode()
    assert "Too many posts in a short time" in html
    assert "One point too many." in html
    assert Comment.objects.count() == 2


def test_anonymous_summary_author_comments_without_their_name(client):
    summary = make_summary(author=make_user("hidden_hand"), is_anonymous=True)
    own = make_comment(summary, author=summary.author, body="Author here, to answer.")
    make_comment(summary, author=make_user("asker"), parent=own, body="Thanks!")
    for url in [summary.get_absolute_url(), summary.paper.get_absolute_url()]:
        html = client.get(url).content.decode()
        assert "Author here, to answer." in html
        assert "The summary's author" in html
        assert "hidden_hand" not in html
        assert 'href="/user/asker/"' in html
