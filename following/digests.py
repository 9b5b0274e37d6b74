"""Digest mail: one mail per user per day or week listing their unread inbox.

Who gets one, and of what, is InboxPreference's rule (following.models): users who
chose a daily or weekly digest, when it is due, about their unread notifications not
yet mailed, of the kinds they take (comments and replies as `notify_on_comment` and
`notify_on_reply` allow). A digest lists at most LISTED of them, newest first, says how
many more there are and links to the inbox; with nothing to list, nothing is sent and
the next digest is due a period later all the same.

Privacy is the inbox's own (`inbox.visible`): a summary made private or hidden since,
or a comment hidden or deleted, is not listed, nor counted. Names are read as they are
when the digest is sent: a summary made anonymous since names no author, and a
notification that a followed person wrote it is left out, since it would say who.

Each digest is sent once, whoever runs this and however often (`send_digest`): the
due date is moved on and the listed notifications marked `mailed_at` in the
transaction that hands the mail to the server, committed once the server accepted it,
as summaries.notifications does for comments (at least once, deduplicated; the same
Message-ID for the same digest should the one moment left, between acceptance and
commit, send it twice).

Cost: the due digests are found on a partial index of the users who chose one
(`inbox_preference_due_idx`), BATCH at a time; a user's digest reads the inbox index
(recipient, created_at) from their last digest on, SCAN rows at most.
"""

import logging
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import get_connection
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator

from summaries.models import comment_url
from summaries.notifications import site_mail, unsubscribe_url

from . import inbox
from .models import DIGESTS, InboxPreference, Notification
from .preferences import PERIODS

logger = logging.getLogger(__name__)

# Notifications a digest lists; the rest are counted ("and 12 more").
LISTED = 50
# Notifications a digest reads (and marks mailed) at most; past it, "over 950 more".
SCAN = 1000
# Users whose digests one run sends at most; a task run that leaves some due enqueues
# the next (following.tasks.send_due_digests).
BATCH = 200
# A notification is written a moment after its created_at (a fan-out's batch commits
# after the time is taken): a digest reads back this far before the last one, the
# notifications that one listed being marked.
SLACK = timedelta(hours=1)
# A digest the mail server would not take is tried again this much later.
RETRY_AFTER = timedelta(hours=1)
# The pref a digest's unsubscribe token names (summaries.notifications.PREFERENCES).
UNSUBSCRIBE_PREFERENCE = "mail_digest"


def due(now=None):
    """The InboxPreference rows of the digests due, oldest due first (a partial index)."""
    now = now or timezone.now()
    return InboxPreference.objects.filter(digest_due_at__lte=now).order_by("digest_due_at")


def send_due(now=None, limit=BATCH):
    """Send the digests due, at most `limit`; returns (sent, failed, more_due).

    One connection to the mail server for the run, when some digest is due; a server
    that cannot be reached leaves them all due, for the next run. A digest that fails
    is logged and postponed by RETRY_AFTER, so that one refused address does not hold
    the others back.
    """
    now = now or timezone.now()
    user_ids = list(due(now).values_list("user_id", flat=True)[:limit])
    if not user_ids:
        return 0, 0, False
    sent = failed = 0
    connection = get_connection()
    try:
        connection.open()
    except Exception:
        logger.exception("Could not reach the mail server for %d digest(s)", len(user_ids))
        # Not "more": a task would enqueue the next at once, against a server that is
        # down; the worker's next look (or cron's next run) tries again.
        return 0, len(user_ids), False
    try:
        for user_id in user_ids:
            try:
                sent += send_digest(user_id, now=now, connection=connection)
            except Exception:
                failed += 1
                logger.exception("Could not send the digest of user %s", user_id)
                InboxPreference.objects.filter(user_id=user_id, digest_due_at__lte=now).update(
                    digest_due_at=now + RETRY_AFTER
                )
    finally:
        connection.close()
    more = len(user_ids) == limit and due(now).exists()
    return sent, failed, more


