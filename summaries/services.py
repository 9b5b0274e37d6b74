"""Writes that touch more than one row, or must survive races."""

from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone

from following import tasks as following_tasks
from markup.mentions import linked_usernames
from shortscience import fragments

from . import idempotency, tasks
from .models import Comment, Summary, SummaryRevision, Vote
from .ranking import hotness


def summary_landing_url(summary):
    """Where the author goes once the summary is saved: to it, on the paper's page."""
    return f"{summary.paper.get_absolute_url()}#{summary.anchor}"


def save_summary(*, paper, author, body, is_private, is_anonymous, key=None, topics=None):
    """Create the author's summary of the paper, or update the one they have.

    Two posts can race (a double click on Publish, two tabs): the database allows one
    summary per author and paper, so the loser of the race updates the winner's row
    instead of failing. Returns (summary, created).

    `key` (see `summaries.idempotency`) makes a repeat of the post raise
    `idempotency.Replayed` instead of saving again. `topics`, unless None, replaces the
    topics the author added (topics.services.set_summary_topics).
    """
    from topics.services import set_summary_topics

    with transaction.atomic():
        post = idempotency.claim(author, key)
        summary, created = _upsert_summary(paper, author, body, is_private, is_anonymous)
        if topics is not None:
            set_summary_topics(summary, topics)
        # The inbox hears of a summary when it first becomes public: new, or made public
        # by an edit.
        if not (summary.is_private or summary.is_hidden or summary.was_public):
            tasks.enqueue_after_commit(following_tasks.fan_out_summary, summary.pk)
        elif summary.mentioned_before is not None and not (summary.is_private or summary.is_hidden):
            # An edit of a public text: the people it newly @mentions hear of it.
            tasks.enqueue_after_commit(
                following_tasks.notify_new_mentions, summary.pk, summary.mentioned_before
            )
        # The caller's rows, so that the URL takes no query to load them again.
        summary.paper, summary.author = paper, author
        idempotency.record(post, summary_landing_url(summary))
    return summary, created


def _upsert_summary(paper, author, body, is_private, is_anonymous):
    fields = {"body": body, "is_private": is_private, "is_anonymous": is_anonymous}
    summary = Summary.objects.filter(paper=paper, author=author).first()
    if summary is None:
        try:
            with transaction.atomic():
                summary = Summary(paper=paper, author=author, **fields)
                summary.save()
            summary.was_public, summary.mentioned_before = False, None
            return summary, True
        except IntegrityError:
            pass
    with transaction.atomic():
        # Locked, so that two edits at once each keep the version they replace.
        summary = Summary.objects.select_for_update().get(paper=paper, author=author)
        # As the edit found it, for the inbox (save_summary).
        was_public = not (summary.is_private or summary.is_hidden)
        # Whom the text it replaces mentions (its stored HTML's links), for the inbox;
        # None when the text is unchanged.
        mentioned_before = None
        if summary.body != body:
            mentioned_before = linked_usernames(summary.body_html)
            _keep_revision(summary)
            summary.edited_at = timezone.now()
        for name, value in fields.items():
            setattr(summary, name, value)
        summary.save()
    summary.was_public, summary.mentioned_before = was_public, mentioned_before
    return summary, False


def _keep_revision(summary):
    """Keep the text the summary has now as a numbered earlier version."""
    number = summary.revisions.count() + 1
    SummaryRevision.objects.create(
        summary=summary,
        number=number,
        body=summary.body,
        written_at=summary.edited_at or summary.created_at,
    )


# A second identical comment this soon after the first is a double click or a retried
# post, not something the author meant to say twice.
DUPLICATE_COMMENT_WINDOW = timedelta(minutes=2)


