"""`Summary.comment_count`, kept by triggers on the comments table (migration 0012):
whatever writes a comment, with save(), update() or a delete, the count is the number
of the summary's comments neither deleted nor hidden."""

import pytest
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone

from summaries import services
from summaries.models import Comment, Summary
from tests.factories import make_comment, make_summary, make_user

pytestmark = pytest.mark.django_db


def stored(summary):
    return Summary.objects.values_list("comment_count", flat=True).get(pk=summary.pk)


def counted(summary):
    shown = Q(comments__deleted_at__isnull=True, comments__is_hidden=False)
    return Summary.objects.filter(pk=summary.pk).aggregate(n=Count("comments", filter=shown))["n"]


def test_every_way_a_comment_changes_keeps_the_count():
    summary, other = make_summary(), make_summary()
    first = make_comment(summary)
    second = make_comment(summary)
    reply = make_comment(summary, parent=first)
    assert stored(summary) == 3

    Comment.objects.filter(pk=second.pk).update(is_hidden=True)  # a moderator hides it
    assert stored(summary) == 2
    Comment.objects.filter(pk=second.pk).update(is_hidden=False)  # and restores it
    assert stored(summary) == 3
    services.delete_comment(reply)
    assert stored(summary) == 2
    # Already gone: hiding it too counts nothing twice.
    Comment.objects.filter(pk=reply.pk).update(is_hidden=True)
    assert stored(summary) == 2
    Comment.objects.filter(pk=second.pk).update(summary=other)  # moved by a merge
    assert (stored(summary), stored(other)) == (1, 1)
    Comment.objects.filter(pk=second.pk).delete()
    assert (stored(summary), stored(other)) == (1, 0)
    # Created hidden: never counted.
    make_comment(summary, is_hidden=True)
    make_comment(summary, deleted_at=timezone.now())
    assert stored(summary) == counted(summary) == 1


def test_a_summary_loaded_before_a_comment_does_not_undo_it_when_saved():
    summary = make_summary()
    loaded = Summary.objects.get(pk=summary.pk)
    make_comment(summary)
    loaded.body = loaded.body + " Edited."
    loaded.save()
    assert stored(summary) == 1
    assert "Edited." in Summary.objects.get(pk=summary.pk).body


def test_a_count_cannot_go_below_zero():
    """The column is unsigned: a trigger that counted wrong would fail the write."""
    summary = make_summary()
    with pytest.raises(IntegrityError), transaction.atomic():
        Summary.objects.filter(pk=summary.pk).update(comment_count=-1)


def test_listings_read_the_column(client):
    summary = make_summary()
    for _ in range(3):
        make_comment(summary, author=make_user())
    make_comment(summary, is_hidden=True)
    listed = Summary.objects.public().for_listing().get(pk=summary.pk)
    assert listed.comment_count == 3
    html = client.get("/").content.decode()
    assert "3 comments" in html
