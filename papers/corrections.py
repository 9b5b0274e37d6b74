"""Corrections to a paper's details: suggesting one, and accepting or rejecting it.

A correction is applied in one transaction: the paper is saved (which renders its
abstract, and whose post_save receivers re-index it, invalidate the cached fragments
that show it and re-render the summaries that cite it: search.receivers,
summaries.receivers), the change is recorded in the paper's history and the
correction is marked accepted. Either all of it happens or none.
"""

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from . import history
from .history_models import PaperCorrection, PaperRevision
from .models import Paper

Status = PaperCorrection.Status


class CorrectionRefused(Exception):
    """The correction cannot be applied or decided; the message says why, for people.
    `field` names the detail at fault, when one is."""

    def __init__(self, message, field=None):
        super().__init__(message)
        self.field = field


def may_apply_directly(user):
    """Whether `user`'s corrections apply without a moderator: the site trusts users
    with CORRECTIONS_TRUSTED_AFTER accepted corrections (0: nobody).

    One count of the user's own corrections, which the rate limit keeps few.
    """
    needed = settings.CORRECTIONS_TRUSTED_AFTER
    if needed <= 0 or not user.is_authenticated:
        return False
    return PaperCorrection.objects.filter(suggested_by=user).accepted().count() >= needed


def identifier_taken(paper, name, value):
    """The other paper that has this arXiv id or DOI already, or None.

    The database holds each to one paper (its unique constraints); asking first gives
    a message that names the paper instead of an error.
    """
    if not value or name not in ("arxiv_id", "doi"):
        return None
    return Paper.objects.matching(**{name: value}).exclude(pk=paper.pk).first()


def taken_message(name, other):
    what = "arXiv id" if name == "arxiv_id" else "DOI"
    return (
        f"This {what} belongs to another paper here: “{other.title}” ({other.bibtex_key}). "
        "If the two are one paper, say so in your reason and leave the field as it was."
    )


def stale_fields(correction, paper):
    """The fields the correction changes whose values moved since it was suggested."""
    return [
        name
        for name in correction.proposed
        if getattr(paper, name) != correction.original.get(name)
    ]


def suggest(*, paper, user, proposed, original, reason):
    """Record a correction; apply it at once when the user may (may_apply_directly)
    and nothing it changes has moved since they saw it. Returns (correction, applied).
    """
    with transaction.atomic():
        correction = PaperCorrection.objects.create(
            paper=paper, suggested_by=user, proposed=proposed, original=original, reason=reason
        )
        if not may_apply_directly(user):
            return correction, False
        paper = Paper.objects.select_for_update().get(pk=paper.pk)
        if stale_fields(correction, paper):
            return correction, False
        try:
            # Its own savepoint: refused, the correction still waits for a moderator.
            with transaction.atomic():
                _apply(correction, paper, by=user)
        except CorrectionRefused:
            return correction, False
    return correction, True


def accept(pk, *, by):
    """Apply the correction `pk` to its paper and mark it accepted; returns it.

    Raises CorrectionRefused when it was decided already, or when what it changes can
    no longer be written (an arXiv id or DOI another paper has taken since).
    """
    with transaction.atomic():
        correction = _pending(pk)
        paper = Paper.objects.select_for_update().get(pk=correction.paper_id)
        _apply(correction, paper, by=by)
    return correction


def reject(pk, *, by):
    """Mark the correction `pk` rejected; the paper stays as it is. Returns it."""
    with transaction.atomic():
        correction = _pending(pk)
        _decide(correction, Status.REJECTED, by)
    return correction


def _pending(pk):
    correction = PaperCorrection.objects.select_for_update().filter(pk=pk).first()
    if correction is None:
        raise CorrectionRefused("This correction no longer exists.")
    if not correction.is_pending:
        raise CorrectionRefused(f"This correction was {correction.status} already.")
    return correction


def _apply(correction, paper, *, by):
    """Write the correction's values that differ from the paper's, record the change,
    mark the correction accepted. Inside the caller's transaction, `paper` locked."""
    before = history.snapshot(paper)
    changes = {
        name: value for name, value in correction.proposed.items() if getattr(paper, name) != value
    }
    for name, value in changes.items():
        if other := identifier_taken(paper, name, value):
            raise CorrectionRefused(taken_message(name, other), field=name)
        setattr(paper, name, value)
    if changes:
        try:
            with transaction.atomic():
                paper.save()
        except IntegrityError:
            # Taken between the check and the write, by another paper's save.
            raise CorrectionRefused(
                "Another paper took this arXiv id or DOI a moment ago: nothing was changed."
            ) from None
        history.record(
            paper, before, source=PaperRevision.Source.CORRECTION, by=by, correction=correction
        )
    correction.paper = paper
    _decide(correction, Status.ACCEPTED, by)


def _decide(correction, status, by):
    correction.status = status
    correction.decided_at = timezone.now()
    correction.decided_by = by
    correction.save(update_fields=["status", "decided_at", "decided_by"])
