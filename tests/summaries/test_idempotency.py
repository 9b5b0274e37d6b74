"""Idempotency keys on the posting forms (summaries/idempotency.py): a double submit, or a
retry of a post whose answer was lost, is stored once and answered as the first was."""

import re
import threading
import uuid
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from summaries import idempotency, services
from summaries.models import Comment, IdempotencyKey, Summary, SummaryRevision, Vote
from tests.factories import make_comment, make_paper, make_summary, make_user, summary_text

pytestmark = pytest.mark.django_db
JSON = {"HTTP_ACCEPT": "application/json"}
KEY_INPUT = re.compile(r'<input type="hidden" name="idempotency_key" value="([0-9a-f-]{36})">')


def new_key():
    return str(uuid.uuid4())


def keys_in(html):
    return KEY_INPUT.findall(html)


def form_html(html, marker):
    """The <form> element whose opening tag contains `marker`."""
    start = html.rindex("<form", 0, html.index(marker))
    return html[start : html.index("</form>", start)]


def comment_url(summary):
    return reverse("summaries:comment", args=[summary.pk])


def vote_url(summary):
    return reverse("summaries:vote", args=[summary.pk])


def write_url(paper):
    return reverse("summaries:write", args=[paper.bibtex_key])


def long_ago(model, **filters):
    """Move rows out of the two-minute window in which add_comment drops a duplicate
    without a key: a retry after an outage comes later than that, and only the key
    can recognise it."""
    model.objects.filter(**filters).update(created_at=timezone.now() - timedelta(minutes=30))


@pytest.fixture
def critic(client):
    user = make_user("critic")
    client.force_login(user)
    return user


# The forms carry keys.


def test_each_form_on_a_summary_page_has_a_key_of_its_own(client, critic):
    summary = make_summary(author=make_user("ada"))
    comment = make_comment(summary, body="First!")
    url = f"{summary.get_absolute_url()}?reply={comment.pk}"
    html = client.get(url).content.decode()

    comment_key = keys_in(form_html(html, 'id="comment-form"'))
    reply_key = keys_in(form_html(html, f'id="reply-form-{comment.pk}"'))
    vote_key = keys_in(form_html(html, f'action="{vote_url(summary)}"'))
    assert len(comment_key) == len(reply_key) == len(vote_key) == 1
    assert len({*comment_key, *reply_key, *vote_key}) == 3
    # Every load is a new form: a key is never handed out twice.
    assert set(keys_in(client.get(url).content.decode())).isdisjoint(keys_in(html))


def test_write_form_has_a_key_new_on_every_load(client, critic):
    paper = make_paper()
    first = keys_in(client.get(write_url(paper)).content.decode())
    second = keys_in(client.get(write_url(paper)).content.decode())
    assert len(first) == len(second) == 1
    assert first != second


def test_vote_forms_on_a_paper_page_each_have_a_key(client, critic):
    paper = make_paper()
    for _ in range(3):
        make_summary(paper=paper)
    keys = keys_in(client.get(paper.get_absolute_url()).content.decode())
    assert len(keys) == len(set(keys)) == 3


def test_no_key_lands_in_a_page_cached_for_visitors_or_the_feed(client, critic):
    summary = make_summary(author=make_user("ada"))
    make_comment(summary)
    paper_url = summary.paper.get_absolute_url()
    # A logged-in reader's pages are built for them alone.
    assert keys_in(client.get(paper_url).content.decode())
    assert keys_in(client.get(paper_url).content.decode()) != keys_in(
        client.get(paper_url).content.decode()
    )
    visitor = Client()
    for url in (paper_url, paper_url, reverse("summaries:home")):
        assert keys_in(visitor.get(url).content.decode()) == []
    assert keys_in(client.get(reverse("summaries:home")).content.decode()) == []


# Comments and replies.


def test_comment_posted_twice_with_one_key_is_stored_once(
    client, critic, django_capture_on_commit_callbacks
):
    summary = make_summary(author=make_user("ada"))
    data = {"body": "Is the bound tight?", "idempotency_key": new_key()}
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(comment_url(summary), data)
    long_ago(Comment)
    with django_capture_on_commit_callbacks(execute=True):
        second = client.post(comment_url(summary), data)

    comment = Comment.objects.get()
    assert first.status_code == second.status_code == 302
    assert second["Location"] == first["Location"] == comment.get_absolute_url()
    # ada heard of it once.
    assert [message.to for message in mail.outbox] == [["ada@example.org"]]


