"""A paper's history and readers' corrections to its details.

Imported at the end of papers.models, so Django finds these models there.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

# The details a reader may correct, in the order forms and diffs show them. The key is
# not among them: it is the paper's address, changed by moderators in the admin.
CORRECTABLE_FIELDS = ("title", "authors", "venue", "year", "abstract", "url", "arxiv_id", "doi")
# What a paper's history records: the correctable details and the key, which an admin
# edit may change too.
HISTORY_FIELDS = (*CORRECTABLE_FIELDS, "bibtex_key")
# How long a correction's reason may be: a sentence or two.
CORRECTION_REASON_MAX_LENGTH = 500


class PaperCorrectionQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status=PaperCorrection.Status.PENDING)

    def accepted(self):
        return self.filter(status=PaperCorrection.Status.ACCEPTED)


class PaperCorrection(models.Model):
    """A reader's suggested change to a paper's details, and what became of it.

    `proposed` holds only the fields it changes, with their new values; `original`
    the same fields as they were when it was suggested. A field whose value has moved
    since (another correction, an admin edit, an import) makes the correction stale
    on that field, which moderators are shown before they decide.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        ACCEPTED = "accepted", "Accepted"
        REJECTED = "rejected", "Rejected"

    paper = models.ForeignKey("papers.Paper", on_delete=models.CASCADE, related_name="corrections")
    suggested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="paper_corrections"
    )
    proposed = models.JSONField(help_text="The fields it changes, with their new values.")
    original = models.JSONField(help_text="Those fields as they were when it was suggested.")
    reason = models.CharField(max_length=CORRECTION_REASON_MAX_LENGTH)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = PaperCorrectionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            # The moderators' queue, oldest first, keyset-paged: only pending rows.
            models.Index(
                fields=["created_at", "id"],
                condition=Q(status="pending"),
                name="papercorrection_pending_idx",
            ),
            # A user's own list, newest first, and their number of accepted corrections
            # (a user's corrections are few: the rate limit sees to that).
            models.Index(
                fields=["suggested_by", "-created_at", "-id"], name="papercorrection_user_idx"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["pending", "accepted", "rejected"]),
                name="papercorrection_status_known",
            ),
            # Decided exactly when no longer pending.
            models.CheckConstraint(
                condition=Q(status="pending", decided_at__isnull=True)
                | (~Q(status="pending") & Q(decided_at__isnull=False)),
                name="papercorrection_decided_when_not_pending",
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="papercorrection_has_reason"),
        ]

    def __str__(self):
        return f"Correction {self.pk} of paper {self.paper_id} ({self.status})"

    @property
    def is_pending(self):
        return self.status == self.Status.PENDING


class PaperRevision(models.Model):
    """One change to a paper's details: which fields, from what to what, by whom, how.

    Only the fields that changed are kept, each as [old, new]: a paper's history is
    read as a list of changes, and a revision row stays small whatever the abstract's
    length in the fields that did not change.
    """

    class Source(models.TextChoices):
        CORRECTION = "correction", "Correction"
        ADMIN = "admin", "Moderator's edit"
        IMPORT = "import", "Import"

    paper = models.ForeignKey("papers.Paper", on_delete=models.CASCADE, related_name="revisions")
    changes = models.JSONField(help_text="{field: [old value, new value]} of what changed.")
    source = models.CharField(max_length=10, choices=Source.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    correction = models.ForeignKey(
        PaperCorrection,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="revisions",
    )
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-changed_at", "-pk"]
        indexes = [
            # The paper's history page, newest first, keyset-paged.
            models.Index(fields=["paper", "-changed_at", "-id"], name="paperrevision_paper_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(source__in=["correction", "admin", "import"]),
                name="paperrevision_source_known",
            ),
        ]

    def __str__(self):
        return f"Change to paper {self.paper_id} at {self.changed_at:%Y-%m-%d %H:%M}"
