"""How comments are read: which a discussion shows and in what order, and what a list of
comments loads of each (`Comment.objects`, see summaries.models)."""

import functools

from django.db import models
from django.db.models import Case, Exists, F, OuterRef, Q, Value, When, Window
from django.db.models.functions import Coalesce, DenseRank, RowNumber

from shortscience.dbfunctions import OctetLength


def thread_order():
    """The keys that keep a thread together: a reply sorts with its parent, by the
    parent's date."""
    return [Coalesce("parent__created_at", "created_at"), Coalesce("parent_id", "id")]


def within_thread_order():
    """The keys within a thread: the top-level comment, then its replies oldest first."""
    return [F("parent_id").asc(nulls_first=True), "created_at", "pk"]


# The columns of a comment's text, which lists of comments do not load: up to 10,000
# characters of source and 2 MB of HTML, where a list prints the excerpt.
COMMENT_TEXT_FIELDS = ("body", "body_html", "excerpt_html")


class CommentQuerySet(models.QuerySet):
    def public(self):
        """Comments anyone may read: on public summaries, and not hidden by a moderator.

        Deleted and removed comments stay (as placeholders, so their replies still read
        in context); their text is gone, see `Comment.is_gone`.
        """
        return self.filter(is_hidden=False, summary__is_private=False, summary__is_hidden=False)

    def on_profile(self, person):
        """What the person's profile lists and counts (User.public_comment_count): their
        comments anyone may read, neither deleted nor removed. Their comments under their
        own anonymous summaries stay off: an author answering the comments on "their"
        summary would sign it. `person` may be an OuterRef."""
        return (
            self.public()
            .filter(author=person, deleted_at__isnull=True)
            .exclude(summary__author=person, summary__is_anonymous=True)
        )

    def discussion(self):
        """The comments a discussion shows, in reading order: each top-level comment
        followed by its replies, oldest first.

        Replies that are deleted, removed or hidden are left out. So is a top-level
        comment in that state, unless replies still hang from it: then it stays, as a
        placeholder without its text (see `Comment.shows_text`), so they read in context.
        """
        shown = Q(is_hidden=False, deleted_at__isnull=True)
        has_replies = Exists(self.model.objects.filter(shown, parent=OuterRef("pk")))
        return self.filter(shown | Q(parent__isnull=True) & has_replies).order_by(
            *thread_order(), *within_thread_order()
        )

    def discussion_rows(self):
        """The rows `discussion()` is made of, unordered: the replies shown and every
        top-level comment, placeholder or not. `reading_order` makes the discussion of
        them in Python. For a few comments this is the cheaper way: the ORM spends about
        a millisecond building and compiling `discussion()` (the subquery for the
        placeholders, the join for the order), more than sorting a few dozen rows costs.
        """
        return self.filter(
            Q(is_hidden=False, deleted_at__isnull=True) | Q(parent__isnull=True)
        ).order_by()

    def heads(self, threads, replies):
        """Of a `discussion()`, only the first `threads` threads under each summary, each
        with its first `replies` replies: what a list of summaries shows of theirs
        (summaries.discussion.attach_heads), cut by the database for any number of
        summaries in one query.

        Window functions number each comment's thread under its summary and its place
        in the thread (the top-level comment first); `cut_threads` is the same rule in
        Python.
        """
        thread = thread_order()
        return self.annotate(
            thread_number=Window(DenseRank(), partition_by=F("summary_id"), order_by=thread),
            place_in_thread=Window(
                RowNumber(), partition_by=thread[1], order_by=within_thread_order()
            ),
        ).filter(thread_number__lte=threads, place_in_thread__lte=1 + replies)

    def for_listing(self, whole_up_to=0, whole=None):
        """Everything a listed comment prints: the author's byline (User.BYLINE_FIELDS),
        and its text as `with_shown_text` says; neither the body nor the whole HTML is
        loaded, nor the rest of the author's row, their bio among it."""
        return (
            self.select_related("author")
            .defer(*unlisted_author_fields())
            .with_shown_text(whole_up_to, whole)
        )

    def with_shown_text(self, whole_up_to=0, whole=None):
        """Annotate `shown_html`, the HTML a list prints for each comment, and `is_cut`,
        True when that is its excerpt rather than the whole text; load neither the body
        nor the HTML that is not shown.

        The whole text is shown when it is as light as an excerpt (`excerpt_html` is
        empty, see `Comment.excerpt_html`), when its HTML is at most `whole_up_to`
        bytes, and for the comment whose id is `whole`, which a reader asked for.
        """
        queryset = self.defer(*COMMENT_TEXT_FIELDS)
        shown_whole = Q(excerpt_html="")
        if whole_up_to:
            queryset = queryset.alias(html_length=OctetLength("body_html"))
            shown_whole |= Q(html_length__lte=whole_up_to)
        if whole is not None:
            shown_whole |= Q(pk=whole)
        return queryset.annotate(
            shown_html=Case(When(shown_whole, then=F("body_html")), default=F("excerpt_html")),
            is_cut=Case(When(shown_whole, then=Value(False)), default=Value(True)),
        )

    def on_papers(self):
        """The summary and its paper joined, for a comment acted on (summaries.comment_views),
        without loading the summary's text or the paper's abstract."""
        # Here rather than at the top: summaries.models imports this module.
        from .models import TEXT_FIELDS

        summary_texts = [f"summary__{name}" for name in TEXT_FIELDS]
        return self.select_related("summary__paper").defer(
            *summary_texts, "summary__paper__abstract", "summary__paper__abstract_html"
        )

    def for_profile(self):
        """What a profile's list of recent comments prints of each, as rows rather than
        model instances (summaries.cards.profile_comments): `id` and `summary_id`, which
        its link is made of (`comment_url`), `created_at`, its text as `with_shown_text`
        says (`shown_html`, `is_cut`) and its paper's title (`summary__paper__title`,
        `summary__paper__title_html`). Other columns cost the ORM time to select and to
        load, and loading a comment, its summary and its paper as instances cost 0.4 ms
        of the 1.15 ms the query took in Python."""
        return self.with_shown_text().values_list(
            "id",
            "summary_id",
            "created_at",
            "shown_html",
            "is_cut",
            "summary__paper__title",
            "summary__paper__title_html",
            named=True,
        )

    def thread_for(self, summary, comment_id):
        """The top-level comment that a reply to comment `comment_id` joins, or None
        when that comment is not shown under `summary`, or its thread's top-level comment
        is a placeholder (deleted, removed, hidden), or `comment_id` is no number.

        One query, which loads neither comment's text.
        """
        try:
            wanted = int(comment_id)
        except (TypeError, ValueError):
            return None
        texts = [*COMMENT_TEXT_FIELDS, *(f"parent__{name}" for name in COMMENT_TEXT_FIELDS)]
        target = (
            self.filter(summary=summary, pk=wanted).select_related("parent").defer(*texts).first()
        )
        if target is None or not target.shows_text:
            return None
        thread = target.parent or target
        return thread if thread.shows_text else None


