"""What mail about a comment went out to whom: see summaries.notifications."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class SentNotification(models.Model):
    """One mail about `comment` that `recipient` was sent.

    Written in a transaction that is open while the mail is handed to the SMTP server
    and committed once the server has accepted it (`notifications.comment_posted`), so
    a row exists when, and only when, that mail went out; a task run again skips the
    people who have theirs. Nobody gets two mails about one comment, whatever kind.
    """

    class Kind(models.TextChoices):
        COMMENT = "comment", "comment on their summary"
        REPLY = "reply", "reply in their thread"

    comment = models.ForeignKey("summaries.Comment", on_delete=models.CASCADE, related_name="+")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["comment", "recipient"], name="one_mail_per_comment_and_recipient"
            ),
        ]

    def __str__(self):
        return f"{self.kind} {self.comment_id} to {self.recipient_id}"
