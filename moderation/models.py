from django.conf import settings
from django.db import models
from django.db.models import Q


class ReportQuerySet(models.QuerySet):
    def open(self):
        return self.filter(resolved_at__isnull=True)


class Report(models.Model):
    """A reader's "report" on a summary or a comment, waiting in the moderators' queue."""

    class Reason(models.TextChoices):
        SPAM = "spam", "Spam or advertising"
        ABUSE = "abuse", "Abusive or harassing"
        PLAGIARISM = "plagiarism", "Copied from elsewhere"
        WRONG = "wrong", "Wrong paper or off topic"
        OTHER = "other", "Something else"

    class Outcome(models.TextChoices):
        HIDDEN = "hidden", "Hidden"
        RESTORED = "restored", "Restored"
        BANNED = "banned", "Author banned"
        DISMISSED = "dismissed", "Dismissed"

    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reports"
    )
    summary = models.ForeignKey(
        "summaries.Summary", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    comment = models.ForeignKey(
        "summaries.Comment", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    reason = models.CharField(max_length=20, choices=Reason.choices)
    details = models.TextField(blank=True, max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)

    objects = ReportQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(summary__isnull=False, comment__isnull=True)
                | Q(summary__isnull=True, comment__isnull=False),
                name="report_has_one_target",
            ),
            # Reporting twice is one report: a second click must not double the queue.
            models.UniqueConstraint(
                fields=["reporter", "summary"],
                condition=Q(summary__isnull=False),
                name="one_report_per_user_per_summary",
            ),
            models.UniqueConstraint(
                fields=["reporter", "comment"],
                condition=Q(comment__isnull=False),
                name="one_report_per_user_per_comment",
            ),
        ]

    def __str__(self):
        target = f"summary {self.summary_id}" if self.summary_id else f"comment {self.comment_id}"
        return f"Report on {target} by {self.reporter}"

    @property
    def target(self):
        return self.summary if self.summary_id else self.comment
