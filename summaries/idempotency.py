"""Idempotency keys: a double submit, or a retry of a post whose answer was lost, writes once.

Every form that creates something carries a key in a hidden input (`FIELD`), new each
time the form is rendered. The write claims the key by storing it (`IdempotencyKey`) in the
same transaction as what it writes, so the key is recorded exactly when the write is:
a post that failed before committing left no key, and its retry writes; a post that
committed left its key, and a retry finds it even if the first answer never arrived.
The repeat is answered as the first post was (`IdempotencyKey.result_url`) and writes nothing.

Two posts of one key at the same moment both get past the look-up; the unique
constraint decides. On PostgreSQL the second insert waits for the first transaction
and fails once it commits (`claim` raises `Replayed`), or goes ahead if it rolled back.

A post without a key (an old page, a script) or with a malformed one is written as
before. So is a post whose key was already used for a different post: a page restored
from the browser's history and changed brings back its old key, and what the user
wrote then must not be taken for a repeat and dropped.
"""

import hashlib
import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from .models import IdempotencyKey

FIELD = "idempotency_key"

# How long a key is remembered: retries come within seconds or minutes. Older keys are
# deleted when their user next posts, which keeps the table at a day of posts.
LIFETIME = timedelta(days=1)

# Form fields that differ between two sends of one post, or are the key itself.
_NOT_FINGERPRINTED = {"csrfmiddlewaretoken", FIELD}


@dataclass(frozen=True)
class Key:
    value: uuid.UUID
    # What was posted, and where: a repeat must be the same post.
    fingerprint: str


class Replayed(Exception):
    """The key was claimed by an identical post that committed first: answer as it did."""

    def __init__(self, post):
        super().__init__(post.result_url)
        self.post = post


def new_key():
    return str(uuid.uuid4())


def _fingerprint(request):
    fields = sorted(
        (name, values) for name, values in request.POST.lists() if name not in _NOT_FINGERPRINTED
    )
    return hashlib.sha256(repr((request.path, fields)).encode()).hexdigest()


def _posted_key(request):
    try:
        value = uuid.UUID(request.POST.get(FIELD, ""))
    except ValueError:
        return None
    return Key(value, _fingerprint(request))


def _live(user):
    return IdempotencyKey.objects.filter(user=user, created_at__gte=timezone.now() - LIFETIME)


def look_up(request):
    """The post's key, and the earlier post that used it: (key, earlier).

    `earlier` is the stored `IdempotencyKey` when this exact post was made before; answer as it
    did and write nothing. Otherwise pass `key` to the write, which claims it; it is
    None when the post has no usable key.
    """
    key = _posted_key(request)
    if key is None or not request.user.is_authenticated:
        return None, None
    earlier = _live(request.user).filter(key=key.value).first()
    if earlier is None:
        return key, None
    if earlier.fingerprint == key.fingerprint:
        return key, earlier
    return None, None


def claim(user, key):
    """Record that `key` made this post; call it first thing in the write's transaction.

    Returns the new `IdempotencyKey` (give it to `record`), or None without a key. Raises
    Replayed when an identical post with this key committed meanwhile.
    """
    if key is None:
        return None
    if not connection.in_atomic_block:
        raise RuntimeError("A key must be claimed in the transaction of the write it guards.")
    IdempotencyKey.objects.filter(user=user, created_at__lt=timezone.now() - LIFETIME).delete()
    try:
        with transaction.atomic():
            return IdempotencyKey.objects.create(
                user=user, key=key.value, fingerprint=key.fingerprint
            )
    except IntegrityError:
        earlier = IdempotencyKey.objects.get(user=user, key=key.value)
        if earlier.fingerprint == key.fingerprint:
            raise Replayed(earlier) from None
        # Used meanwhile for another post (see the module's docstring): write without it.
        return None


def record(post, result_url):
    """Store where the post sent the user, for a repeat to send it there too."""
    if post is not None:
        post.result_url = result_url
        post.save(update_fields=["result_url"])
