"""Writing the inbox: who hears of a new summary or comment, and the unread count.

Run by the tasks of following.tasks after the write committed, reading the rows as they
are then: a summary made private or hidden meanwhile notifies no one. The rules:

- A new public summary notifies, each person once, in this order of precedence: the
  users it @mentions, the followers of its paper, of its author (only when it is
  signed: an anonymous summary reaches no one through its author, and names no actor),
  of its paper's venue, and of its topics and its paper's. Never its author.
- A comment notifies the users it @mentions, the earlier people of the thread it
  replies in, and the summary's author; each once, never the commenter, never about a
  private summary, a hidden one or a hidden or deleted comment. A comment by an
  anonymous summary's author under it names no actor.
- An edit of a public summary notifies the users it newly @mentions (not linked in
  the text it replaced), unless the summary already notified them of anything.
- A kind a recipient turned off (InboxPreference) is not written for them.

Followers are read in batches of BATCH in user order (an index range each) and written
with bulk_create; the unique constraints make a repeated task write nothing twice.
"""

from django.core.cache import cache
from django.db.models import Q
from django.db.models.functions import Upper

from markup.mentions import linked_usernames

from .models import Follow, InboxPreference, Notification

BATCH = 500
# The header shows "99+" past this: the count reads at most this many index entries + 1.
UNREAD_CAP = 99
UNREAD_SECONDS = 300


def unread_key(user_id):
    return f"inbox-unread:{user_id}"


def visible(queryset, user):
    """Notifications whose summary and comment the recipient may still see: one made
    private or hidden since (its author aside), or a comment taken down, drops out; so
    does "a person you follow wrote a summary" of one made anonymous since, which
    would say who wrote it."""
    return (
        queryset.filter(
            Q(summary__is_private=False, summary__is_hidden=False) | Q(summary__author=user)
        )
        .filter(
            Q(comment__isnull=True) | Q(comment__is_hidden=False, comment__deleted_at__isnull=True)
        )
        .exclude(kind=Notification.PERSON, summary__is_anonymous=True)
    )


def withholds_actor(note):
    """Whether naming the notification's actor would sign a summary made anonymous
    since it was written: its author, or its author's comment under it. Reads
    `note.summary` and `note.comment`, which the inbox and digests load with it."""
    summary = note.summary
    if not summary.is_anonymous:
        return False
    return note.comment_id is None or note.comment.author_id == summary.author_id


def shown(notes):
    """The notes, their actor withheld where `withholds_actor` says so (not saved)."""
    for note in notes:
        if withholds_actor(note):
            note.actor = None
    return notes


def unread_count(user):
    """The header's count: cached per user until a notification is written for them or
    read; a miss is one query on the unread rows' index, at most UNREAD_CAP + 1 rows."""
    key = unread_key(user.pk)
    count = cache.get(key)
    if count is None:
        unread = visible(Notification.objects.filter(recipient=user, read_at__isnull=True), user)
        count = unread.order_by()[: UNREAD_CAP + 1].count()
        cache.set(key, count, UNREAD_SECONDS)
    return count


def forget_counts(user_ids):
    cache.delete_many([unread_key(pk) for pk in user_ids])


def _muted(user_ids, kind):
    rows = InboxPreference.objects.filter(user_id__in=user_ids).values_list("user_id", "muted")
    return {pk for pk, muted in rows if kind in (muted or ())}


def _write(user_ids, kind, *, summary, comment=None, actor_id=None):
    """Notify these users (a batch) of one kind, unless they turned it off."""
    user_ids = list(user_ids)
    if not user_ids:
        return 0
    off = _muted(user_ids, kind)
    rows = [
        Notification(
            recipient_id=pk, kind=kind, actor_id=actor_id, summary=summary, comment=comment
        )
        for pk in user_ids
        if pk not in off
    ]
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    forget_counts(row.recipient_id for row in rows)
    return len(rows)


def _mentioned_ids(html, exclude=()):
    from accounts.models import User

    names = [name for name in linked_usernames(html) if name.lower() not in exclude]
    if not names:
        return []
    return list(
        User.objects.filter(username__in=names, is_active=True).values_list("pk", flat=True)
    )


