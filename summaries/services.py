"""Writes that touch more than one row, or must survive races."""

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from . import notifications
from .models import Comment, Summary, SummaryRevision


def save_summary(*, paper, author, body, is_private, is_anonymous):
    """Create the author's summary of the paper, or update the one they have.

    Two posts can race (a double click on Publish, two tabs): the database allows one
    summary per author and paper, so the loser of the race updates the winner's row
    instead of failing. Returns (summary, created).
    """
    fields = {"body": body, "is_private": is_private, "is_anonymous": is_anonymous}
    summary = Summary.objects.filter(paper=paper, author=author).first()
    if summary is None:
        try:
            with transaction.atomic():
                summary = Summary(paper=paper, author=author, **fields)
                summary.save()
            return summary, True
        except IntegrityError:
            pass
    with transaction.atomic():
        # Locked, so that two edits at once each keep the version they replace.
        summary = Summary.objects.select_for_update().get(paper=paper, author=author)
        if summary.body != body:
            _keep_revision(summary)
            summary.edited_at = timezone.now()
        for name, value in fields.items():
            setattr(summary, name, value)
        summary.save()
    return summary, False


def _keep_revision(summary):
    """Keep the text the summary has now as a numbered earlier version."""
    number = summary.revisions.count() + 1
    SummaryRevision.objects.create(
        summary=summary,
        number=number,
        body=summary.body,
        written_at=summary.edited_at or summary.created_at,
    )


# A second identical comment this soon after the first is a double click or a retried
# post, not something the author meant to say twice.
DUPLICATE_COMMENT_WINDOW = timedelta(minutes=2)


def add_comment(*, summary, author, body, parent=None):
    """Add a comment, or a reply to `parent`; returns (comment, created).

    The e-mail notifications go out once the comment is committed, so a mail that
    fails cannot take the comment with it, and a rolled-back comment sends nothing.
    """
    recent = Comment.objects.filter(
        summary=summary,
        author=author,
        parent=parent,
        body=body,
        created_at__gte=timezone.now() - DUPLICATE_COMMENT_WINDOW,
    ).first()
    if recent is not None:
        return recent, False
    comment = Comment(summary=summary, author=author, body=body, parent=parent)
    comment.save()
    transaction.on_commit(lambda: notifications.comment_posted(comment.pk))
    return comment, True