def test_reply_posted_twice_with_one_key_is_stored_once(client, critic):
    summary = make_summary()
    parent = make_comment(summary)
    data = {"body": "Good point.", "parent": parent.pk, "idempotency_key": new_key()}
    first = client.post(comment_url(summary), data)
    long_ago(Comment, parent=parent)
    second = client.post(comment_url(summary), data)

    reply = Comment.objects.get(parent=parent)
    assert second["Location"] == first["Location"] == reply.get_absolute_url()


def test_repeat_of_a_reply_still_lands_on_it_after_its_thread_was_deleted(client, critic):
    summary = make_summary()
    parent = make_comment(summary)
    data = {"body": "Good point.", "parent": parent.pk, "idempotency_key": new_key()}
    first = client.post(comment_url(summary), data)
    services.delete_comment(parent)
    second = client.post(comment_url(summary), data)
    assert second.status_code == 302
    assert second["Location"] == first["Location"]
    assert Comment.objects.filter(parent=parent).count() == 1
    assert Comment.objects.filter(parent=None).count() == 1


def test_comments_with_different_keys_are_both_stored(client, critic):
    summary = make_summary()
    client.post(comment_url(summary), {"body": "Same words.", "idempotency_key": new_key()})
    long_ago(Comment)
    client.post(comment_url(summary), {"body": "Same words.", "idempotency_key": new_key()})
    assert Comment.objects.count() == 2


def test_another_users_post_with_the_same_key_is_its_own(client, critic):
    summary = make_summary()
    key = new_key()
    client.post(comment_url(summary), {"body": "Mine.", "idempotency_key": key})
    other = Client()
    other.force_login(make_user("other"))
    response = other.post(comment_url(summary), {"body": "Mine.", "idempotency_key": key})
    theirs = Comment.objects.get(author__username="other")
    assert response["Location"] == theirs.get_absolute_url()
    assert Comment.objects.count() == 2


@pytest.mark.parametrize("key", [None, "", "not-a-key", "1234", "💥"])
def test_comment_without_a_usable_key_is_posted_as_before(client, critic, key):
    summary = make_summary()
    data = (
        {"body": "Plain post."} if key is None else {"body": "Plain post.", "idempotency_key": key}
    )
    response = client.post(comment_url(summary), data)
    comment = Comment.objects.get()
    assert response["Location"] == comment.get_absolute_url()
    # Nothing recognises a repeat but the two-minute window.
    assert client.post(comment_url(summary), data)["Location"] == comment.get_absolute_url()
    long_ago(Comment)
    client.post(comment_url(summary), data)
    assert Comment.objects.count() == 2
    assert not IdempotencyKey.objects.exists()


def test_same_key_with_other_text_is_another_post_not_a_repeat(client, critic):
    """A page restored from the browser's history brings back its key; what the user then
    writes in it must be stored, not taken for a repeat and dropped."""
    summary = make_summary()
    key = new_key()
    client.post(comment_url(summary), {"body": "First thought.", "idempotency_key": key})
    response = client.post(
        comment_url(summary), {"body": "Second thought.", "idempotency_key": key}
    )
    second = Comment.objects.get(body="Second thought.")
    assert response["Location"] == second.get_absolute_url()
    assert Comment.objects.count() == 2


def test_refused_comment_leaves_its_key_free(client, critic):
    summary = make_summary()
    key = new_key()
    response = client.post(comment_url(summary), {"body": " ", "idempotency_key": key})
    assert response.status_code == 400
    client.post(comment_url(summary), {"body": "Now with words.", "idempotency_key": key})
    assert Comment.objects.get().body == "Now with words."


# Summaries.


def publish(client, paper, body, key, **fields):
    """Publish `body`, lengthened to the summary floor (factories.summary_text)."""
    data = {"body": summary_text(body), "publish": "1", "idempotency_key": key, **fields}
    return client.post(write_url(paper), data)


