"""The idempotency keys of posts that were written: see summaries.idempotency."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class IdempotencyKey(models.Model):
    """The idempotency key of a post that was written (see `summaries.idempotency`).

    Stored in the write's own transaction, so it exists exactly when the write does.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.UUIDField()
    # A hash of what was posted, and where: the same key with other content is another
    # post (a form restored from history and changed), not a repeat.
    fingerprint = models.CharField(max_length=64)
    # Where the first post sent the user; a repeat is sent there too.
    result_url = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="one_post_per_key"),
        ]

    def __str__(self):
        return f"{self.user_id}: {self.key}"
