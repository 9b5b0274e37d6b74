"""Replies to comments: one level of nesting, under their parent, oldest first."""

import re

import pytest
from django.urls import reverse

from papers.views import COMMENT_THREADS
from summaries import services
from summaries.models import Comment
from tests.factories import PASSWORD, make_comment, make_paper, make_summary, make_user
from tests.utils import queries_for

pytestmark = pytest.mark.django_db


def reply(client, parent, body="I agree, and more.", summary=None):
    url = reverse("summaries:comment", args=[(summary or parent.summary).pk])
    return client.post(url, {"body": body, "parent": parent.pk})


def comment_ids(html):
    """The comments' element ids, in page order."""
    return [int(pk) for pk in re.findall(r'class="comment[^"]*" id="comment-(\d+)"', html)]


def test_reply_lands_under_its_parent(client):
    summary = make_summary()
    first = make_comment(summary, body="First.")
    second = make_comment(summary, body="Second.")
    client.force_login(make_user("replier"))

    response = reply(client, first, "Replying to the first.")

    new = Comment.objects.get(body="Replying to the first.")
    assert new.parent == first
    assert response["Location"] == f"{summary.get_absolute_url()}?comment={new.pk}#comment-{new.pk}"
    html = client.get(summary.get_absolute_url()).content.decode()
    # After its parent and before the next top-level comment, although written after both.
    assert comment_ids(html) == [first.pk, new.pk, second.pk]
    assert f'class="comment comment-reply" id="comment-{new.pk}"' in html
    assert "3 comments<" in html


def test_replies_show_oldest_first_on_both_pages(client):
    summary = make_summary()
    parent = make_comment(summary)
    older = make_comment(summary, parent=parent, body="older reply")
    newer = make_comment(summary, parent=parent, body="newer reply")
    later = make_comment(summary, body="later comment")
    for url in [summary.get_absolute_url(), summary.paper.get_absolute_url()]:
        html = client.get(url).content.decode()
        assert comment_ids(html) == [parent.pk, older.pk, newer.pk, later.pk]


def test_reply_to_a_reply_joins_the_top_level_comment(client):
    summary = make_summary()
    top = make_comment(summary)
    first_reply = make_comment(summary, parent=top)
    client.force_login(make_user())

    reply(client, first_reply, "Answering the reply.")

    assert Comment.objects.get(body="Answering the reply.").parent == top


def test_add_comment_flattens_and_refuses_a_parent_elsewhere():
    summary = make_summary()
    top = make_comment(summary)
    nested = make_comment(summary, parent=top)
    new, created = services.add_comment(
        summary=summary, author=make_user(), body="Deep.", parent=nested
    )
    assert created and new.parent == top
    with pytest.raises(ValueError):
        services.add_comment(summary=make_summary(), author=make_user(), body="Lost.", parent=top)


def test_parent_under_another_summary_is_refused_and_the_text_kept(client):
    elsewhere = make_comment(make_summary())
    summary = make_summary()
    client.force_login(make_user())

    response = reply(client, elsewhere, "My careful reply.", summary=summary)

    assert response.status_code == 400
    form = response.context["comment_form"]
    assert form["body"].value() == "My careful reply."
    assert "no longer there" in " ".join(form.non_field_errors())
    assert "My careful reply." in response.content.decode()
    assert not Comment.objects.filter(body="My careful reply.").exists()


@pytest.mark.parametrize("parent_state", [{"is_hidden": True}, {"deleted": True}, {"bogus": True}])
def test_reply_to_a_comment_not_shown_is_refused_and_the_text_kept(client, parent_state):
    summary = make_summary()
    parent = make_comment(summary, is_hidden=parent_state.get("is_hidden", False))
    if parent_state.get("deleted"):
        services.delete_comment(parent)
    client.force_login(make_user())
    data = {"body": "Still worth saying.", "parent": "x" if "bogus" in parent_state else parent.pk}

    response = client.post(reverse("summaries:comment", args=[summary.pk]), data)

    assert response.status_code == 400
    assert response.context["comment_form"]["body"].value() == "Still worth saying."
    assert not Comment.objects.filter(body="Still worth saying.").exists()


def test_failed_reply_comes_back_under_its_parent(client):
    summary = make_summary()
    parent = make_comment(summary)
    client.force_login(make_user())

    response = reply(client, parent, "   ")

    assert response.status_code == 400
    assert response.context["reply_to"] == parent.pk
    assert response.context["reply_form"].errors["body"]
    html = response.content.decode()
    assert f'id="reply-form-{parent.pk}"' in html
    assert f'name="parent" value="{parent.pk}"' in html