def add_comment(*, summary, author, body, parent=None, key=None):
    """Add a comment, or a reply to `parent`; returns (comment, created).

    `key` (see `summaries.idempotency`) makes a repeat of the post raise
    `idempotency.Replayed` instead of adding the comment again. Without one, an
    identical comment just made by the same author is taken for a repeat.

    The e-mail notifications are a background task enqueued with the comment
    (`summaries.tasks.mail_comment`): they go out once it is committed, a slow or
    failing mail server cannot slow or fail the post, and a rolled-back comment sends
    nothing.

    Replies nest one level: a reply to a reply joins its top-level comment. A parent
    under another summary is a caller's bug, refused with ValueError.
    """
    if parent is not None:
        if parent.parent_id is not None:
            parent = parent.parent
        if parent.summary_id != summary.pk:
            raise ValueError("A reply must be under the same summary as its parent.")
    with transaction.atomic():
        post = idempotency.claim(author, key)
        # Kept with keys too: a page restored from the browser's history may post again
        # under a fresh key.
        recent = Comment.objects.filter(
            summary=summary,
            author=author,
            parent=parent,
            body=body,
            created_at__gte=timezone.now() - DUPLICATE_COMMENT_WINDOW,
        ).first()
        if recent is not None:
            idempotency.record(post, recent.get_absolute_url())
            return recent, False
        comment = Comment(summary=summary, author=author, body=body, parent=parent)
        comment.save()
        idempotency.record(post, comment.get_absolute_url())
        tasks.enqueue_after_commit(tasks.mail_comment, comment.pk)
        tasks.enqueue_after_commit(following_tasks.notify_comment, comment.pk)
    return comment, True


def vote(*, summary, user, value, key=None, result_url=""):
    """Vote the summary up or down (`Vote.UP`, `Vote.DOWN`) for the user.

    The same vote again takes it back; the other one replaces it. Returns the user's vote
    now (`value`, or None once taken back) and sets `score` and `hotness` on `summary`.

    The summary's row is locked first, so votes on one summary are counted one at a time
    and the stored score is the exact sum of its votes, however many arrive at once.

    A repeat of one post must not take back the vote it cast: with `key` (see
    `summaries.idempotency`) it raises `idempotency.Replayed` instead, and a repeat of
    a form post is sent to `result_url` as the first one was.
    """
    if summary.author_id == user.pk:
        raise PermissionDenied("Nobody votes on their own summary.")
    with transaction.atomic():
        post = idempotency.claim(user, key)
        locked = Summary.objects.select_for_update().only("pk", "created_at").get(pk=summary.pk)
        existing = Vote.objects.filter(summary=locked, user=user).first()
        if existing is None:
            Vote.objects.create(summary=locked, user=user, value=value)
            current = value
        elif existing.value == value:
            existing.delete()
            current = None
        else:
            existing.value = value
            existing.save(update_fields=["value", "updated_at"])
            current = value
        score = Vote.objects.filter(summary=locked).aggregate(total=Sum("value"))["total"] or 0
        hot = hotness(score, locked.created_at)
        # An update, not save(): a vote is not an edit (updated_at), and its receivers
        # would re-index the text for nothing. So the pages are invalidated by hand, one
        # of the few writes that do (shortscience.fragments).
        Summary.objects.filter(pk=locked.pk).update(score=score, hotness=hot)
        idempotency.record(post, result_url)
    summary.score, summary.hotness = score, hot
    fragments.invalidate(fragments.paper_scope(summary.paper_id), fragments.LISTINGS)
    return current


class CommentGone(Exception):
    """The comment was deleted or removed while someone was editing it."""


# What a change of text writes (what `Comment.rendered_fields` makes, and when it was
# edited); the rest of the row (deleted_at above all) is left as the database has it,
# not as a copy loaded before a concurrent removal.
_RENDERED_FIELDS = ["body", "body_html", "excerpt_html", "renderer_version"]
_TEXT_FIELDS = [*_RENDERED_FIELDS, "edited_at"]


def edit_comment(comment, *, body):
    """Replace a comment's text and mark it edited; False when the text is unchanged.

    Raises CommentGone if it was deleted or removed meanwhile: an edit must not bring
    back a comment that someone took down.
    """
    with transaction.atomic():
        locked = Comment.objects.select_for_update().get(pk=comment.pk)
        if locked.is_gone:
            raise CommentGone
        if body == locked.body:
            return False
        comment.body = body
        comment.edited_at = timezone.now()
        # save(), not update(): the text is rendered on save and the search index follows.
        comment.save(update_fields=_TEXT_FIELDS)
    return True


def delete_comment(comment):
    """Its author takes a comment back. The row stays, without its text, so the
    replies under it keep their place; see `Comment.placeholder`."""
    _clear_comment(comment, removed_by=None)


def remove_comment(comment, *, by):
    """The summary's author or staff take a comment down; recorded with who did it."""
    _clear_comment(comment, removed_by=by)


def _clear_comment(comment, *, removed_by):
    with transaction.atomic():
        locked = Comment.objects.select_for_update().get(pk=comment.pk)
        if locked.is_gone:
            return
        comment.body = ""
        comment.deleted_at = timezone.now()
        comment.removed_by = removed_by
        comment.save(update_fields=[*_RENDERED_FIELDS, "deleted_at", "removed_by"])
