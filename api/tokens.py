"""Making, revoking and checking personal access tokens (api.models.AccessToken).

A token is `ss_` and 43 characters of URL-safe base64 (32 random bytes). It is sent as
`Authorization: Bearer <token>` and nowhere else: an address with a token in it ends up
in logs, browser histories and Referer headers.
"""

import hashlib
import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import User

from .models import MAX_ACTIVE_TOKENS, AccessToken

PREFIX = "ss_"
# Written back at most this often: a script polling the API would otherwise turn every
# read into a write.
LAST_USED_RESOLUTION = timedelta(hours=1)
# Longer than any token we make: a longer header is refused without hashing it.
TOKEN_MAX_LENGTH = 100


class TokenLimitReached(Exception):
    pass


def digest(token):
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(user, name):
    """A new token for `user`, as (AccessToken, the token's text). The text is not kept:
    the caller shows it once.

    Raises TokenLimitReached when the user already has MAX_ACTIVE_TOKENS in use. The
    user's row is locked while counting, so that two requests at once cannot both pass.
    """
    token = PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=user.pk).first()
        if AccessToken.objects.filter(user=user, revoked_at__isnull=True).count() >= (
            MAX_ACTIVE_TOKENS
        ):
            raise TokenLimitReached
        row = AccessToken.objects.create(
            user=user, name=name, token_hash=digest(token), prefix=token[: len(PREFIX) + 6]
        )
    return row, token


def revoke_token(user, pk):
    """Revoke one of `user`'s tokens; False when they have no such token in use."""
    return bool(
        AccessToken.objects.filter(user=user, pk=pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
    )


def authenticate(token):
    """The active AccessToken (with its user) whose text is `token`, or None."""
    if not token.startswith(PREFIX) or len(token) > TOKEN_MAX_LENGTH:
        return None
    row = AccessToken.objects.active().select_related("user").filter(token_hash=digest(token))
    row = row.first()
    if row is None:
        return None
    now = timezone.now()
    if row.last_used_at is None or now - row.last_used_at > LAST_USED_RESOLUTION:
        AccessToken.objects.filter(pk=row.pk).update(last_used_at=now)
        row.last_used_at = now
    return row
