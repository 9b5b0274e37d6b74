"""The counts a profile shows, kept on the user (accounts.counts): after every kind of
write that changes what the profile lists, they equal what it lists."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts import services as account_services
from accounts.models import User
from moderation import services as moderation
from summaries import services
from summaries.models import Comment, Summary
from tests.factories import make_comment, make_summary, make_user

pytestmark = pytest.mark.django_db


def kept(user):
    user = User.objects.get(pk=user.pk)
    return user.public_summary_count, user.public_comment_count


def listed(user):
    return (
        Summary.objects.on_profile(user).count(),
        Comment.objects.on_profile(user).count(),
    )


def assert_counts(*expected):
    """Each (user, summaries, comments): kept as listed, and as expected."""
    for user, summaries, comments in expected:
        assert kept(user) == listed(user) == (summaries, comments), user.username


def test_summaries_count_while_public_and_signed():
    author = make_user()
    make_summary(author=author)
    make_summary(author=author, is_private=True)
    anonymous = make_summary(author=author, is_anonymous=True)
    assert_counts((author, 1, 0))
    anonymous.is_anonymous = False
    anonymous.save()
    assert_counts((author, 2, 0))


def test_comments_count_until_deleted_or_removed():
    commenter = make_user()
    summary = make_summary()
    first, second = make_comment(summary, author=commenter), make_comment(summary, author=commenter)
    assert_counts((commenter, 0, 2))
    services.delete_comment(first)
    assert_counts((commenter, 0, 1))
    services.remove_comment(second, by=summary.author)
    assert_counts((commenter, 0, 0))


def test_a_summary_made_private_takes_its_comments_off_their_authors_profiles():
    commenter = make_user()
    summary = make_summary()
    make_comment(summary, author=commenter)
    summary.is_private = True
    summary.save()
    assert_counts((commenter, 0, 0), (summary.author, 0, 0))
    summary.is_private = False
    summary.save()
    assert_counts((commenter, 0, 1), (summary.author, 1, 0))


def test_hiding_and_restoring_count_for_the_author_and_the_commenters():
    staff = make_user(is_staff=True)
    commenter = make_user()
    summary = make_summary()
    comment = make_comment(summary, author=commenter)
    moderation.hide(summary, staff)
    assert_counts((summary.author, 0, 0), (commenter, 0, 0))
    moderation.restore(summary, staff)
    assert_counts((summary.author, 1, 0), (commenter, 0, 1))
    moderation.hide(comment, staff)
    assert_counts((commenter, 0, 0))


def test_comments_under_one_s_own_anonymous_summary_do_not_count():
    author = make_user()
    summary = make_summary(author=author, is_anonymous=True)
    make_comment(summary, author=author)
    make_comment(make_summary(), author=author)
    assert_counts((author, 0, 1))


def test_a_deleted_summary_takes_its_commenters_comments_with_it():
    commenter = make_user()
    summary = make_summary()
    make_comment(summary, author=commenter)
    make_comment(make_summary(), author=commenter)
    summary.delete()
    assert_counts((commenter, 0, 1))


def test_a_deleted_account_s_discussions_leave_their_commenters_profiles():
    commenter = make_user()
    summary = make_summary()
    make_comment(summary, author=commenter)
    account_services.delete_account(summary.author, content=account_services.DELETE)
    assert_counts((commenter, 0, 0))


def test_saving_a_user_loaded_before_a_recount_keeps_the_new_counts():
    author = make_user()
    loaded = User.objects.get(pk=author.pk)  # as a request or a form holds it
    make_summary(author=author)
    loaded.display_name = "Ada"
    loaded.save()
    assert kept(author) == (1, 0)
    assert User.objects.get(pk=author.pk).display_name == "Ada"


def test_recount_puts_rows_written_past_the_models_right():
    author = make_user()
    make_comment(make_summary(author=author), author=make_user())
    User.objects.filter(pk=author.pk).update(public_summary_count=7, public_comment_count=7)
    call_command("recount", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert_counts((author, 1, 0))


def test_the_profile_counts_nothing(client):
    author = make_user()
    make_comment(make_summary(author=author), author=author)
    with CaptureQueriesContext(connection) as queries:
        html = client.get(author.get_absolute_url()).content.decode()
    assert "1 summary" in html and "1 comment" in html
    # The cards' comment counts are a subquery of the page's query; nothing else counts
    # but the follower count, which reads at most FOLLOWER_COUNT_CAP + 1 index entries.
    counts = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT COUNT(")]
    assert len(counts) <= 1
    assert all('FROM "following_follow"' in sql and "LIMIT 1001" in sql for sql in counts)


def test_editing_a_summary_s_text_recounts_its_author_alone():
    summary = make_summary()
    for _ in range(3):
        make_comment(summary)
    summary = Summary.objects.get(pk=summary.pk)  # as the edit form loads it
    summary.body += " Edited."
    with CaptureQueriesContext(connection) as queries:
        summary.save()
    commenters = 'SELECT "summaries_comment"."author_id"'
    assert not [q for q in queries.captured_queries if q["sql"].startswith(commenters)]
    summary.is_private = True
    summary.save()  # the same instance, now made private: its commenters lose a comment
    assert all(kept(comment.author) == (0, 0) for comment in summary.comments.all())