def test_summary_published_twice_with_one_key_is_saved_once(client, critic):
    paper = make_paper()
    key = new_key()
    first = publish(client, paper, "The gist.", key)
    saved_at = Summary.objects.get().updated_at
    second = publish(client, paper, "The gist.", key)
    summary = Summary.objects.get()
    assert second["Location"] == first["Location"] == f"{paper.get_absolute_url()}#critic"
    assert summary.updated_at == saved_at
    messages = [str(m) for m in second.wsgi_request._messages]
    assert messages == ["Summary published.", "Summary saved."]


def test_late_retry_of_a_summary_does_not_undo_a_later_edit(client, critic):
    """The answer to the first Publish was lost; meanwhile the author saved a new text
    from another tab. The first post, retried, must not bring the old text back."""
    paper = make_paper()
    key = new_key()
    publish(client, paper, "First text.", key)
    publish(client, paper, "Better text.", new_key())
    response = publish(client, paper, "First text.", key)
    assert response["Location"] == f"{paper.get_absolute_url()}#critic"
    assert Summary.objects.get().body == summary_text("Better text.")
    assert list(SummaryRevision.objects.values_list("body", flat=True)) == [
        summary_text("First text.")
    ]


def test_summary_changed_under_the_same_key_is_saved(client, critic):
    paper = make_paper()
    key = new_key()
    publish(client, paper, "Draft one.", key)
    publish(client, paper, "Draft two.", key)
    assert Summary.objects.get().body == summary_text("Draft two.")


def test_preview_leaves_the_key_free_for_publishing(client, critic):
    paper = make_paper()
    key = new_key()
    data = {"body": summary_text("Look first."), "preview": "1", "idempotency_key": key}
    assert client.post(write_url(paper), data).status_code == 200
    assert not Summary.objects.exists()
    publish(client, paper, "Look first.", key)
    assert Summary.objects.get().body == summary_text("Look first.")


def test_anonymous_summary_repeat_lands_without_the_authors_name(client, critic):
    paper = make_paper()
    key = new_key()
    publish(client, paper, "Quietly.", key, is_anonymous="on")
    response = publish(client, paper, "Quietly.", key, is_anonymous="on")
    summary = Summary.objects.get()
    assert response["Location"] == f"{paper.get_absolute_url()}#anonymous-{summary.pk}"
    assert "critic" not in IdempotencyKey.objects.get().result_url


# Votes.


def post_vote(client, summary, value, key, **extra):
    data = {"value": value, "next": summary.paper.get_absolute_url()}
    if key is not None:
        data["idempotency_key"] = key
    return client.post(vote_url(summary), data, **extra)


def user_vote(summary, user):
    return Vote.objects.filter(summary=summary, user=user).values_list("value", flat=True).first()


def score(summary):
    return Summary.objects.values_list("score", flat=True).get(pk=summary.pk)


def test_repeated_vote_does_not_take_itself_back(client, critic):
    summary = make_summary(author=make_user("ada"))
    key = new_key()
    first = post_vote(client, summary, "up", key)
    second = post_vote(client, summary, "up", key)
    assert second["Location"] == first["Location"] == f"{summary.paper.get_absolute_url()}#ada"
    assert user_vote(summary, critic) == Vote.UP
    assert score(summary) == 1


def test_repeated_fetch_vote_answers_with_the_state_now(client, critic):
    summary = make_summary()
    services.vote(summary=summary, user=make_user(), value=Vote.UP)
    key = new_key()
    first = post_vote(client, summary, "up", key, **JSON)
    second = post_vote(client, summary, "up", key, **JSON)
    assert first.json() == second.json() == {"score": 2, "vote": "up"}
    assert score(summary) == 2


def test_votes_with_different_keys_toggle(client, critic):
    summary = make_summary()
    assert post_vote(client, summary, "up", new_key(), **JSON).json()["vote"] == "up"
    assert post_vote(client, summary, "up", new_key(), **JSON).json()["vote"] is None
    assert post_vote(client, summary, "down", new_key(), **JSON).json()["vote"] == "down"
    assert user_vote(summary, critic) == Vote.DOWN


def test_vote_of_another_value_under_the_same_key_is_cast(client, critic):
    summary = make_summary()
    key = new_key()
    post_vote(client, summary, "up", key)
    post_vote(client, summary, "down", key)
    assert user_vote(summary, critic) == Vote.DOWN


@pytest.mark.parametrize("key", [None, "not-a-key"])
def test_vote_without_a_usable_key_toggles_as_before(client, critic, key):
    summary = make_summary()
    post_vote(client, summary, "up", key)
    post_vote(client, summary, "up", key)
    assert user_vote(summary, critic) is None
    assert score(summary) == 0


