"""Moderation writes: reports, and the decisions taken on them.

Hiding and restoring save `is_hidden` alone, which renders nothing (the text is
unchanged, shortscience.rendered); the post_save receivers then do what follows any
save, in the same transaction: the search index drops or restores the documents
(search.receivers), cached pages go stale and the profile counts are recounted
(summaries.receivers).
"""

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from summaries.models import Comment, Summary

from .models import Report

Outcome = Report.Outcome


def file_report(*, reporter, target, reason, details=""):
    """Report a summary or a comment; returns (report, created).

    Reporting the same thing twice is one report: the database refuses the second row,
    and the first one is returned instead. A race between two posts ends the same way.
    """
    field = target_kind(target)
    try:
        with transaction.atomic():
            report = Report.objects.create(
                reporter=reporter, reason=reason, details=details, **{field: target}
            )
        return report, True
    except IntegrityError:
        return Report.objects.get(reporter=reporter, **{field: target}), False


def reports_on(target):
    return Report.objects.filter(**{target_kind(target): target})


def hide(target, by):
    """Hide a summary or a comment from everyone but its author; resolves its reports.

    Returns the number of reports resolved.
    """
    with transaction.atomic():
        _set_hidden(target, True)
        return _resolve(reports_on(target), by, Outcome.HIDDEN)


def restore(target, by):
    """Show hidden content again; resolves its reports. Returns the number resolved."""
    with transaction.atomic():
        _set_hidden(target, False)
        return _resolve(reports_on(target), by, Outcome.RESTORED)


def ban(user, by):
    """Deactivate an account and hide everything it wrote; resolves the reports on it.

    An inactive user cannot log in, and an open session stops working at the next
    request (Django's backend refuses inactive users). Returns (summaries hidden,
    comments hidden, reports resolved).
    """
    with transaction.atomic():
        user.is_active = False
        user.save(update_fields=["is_active"])
        summaries = list(
            Summary.objects.filter(author=user, is_hidden=False).select_related("paper")
        )
        comments = list(Comment.objects.filter(author=user, is_hidden=False))
        for item in summaries + comments:
            _set_hidden(item, True)
        reports = Report.objects.filter(Q(summary__author=user) | Q(comment__author=user))
        return len(summaries), len(comments), _resolve(reports, by, Outcome.BANNED)


def unban(user):
    """Let a banned user log in again.

    Their content stays hidden: a ban hides spam and abuse along with anything else,
    and which is which is for a moderator to decide, item by item, with `restore`.
    """
    user.is_active = True
    user.save(update_fields=["is_active"])


def dismiss(reports, by):
    """Close the open reports on the targets of `reports`, leaving the content as it is.

    Reports already decided keep their outcome: dismissing changes nothing about the
    content, so the decision that did still stands. Returns the number resolved.
    """
    summary_ids = {r.summary_id for r in reports if r.summary_id}
    comment_ids = {r.comment_id for r in reports if r.comment_id}
    on_targets = Report.objects.open().filter(
        Q(summary_id__in=summary_ids) | Q(comment_id__in=comment_ids)
    )
    with transaction.atomic():
        return _resolve(on_targets, by, Outcome.DISMISSED)


def target_kind(target):
    """The name of the report field that holds the target: "summary" or "comment"."""
    if isinstance(target, Summary):
        return "summary"
    if isinstance(target, Comment):
        return "comment"
    raise TypeError(f"Only summaries and comments are reported, not {type(target).__name__}")


def _set_hidden(target, hidden):
    target.is_hidden = hidden
    target.save(update_fields=["is_hidden"])


def _resolve(reports, by, outcome):
    """Record the decision on the reports. Reports already resolved get the new outcome
    too: the latest decision on their target is the one that holds."""
    return reports.update(resolved_at=timezone.now(), resolved_by=by, outcome=outcome)
