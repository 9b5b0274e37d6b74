"""E-mail about new comments and replies, sent by a background task once the comment is
committed (`summaries.tasks`).

Who hears of a comment:

- the summary's author, about any comment on their summary (`notify_on_comment`);
- on a reply, the thread's earlier participants: the author of the comment replied to
  and earlier repliers (`notify_on_reply`), unless already mailed about it.

Only people who take their mail as it happens hear of it here (following.models
InboxPreference: those who chose a digest find it there, those who chose no mail
nowhere). Nobody hears of their own comment, nobody but its author hears of comments
on a private summary, and hidden or deleted content sends nothing. A mail names no one in
its headers, and the author of an anonymous summary is "the anonymous author" in mail
to anyone else. Each mail carries a one-click unsubscribe link (RFC 8058), a signed
token naming the user and the preference, read back by `accounts.views.unsubscribe`.
"""

import logging
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.text import Truncator

from following.preferences import mail_at_once

from .models import Comment, SentNotification

logger = logging.getLogger(__name__)

# What an unsubscribe token may turn off: the user's two switches, and the digest
# (following.digests, turned off by following.preferences.stop_digests).
PREFERENCES = ("notify_on_comment", "notify_on_reply", "mail_digest")
_TOKEN_SALT = "summaries.notifications.unsubscribe"
ANONYMOUS_AUTHOR = "the anonymous author"


def unsubscribe_token(user, preference):
    """A token that turns `preference` off for `user`; it never expires, since mail
    lives on in inboxes, and it can do nothing else."""
    return signing.dumps({"user": user.pk, "pref": preference}, salt=_TOKEN_SALT)


def read_unsubscribe_token(token):
    """(user id, preference) from a token; signing.BadSignature if it was not ours."""
    data = signing.loads(token, salt=_TOKEN_SALT)
    if (
        not isinstance(data, dict)
        or data.get("pref") not in PREFERENCES
        or not isinstance(data.get("user"), int)
    ):
        raise signing.BadSignature("not an unsubscribe token")
    return data["user"], data["pref"]


def unsubscribe_url(user, preference):
    path = reverse("accounts:unsubscribe", args=[unsubscribe_token(user, preference)])
    return settings.SITE_URL + path


def comment_posted(comment_id):
    """Tell the summary's author about a new comment, and earlier participants about a
    reply, as their preferences allow. Run by the task `summaries.tasks.mail_comment`
    after the comment committed, reading the comment as it is now, so one hidden or
    deleted meanwhile sends nothing.

    Each mail is sent at most once per person and comment, whoever runs this again
    (`SentNotification`, `_send_once`). Returns the number of mails that could not be
    sent, for the task to try again later; a failure is logged, never raised, so one
    refused address does not keep the others' mail back.
    """
    pending = _recipients_for(comment_id)
    if not pending:
        return 0
    comment = pending[0][0]
    failed = 0
    try:
        connection = get_connection()
        connection.open()
    except Exception:
        logger.exception("Could not reach the mail server for comment %s", comment_id)
        return len(pending)
    try:
        for _, person, kind, preference in pending:
            try:
                _send_once(connection, comment, person, kind, preference)
            except Exception:
                failed += 1
                logger.exception("Could not send mail about comment %s", comment_id)
    finally:
        connection.close()
    return failed


def _send_once(connection, comment, recipient, kind, preference):
    """Send one mail unless `recipient` has had theirs about `comment`.

    The row that says so is inserted, the mail handed to the server, and the row
    committed, in one transaction: a worker that dies before the server accepted the
    mail leaves no row (its transaction is rolled back) and the task's next run sends
    it; one that dies after leaves the row, and nothing is sent again. On PostgreSQL a
    second run at the same moment waits on the first one's row and then skips it. What
    remains is the moment between the server's acceptance and the commit: a worker
    killed exactly then sends the mail again on the next run, with the same Message-ID
    (at-least-once, deduplicated everywhere but that moment).
    """
    with transaction.atomic():
        _, created = SentNotification.objects.get_or_create(
            comment=comment, recipient=recipient, defaults={"kind": kind}
        )
        if created:
            connection.send_messages([_message(comment, recipient, kind, preference)])


