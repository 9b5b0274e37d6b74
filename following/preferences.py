"""A user's inbox and mail preferences (InboxPreference, whose docstring says how the
mail choice and the user's two mail switches combine): read by the settings forms and
the mail, written by the settings forms and the one-click unsubscribe."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from .models import DIGESTS, MAIL_IMMEDIATE, MAIL_NONE, InboxPreference, Notification

# How often each digest comes.
PERIODS = {"daily": timedelta(days=1), "weekly": timedelta(days=7)}


def of(user):
    """The user's preferences; an unsaved row with the defaults when they have none
    (or are not saved themselves)."""
    if user.pk is None:
        return InboxPreference(user=user)
    return InboxPreference.objects.filter(user=user).first() or InboxPreference(user=user)


def save(user, *, muted=None, mail=None):
    """Store what changed: `muted` kinds (any iterable of Notification.KINDS), `mail`
    (one of MAIL_CHOICES). Choosing a digest schedules the first one a period from now
    and starts it from now, so that it does not list the inbox's past; moving between
    daily and weekly keeps where the last digest stopped."""
    with transaction.atomic():
        pref, _ = InboxPreference.objects.select_for_update().get_or_create(user=user)
        if muted is not None:
            muted = set(muted)
            pref.muted = [kind for kind in Notification.KINDS if kind in muted]
        if mail is not None and mail != pref.mail:
            now = timezone.now()
            if mail in DIGESTS:
                if pref.mail not in DIGESTS:
                    pref.digest_since = now
                pref.digest_due_at = now + PERIODS[mail]
            else:
                pref.digest_due_at = None
            pref.mail = mail
        pref.save()
    return pref


def stop_digests(user_id):
    """The digest's one-click unsubscribe: no more mail. A user who has chosen
    immediate mail since keeps it: an old digest's link stops digests, nothing else."""
    return InboxPreference.objects.filter(user_id=user_id, mail__in=DIGESTS).update(
        mail=MAIL_NONE, digest_due_at=None
    )


def mail_at_once(user_ids):
    """Those of these users who take their mail as it happens (no row is the default,
    immediate); one query."""
    user_ids = set(user_ids)
    if not user_ids:
        return set()
    other = InboxPreference.objects.filter(user_id__in=user_ids).exclude(mail=MAIL_IMMEDIATE)
    return user_ids - set(other.values_list("user_id", flat=True))