def reading_order(comments):
    """`CommentQuerySet.discussion()` in Python, of the comments `discussion_rows()`
    read under one or more summaries: those shown, in reading order. A top-level
    comment that shows no text stays, as a placeholder, only while a reply of it shows.
    The order is `thread_order()` then `within_thread_order()`."""
    comments = list(comments)
    by_id = {comment.pk: comment for comment in comments}
    # Every reply read is shown (discussion_rows), so a parent named here has one.
    answered = {comment.parent_id for comment in comments if comment.parent_id is not None}

    def order(comment):
        parent = by_id.get(comment.parent_id) if comment.parent_id is not None else None
        thread_started = (parent or comment).created_at
        thread = comment.parent_id or comment.pk
        return (
            thread_started,
            thread,
            comment.parent_id is not None,
            comment.created_at,
            comment.pk,
        )

    shown = (c for c in comments if c.parent_id or c.shows_text or c.pk in answered)
    return sorted(shown, key=order)


def cut_threads(comments, threads, replies):
    """Of `comments` in a discussion's reading order, under one or more summaries, those
    `CommentQuerySet.heads(threads, replies)` keeps: each summary's first `threads`
    threads, each with its first `replies` replies."""
    kept_threads, last_thread, place = {}, {}, 0
    for comment in comments:
        summary, thread = comment.summary_id, comment.parent_id or comment.pk
        if last_thread.get(summary) != thread:
            last_thread[summary] = thread
            kept_threads[summary] = kept_threads.get(summary, 0) + 1
            place = 0
        place += 1
        if kept_threads[summary] <= threads and place <= 1 + replies:
            yield comment


@functools.cache
def unlisted_author_fields(relation="author"):
    """What a list of summaries or comments does not load of the author it joins
    through `relation` (a search result's: "summary__author"): a tuple, since every
    caller shares it."""
    from django.contrib.auth import get_user_model

    return tuple(get_user_model().not_in_byline(relation))