def _in_batches(follows):
    """The follows' user ids in user order, BATCH at a time, each batch one query."""
    last = 0
    while True:
        ids = list(
            follows.filter(user_id__gt=last)
            .order_by("user_id")
            .values_list("user_id", flat=True)[:BATCH]
        )
        if not ids:
            return
        yield ids
        last = ids[-1]


def summary_published(summary_id):
    """Notify about a new public summary (see the module's rules); returns how many
    notifications were written."""
    from summaries.models import Summary
    from topics.services import PaperTopic, SummaryTopic

    summary = Summary.objects.select_related("paper").filter(pk=summary_id).first()
    if summary is None or summary.is_private or summary.is_hidden:
        return 0
    actor = None if summary.is_anonymous else summary.author_id
    seen = {summary.author_id}
    written = 0

    def notify(ids, kind):
        nonlocal written
        fresh = [pk for pk in ids if pk not in seen]
        seen.update(fresh)
        written += _write(fresh, kind, summary=summary, actor_id=actor)

    notify(_mentioned_ids(summary.body_html), Notification.MENTION)
    paper = summary.paper
    sources = [(Notification.PAPER, Follow.objects.filter(paper=paper))]
    if not summary.is_anonymous:
        sources.append((Notification.PERSON, Follow.objects.filter(person=summary.author_id)))
    if paper.venue:
        by_venue = Follow.objects.alias(name=Upper("venue")).filter(name=paper.venue.upper())
        sources.append((Notification.VENUE, by_venue))
    topics = set(SummaryTopic.objects.filter(summary=summary).values_list("topic_id", flat=True))
    topics |= set(PaperTopic.objects.filter(paper=paper).values_list("topic_id", flat=True))
    if topics:
        sources.append((Notification.TOPIC, Follow.objects.filter(topic__in=topics)))
    for kind, follows in sources:
        for ids in _in_batches(follows):
            notify(ids, kind)
    return written


def mentions_added(summary_id, mentioned_before):
    """Notify the users an edit of a public summary @mentions that the text it replaced
    did not (`mentioned_before`, the usernames linked there); returns how many
    notifications were written. Nobody hears twice of one summary: the unique
    constraint skips those it already notified, of a mention or anything else.

    A text stored before mentions were linked (renderer version 8) mentions no one, so
    an edit of it notifies everyone it mentions, once.
    """
    from summaries.models import Summary

    summary = Summary.objects.filter(pk=summary_id).first()
    if summary is None or summary.is_private or summary.is_hidden:
        return 0
    before = {name.lower() for name in mentioned_before}
    fresh = [
        pk for pk in _mentioned_ids(summary.body_html, exclude=before) if pk != summary.author_id
    ]
    actor = None if summary.is_anonymous else summary.author_id
    return _write(fresh, Notification.MENTION, summary=summary, actor_id=actor)


def comment_posted(comment_id):
    """Notify about a new comment (see the module's rules); returns how many
    notifications were written."""
    from summaries.models import Comment

    comment = Comment.objects.select_related("summary", "parent").filter(pk=comment_id).first()
    if comment is None or not comment.shows_text:
        return 0
    summary = comment.summary
    if summary.is_private or summary.is_hidden:
        return 0
    actor = None if comment.author_is_withheld else comment.author_id
    seen = {comment.author_id}
    written = 0

    def notify(ids, kind):
        nonlocal written
        fresh = [pk for pk in dict.fromkeys(ids) if pk not in seen]
        seen.update(fresh)
        written += _write(fresh, kind, summary=summary, comment=comment, actor_id=actor)

    notify(_mentioned_ids(comment.body_html), Notification.MENTION)
    if comment.parent_id:
        thread = Comment.objects.filter(
            Q(pk=comment.parent_id) | Q(parent_id=comment.parent_id, pk__lt=comment.pk),
            is_hidden=False,
            deleted_at__isnull=True,
        )
        notify(list(thread.values_list("author_id", flat=True)[:BATCH]), Notification.REPLY)
    notify([summary.author_id], Notification.COMMENT)
    return written