def test_vote_key_used_by_another_user_does_not_collide(client, critic):
    summary = make_summary()
    key = new_key()
    post_vote(client, summary, "up", key)
    other = Client()
    other.force_login(make_user())
    post_vote(other, summary, "up", key)
    assert score(summary) == 2


# Keys as stored.


def test_keys_older_than_a_day_are_forgotten_when_their_user_posts(client, critic):
    summary = make_summary()
    old_key, other_users_key = new_key(), new_key()
    post_vote(client, summary, "up", old_key)
    someone = make_user()
    IdempotencyKey.objects.create(user=someone, key=other_users_key, fingerprint="x")
    IdempotencyKey.objects.update(created_at=timezone.now() - idempotency.LIFETIME - timedelta(1))

    # Forgotten, the old key no longer recognises a repeat: this vote is cast again.
    post_vote(client, summary, "up", old_key)
    assert user_vote(summary, critic) is None
    stored = IdempotencyKey.objects.values_list("user_id", "key")
    assert sorted(stored) == sorted(
        [(critic.pk, uuid.UUID(old_key)), (someone.pk, uuid.UUID(other_users_key))]
    )


@pytest.mark.django_db(transaction=True)
def test_a_key_is_claimed_only_inside_the_writes_transaction():
    key = idempotency.Key(uuid.uuid4(), "fingerprint")
    with pytest.raises(RuntimeError):
        idempotency.claim(make_user(), key)
    user = make_user()
    with transaction.atomic():
        post = idempotency.claim(user, key)
        idempotency.record(post, "/there/")
    with transaction.atomic(), pytest.raises(idempotency.Replayed) as replayed:
        idempotency.claim(user, key)
    assert replayed.value.post.result_url == "/there/"


# Posts of one key at the same moment (PostgreSQL: the unique constraint makes the later
# insert wait for the first transaction, then fail).

ON_POSTGRESQL_ONLY = pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="SQLite's in-memory test database is shared between threads through a shared "
    "cache, whose table locks fail at once ('database table is locked') instead of waiting: "
    "this test runs on PostgreSQL only (scripts/with-postgres)",
)


def post_at_once(user, url, data, times, **extra):
    """Post `data` to `url` from `times` clients of `user`, all at the same moment."""
    start = threading.Barrier(times)
    responses, errors = [], []

    def send():
        client = Client()
        client.force_login(user)
        try:
            start.wait(timeout=30)
            responses.append(client.post(url, data, **extra))
        except Exception as exc:  # reported by the caller's assertion
            errors.append(exc)
            start.abort()
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    return responses


@ON_POSTGRESQL_ONLY
@pytest.mark.django_db(transaction=True)
def test_simultaneous_posts_of_one_comment_store_it_once():
    summary = make_summary()
    user = make_user()
    data = {"body": "Said once.", "idempotency_key": new_key()}
    responses = post_at_once(user, comment_url(summary), data, times=4)
    comment = Comment.objects.get()
    assert [r["Location"] for r in responses] == [comment.get_absolute_url()] * 4


@ON_POSTGRESQL_ONLY
@pytest.mark.django_db(transaction=True)
def test_simultaneous_posts_of_one_vote_cast_it_once():
    summary = make_summary(author=make_user("ada"))
    user = make_user()
    data = {"value": "up", "idempotency_key": new_key()}
    responses = post_at_once(user, vote_url(summary), data, times=4, **JSON)
    assert [r.json() for r in responses] == [{"score": 1, "vote": "up"}] * 4
    assert user_vote(summary, user) == Vote.UP
    assert score(summary) == 1


@ON_POSTGRESQL_ONLY
@pytest.mark.django_db(transaction=True)
def test_simultaneous_posts_of_one_summary_save_it_once():
    paper = make_paper()
    user = make_user("ada")
    data = {"body": summary_text("Once."), "publish": "1", "idempotency_key": new_key()}
    responses = post_at_once(user, write_url(paper), data, times=4)
    assert [r["Location"] for r in responses] == [f"{paper.get_absolute_url()}#ada"] * 4
    assert Summary.objects.get().edited_at is None
    assert IdempotencyKey.objects.count() == 1