def _recipients_for(comment_id):
    """[(comment, person, kind, preference)] of the mail this comment calls for now."""
    comment = (
        Comment.objects.select_related("author", "summary__author", "summary__paper", "parent")
        .filter(pk=comment_id)
        .first()
    )
    # Gone already (deleted, or removed by a moderator) by the time the mail would go.
    if comment is None or _withdrawn(comment) or (comment.parent and _withdrawn(comment.parent)):
        return []
    summary = comment.summary
    if summary.is_hidden:
        return []

    recipients = []
    mailed = {comment.author_id}
    owner = summary.author
    if owner.pk not in mailed and owner.notify_on_comment and _reachable(owner):
        recipients.append((comment, owner, "comment", "notify_on_comment"))
        mailed.add(owner.pk)
    if comment.parent_id and not summary.is_private:
        for person in _earlier_participants(comment):
            if person.pk not in mailed and person.notify_on_reply and _reachable(person):
                recipients.append((comment, person, "reply", "notify_on_reply"))
                mailed.add(person.pk)
    if recipients:
        at_once = mail_at_once(person.pk for _, person, _, _ in recipients)
        recipients = [row for row in recipients if row[1].pk in at_once]
    return recipients


def _withdrawn(comment):
    return comment.is_gone or comment.is_hidden


def _reachable(user):
    return user.is_active and bool(user.email)


def _earlier_participants(reply):
    """The authors of the thread's comments before `reply`, first comers first; those
    whose comments were deleted or hidden have left the thread."""
    # Ids grow as comments are made: an earlier reply has a smaller id.
    in_thread = Q(pk=reply.parent_id) | Q(parent_id=reply.parent_id, pk__lt=reply.pk)
    thread = (
        Comment.objects.filter(in_thread)
        .filter(deleted_at__isnull=True, is_hidden=False)
        .select_related("author")
        .order_by("pk")
    )
    people = {}
    for comment in thread:
        people.setdefault(comment.author_id, comment.author)
    return list(people.values())


def _message_id(comment, recipient):
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"<comment-{comment.pk}.to-{recipient.pk}@{host}>"


def _message(comment, recipient, kind, preference):
    summary = comment.summary
    paper = summary.paper
    anonymous = summary.is_anonymous
    writes_for_owner = recipient.pk == summary.author_id
    if anonymous and comment.author_id == summary.author_id:
        # Naming the commenter would name the anonymous summary's author.
        commenter = ANONYMOUS_AUTHOR.capitalize()
    else:
        commenter = comment.author.shown_name
    unsubscribe = unsubscribe_url(recipient, preference)
    context = {
        "recipient": recipient,
        "kind": kind,
        "commenter": commenter,
        "paper_title": " ".join(paper.plain_title.split()),
        "summary_byline": (
            "you"
            if writes_for_owner
            else (ANONYMOUS_AUTHOR if anonymous else summary.author.shown_name)
        ),
        "is_anonymous": anonymous,
        "by_summary_author": comment.author_id == summary.author_id,
        "text": Truncator(comment.body).chars(1500),
        "comment_url": settings.SITE_URL + comment.get_absolute_url(),
        "unsubscribe_url": unsubscribe,
        "settings_url": settings.SITE_URL + reverse("accounts:settings"),
        "site_name": settings.SITE_NAME,
    }
    title = Truncator(context["paper_title"]).chars(100)
    if kind == "comment":
        subject = f"New comment on your summary of “{title}”"
    else:
        subject = f"New reply in a discussion on “{title}”"
    # The same Message-ID for every attempt at this mail: should a retry send it twice
    # (see `_send_once`), mail clients that collapse one Message-ID show it once.
    return site_mail(
        recipient,
        subject,
        "email/comment_posted",
        context,
        unsubscribe=unsubscribe,
        message_id=_message_id(comment, recipient),
    )


def site_mail(recipient, subject, template, context, *, unsubscribe, message_id):
    """A mail of the site to one user: text and HTML from `template` (.txt and .html),
    with a one-click unsubscribe link (RFC 8058) and `message_id`.

    The address alone, and no Reply-To or Cc: a header never carries anyone else's name
    or address, which for an anonymous author would undo the anonymity."""
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"{template}.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[recipient.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
            "Message-ID": message_id,
        },
    )
    message.attach_alternative(render_to_string(f"{template}.html", context), "text/html")
    return message