def test_reply_link_opens_the_form_without_javascript(client):
    summary = make_summary()
    parent = make_comment(summary)
    client.force_login(make_user())
    reply_url = f"{summary.get_absolute_url()}?reply={parent.pk}"

    paper_html = client.get(summary.paper.get_absolute_url()).content.decode()
    assert f'href="{reply_url}#reply-form-{parent.pk}"' in paper_html

    html = client.get(reply_url).content.decode()
    form = html[html.index(f'id="reply-form-{parent.pk}"') :]
    assert f'action="{reverse("summaries:comment", args=[summary.pk])}"' in html
    assert f'name="parent" value="{parent.pk}"' in form.split("</form>")[0]
    assert "Your reply" in form.split("</form>")[0]
    # Under the comment it answers, and the ordinary comment form is still there.
    assert html.index(f'id="comment-{parent.pk}"') < html.index(f'id="reply-form-{parent.pk}"')
    assert 'id="comment-form"' in html


def test_no_reply_form_for_an_unknown_comment_or_a_reply(client):
    summary = make_summary()
    top = make_comment(summary)
    nested = make_comment(summary, parent=top)
    other = make_comment(make_summary())
    client.force_login(make_user())
    for pk in [other.pk, "nonsense"]:
        html = client.get(f"{summary.get_absolute_url()}?reply={pk}").content.decode()
        assert 'id="reply-form-' not in html
    # Only top-level comments offer "Reply"; a link to a reply's form lands on its thread.
    html = client.get(summary.get_absolute_url()).content.decode()
    assert f"?reply={nested.pk}" not in html
    html = client.get(f"{summary.get_absolute_url()}?reply={nested.pk}").content.decode()
    assert f'id="reply-form-{top.pk}"' in html


def test_logged_out_reader_is_sent_to_log_in_and_back_to_the_reply_form(client):
    summary = make_summary()
    parent = make_comment(summary)
    html = client.get(summary.get_absolute_url()).content.decode()
    assert f"/accounts/login/?next=/summaries/{summary.pk}/%3Freply%3D{parent.pk}" in html
    assert 'id="reply-form-' not in html


def test_reply_from_an_expired_session_keeps_the_text_under_its_parent(client):
    summary = make_summary()
    parent = make_comment(summary)
    make_user("late")

    response = reply(client, parent, "A reply I do not want to lose")

    assert response.status_code == 302
    assert not Comment.objects.filter(parent=parent).exists()
    login = client.post(response["Location"], {"login": "late", "password": PASSWORD})
    assert login["Location"] == f"/summaries/{summary.pk}/?reply={parent.pk}#reply-form-{parent.pk}"
    page = client.get(login["Location"])
    assert page.context["reply_form"]["body"].value() == "A reply I do not want to lose"
    assert page.context["comment_form"]["body"].value() in (None, "")


def test_hidden_and_deleted_replies_are_not_shown(client):
    summary = make_summary()
    parent = make_comment(summary)
    shown = make_comment(summary, parent=parent, body="visible reply")
    make_comment(summary, parent=parent, body="hidden reply", is_hidden=True)
    gone = make_comment(summary, parent=parent, body="soon deleted")
    client.force_login(gone.author)
    client.post(reverse("summaries:delete_comment", args=[gone.pk]))

    html = client.get(summary.get_absolute_url()).content.decode()

    assert comment_ids(html) == [parent.pk, shown.pk]
    assert "hidden reply" not in html
    assert "[deleted]" not in html


def test_hidden_comment_with_replies_is_a_placeholder_without_its_text(client):
    summary = make_summary()
    parent = make_comment(summary, author=make_user("troll"), body="Offensive.", is_hidden=True)
    make_comment(summary, parent=parent, body="That was uncalled for.")
    html = client.get(summary.get_absolute_url()).content.decode()
    assert "[removed by a moderator]" in html
    assert "Offensive." not in html and "troll" not in html
    assert "That was uncalled for." in html


def build_threads(summary, count):
    for n in range(count):
        top = make_comment(summary, body=f"Comment {n}")
        make_comment(summary, parent=top, body=f"Reply {n}")
        if n % 3 == 0:
            make_comment(summary, parent=top, body=f"Another reply {n}")
        if n % 5 == 0:
            top.deleted_at = top.created_at
            top.save()


@pytest.mark.parametrize("logged_in", [False, True])
def test_summary_page_queries_stay_constant_with_replies(client, logged_in):
    summary = make_summary()
    if logged_in:
        client.force_login(make_user())
    build_threads(summary, 1)
    one = queries_for(client, summary.get_absolute_url())
    build_threads(summary, 20)
    assert queries_for(client, summary.get_absolute_url()) == one


@pytest.mark.parametrize("logged_in", [False, True])
def test_paper_page_queries_stay_constant_with_replies(client, logged_in):
    paper = make_paper()
    if logged_in:
        client.force_login(make_user())
    build_threads(make_summary(paper=paper), 1)
    one = queries_for(client, paper.get_absolute_url())
    for _ in range(3):
        build_threads(make_summary(paper=paper), 20)
    html = client.get(paper.get_absolute_url()).content.decode()
    # The first threads of each summary, their replies included, not all 60 threads.
    assert 3 * COMMENT_THREADS < html.count("comment-reply") < 60
    assert queries_for(client, paper.get_absolute_url()) == one