def send_digest(user_id, *, now=None, connection=None):
    """Send this user's digest if it is due; True if a mail went out.

    The due date is moved on first, by an UPDATE that names the due date read: of two
    runs at once, the second waits on the row (PostgreSQL; SQLite's write lock) and
    then updates nothing, so it sends nothing. The notifications listed are marked in
    the same transaction, and the mail is handed over last, just before the commit.
    """
    now = now or timezone.now()
    with transaction.atomic():
        pref = (
            InboxPreference.objects.select_related("user")
            .filter(user_id=user_id, mail__in=DIGESTS, digest_due_at__lte=now)
            .first()
        )
        if pref is None:
            return False
        claimed = InboxPreference.objects.filter(
            user_id=user_id, mail=pref.mail, digest_due_at=pref.digest_due_at
        ).update(digest_due_at=_next_due(pref, now), digest_since=now)
        user = pref.user
        if not claimed or not (user.is_active and user.email):
            return False
        ids = list(pending(user, pref, now).values_list("pk", flat=True)[: SCAN + 1])
        if not ids:
            return False
        listed = list(
            Notification.objects.filter(pk__in=ids[:LISTED])
            .select_related("actor", "summary__paper", "comment")
            .only(
                "pk", "kind", "created_at", "summary_id", "comment_id",
                "actor__username", "actor__display_name", "actor__is_active",
                "summary__author_id", "summary__is_anonymous",
                "summary__paper__title", "summary__paper__title_html",
                "summary__paper__venue", "comment__author_id",
            )
            .order_by("-created_at", "-pk")
        )  # fmt: skip
        Notification.objects.filter(pk__in=ids[:SCAN]).update(mailed_at=now)
        message = _message(user, pref.mail, listed, len(ids))
        (connection or get_connection()).send_messages([message])
    return True


def pending(user, pref, now):
    """The user's notifications a digest sent at `now` lists: unread, not mailed, of
    the kinds they take, that they may still see, newest first."""
    since = pref.digest_since or (pref.digest_due_at - PERIODS[pref.mail])
    left_out = set(pref.muted or ())
    if not user.notify_on_comment:
        left_out.add(Notification.COMMENT)
    if not user.notify_on_reply:
        left_out.add(Notification.REPLY)
    notifications = Notification.objects.filter(
        recipient=user,
        created_at__gte=since - SLACK,
        created_at__lte=now,
        read_at__isnull=True,
        mailed_at__isnull=True,
    ).exclude(kind__in=left_out)
    return inbox.visible(notifications, user).order_by("-created_at", "-pk")


def _next_due(pref, now):
    """A period after the last due date, so that digests keep their hour, or a period
    from now when the worker has been away longer than that."""
    period = PERIODS[pref.mail]
    later = pref.digest_due_at + period
    return later if later > now else now + period


def actor_name(note):
    """Who did it, as the digest may say it now: the inbox's wording, with the
    summary's anonymity read as it is now rather than when the notification was
    written."""
    if note.actor is None or inbox.withholds_actor(note):
        return "The summary's author" if note.comment_id else "An anonymous author"
    if not note.actor.is_active:
        return "A former member"
    return note.actor.display_name or note.actor.username


def describe(note):
    """One line of the digest, as plain text (the HTML version escapes it)."""
    paper = note.summary.paper
    title = Truncator(" ".join(paper.plain_title.split())).chars(150)
    what = {
        Notification.COMMENT: f"commented on your summary of “{title}”",
        Notification.REPLY: (
            f"replied in a discussion you took part in, under a summary of “{title}”"
        ),
        Notification.MENTION: (
            f"mentioned you in a comment on a summary of “{title}”"
            if note.comment_id
            else f"mentioned you in a summary of “{title}”"
        ),
        Notification.PAPER: f"wrote a summary of “{title}”, a paper you follow",
        Notification.PERSON: f"wrote a summary of “{title}”",
        Notification.VENUE: f"wrote a summary of “{title}”, in {paper.venue}, which you follow",
        Notification.TOPIC: f"wrote a summary of “{title}”, in a topic you follow",
    }[note.kind]
    return f"{actor_name(note)} {what}"


def _link(note):
    if note.comment_id:
        return settings.SITE_URL + comment_url(note.summary_id, note.comment_id)
    return settings.SITE_URL + note.summary.get_absolute_url()


def _message_id(user, ids_count, newest):
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"<digest-{user.pk}.{newest.pk}.{ids_count}@{host}>"


def _message(user, mail, listed, found):
    counted = min(found, SCAN)
    more = counted - len(listed)
    period = "daily" if mail == "daily" else "weekly"
    unsubscribe = unsubscribe_url(user, UNSUBSCRIBE_PREFERENCE)
    context = {
        "recipient": user,
        "period": period,
        "items": [{"text": describe(note), "url": _link(note)} for note in listed],
        "more": more,
        "more_is_lower_bound": found > SCAN,
        "inbox_url": settings.SITE_URL + reverse("following:inbox"),
        "unsubscribe_url": unsubscribe,
        "settings_url": settings.SITE_URL + reverse("accounts:settings"),
        "site_name": settings.SITE_NAME,
    }
    total = f"{counted}+" if found > SCAN else str(counted)
    noun = "notification" if counted == 1 else "notifications"
    return site_mail(
        user,
        f"Your {period} {settings.SITE_NAME} digest: {total} new {noun}",
        "email/digest",
        context,
        unsubscribe=unsubscribe,
        message_id=_message_id(user, found, listed[0]),
    )
