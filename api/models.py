"""Personal access tokens for the API (/api/me/…).

Only a hash of each token is stored: the token itself is shown once, when it is made,
and a copy of the database names no token that works. SHA-256 rather than a password
hash: a token is 32 random bytes, so there is nothing to guess that a slow hash would
protect, and each API request with a token looks its hash up by index.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import Exact

# How many tokens one person may have in use at once: one per extension or script.
MAX_ACTIVE_TOKENS = 10
NAME_MAX_LENGTH = 100


class AccessTokenQuerySet(models.QuerySet):
    def active(self):
        """Tokens not revoked, of accounts still open: what the API accepts."""
        return self.filter(
            revoked_at__isnull=True, user__is_active=True, user__deleted_at__isnull=True
        )


class AccessToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="access_tokens"
    )
    name = models.CharField(
        max_length=NAME_MAX_LENGTH, help_text="What the token is for, e.g. “Reading list script”."
    )
    # Hex SHA-256 of the whole token (api.tokens.digest).
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    # The token's first characters, shown in the list so that its owner can tell tokens
    # apart; too short to be of any use to anyone else.
    prefix = models.CharField(max_length=12, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    # Updated at most once an hour (api.tokens.authenticate), not on every request.
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = AccessTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(name=""), name="access_token_has_name"),
            models.CheckConstraint(
                condition=Exact(Length("token_hash"), 64), name="access_token_hash_length"
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.prefix}…) of {self.user}"

    @property
    def is_active(self):
        return self.revoked_at is None
