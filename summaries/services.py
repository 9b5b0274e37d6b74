"""Writes that touch more than one row, or must survive races."""

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import Comment, Summary


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
            summary = Summary.objects.get(paper=paper, author=author)
    for name, value in fields.items():
        setattr(summary, name, value)
    summary.save()
    return summary, False


# A second identical comment this soon after the first is a double click or a retried
# post, not something the author meant to say twice.
DUPLICATE_COMMENT_WINDOW = timedelta(minutes=2)


def add_comment(*, summary, author, body):
    """Add a comment; returns (comment, created)."""
    recent = Comment.objects.filter(
        summary=summary,
        author=author,
        body=body,
        created_at__gte=timezone.now() - DUPLICATE_COMMENT_WINDOW,
    ).first()
    if recent is not None:
        return recent, False
    comment = Comment(summary=summary, author=author, body=body)
    comment.save()
    return comment, True
