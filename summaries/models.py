from django.conf import settings
from django.db import models, transaction
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from markup.render import RENDERER_VERSION, cited_keys
from papers.citations import render_text


class SummaryQuerySet(models.QuerySet):
    def public(self):
        """What anyone may read: not private, not hidden by a moderator."""
        return self.filter(is_private=False, is_hidden=False)

    def visible_to(self, user):
        """Public summaries, plus the user's own, private or hidden."""
        if user.is_authenticated:
            return self.filter(Q(is_private=False, is_hidden=False) | Q(author=user))
        return self.public()

    def for_listing(self):
        """Everything a summary card prints, in a fixed number of queries."""
        # A subquery per listed row, not a join with every comment grouped: the join
        # made the database count the comments of every summary before taking a page.
        shown_comments = (
            Comment.objects.filter(summary=OuterRef("pk"), is_hidden=False, deleted_at__isnull=True)
            .order_by()
            .values("summary")
            .annotate(count=Count("pk"))
            .values("count")
        )
        return self.select_related("paper", "author").annotate(
            comment_count=Coalesce(Subquery(shown_comments), 0)
        )

    def with_comments(self):
        """Prefetch `discussion`: the comments shown under each summary in reading order,
        each top-level comment followed by its replies, oldest first. One query, however
        many comments and replies, authors joined.

        Replies that are deleted, removed or hidden are left out. So is a top-level
        comment in that state, unless replies still hang from it: then it stays, as a
        placeholder without its text (see `Comment.shows_text`), so they read in context.
        """
        shown = Q(is_hidden=False, deleted_at__isnull=True)
        has_replies = Exists(Comment.objects.filter(shown, parent=OuterRef("pk")))
        comments = (
            Comment.objects.filter(shown | Q(parent__isnull=True) & has_replies)
            .select_related("author")
            .order_by(
                # A reply sorts with its parent: by the parent's date, then after it.
                Coalesce("parent__created_at", "created_at"),
                Coalesce("parent_id", "id"),
                F("parent_id").asc(nulls_first=True),
                "created_at",
                "pk",
            )
        )
        return self.prefetch_related(Prefetch("comments", queryset=comments, to_attr="discussion"))

    def with_user_vote(self, user):
        """Annotate `user_vote`: the user's vote on each summary (Vote.UP, Vote.DOWN or None).

        A subquery in the same SELECT, so a page of summaries learns all of the viewer's
        votes without a query per summary.
        """
        if not user.is_authenticated:
            return self.annotate(user_vote=models.Value(None, output_field=models.IntegerField()))
        votes = Vote.objects.filter(summary=models.OuterRef("pk"), user=user).values("value")
        return self.annotate(user_vote=models.Subquery(votes[:1]))

    def best_first(self):
        return self.order_by("-score", "-created_at", "-pk")

    def newest_first(self):
        return self.order_by("-created_at", "-pk")

    def popular_first(self):
        return self.order_by("-hotness", "-pk")

    def citing(self, paper):
        """Summaries that cite `paper` under any of its names: key, alias, arXiv id, DOI.

        A subquery on the citations rather than a join, so a summary that cites the
        paper under two names comes once. The alias keys are a subquery of their own,
        unioned rather than OR-ed with the fixed names: an OR of two IN conditions, one
        a subquery, would keep PostgreSQL from using the index on the cited key.
        """
        from papers.citations import paper_alias_names, paper_citation_names

        cited = (
            Citation.objects.filter(key__in=paper_citation_names(paper))
            .values("summary_id")
            .union(Citation.objects.filter(key__in=paper_alias_names(paper)).values("summary_id"))
        )
        return self.filter(pk__in=cited)


class Summary(models.Model):
    paper = models.ForeignKey("papers.Paper", on_delete=models.CASCADE, related_name="summaries")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="summaries"
    )
    body = models.TextField()
    body_html = models.TextField(editable=False)
    renderer_version = models.PositiveIntegerField(default=0, editable=False)
    is_private = models.BooleanField(
        "private", default=False, help_text="Only you can see a private summary."
    )
    is_anonymous = models.BooleanField(
        "anonymous", default=False, help_text="Publish without showing your name."
    )
    score = models.IntegerField(default=0, editable=False)
    # The score with a time decay, for the Popular tab; stored (and indexed) so that the
    # tab is an ordinary indexed query. Kept in step by `save()` and `services.vote`.
    hotness = models.FloatField(default=0, editable=False)
    is_hidden = models.BooleanField(
        "hidden", default=False, help_text="Hidden by a moderator: only its author sees it."
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    # When the text last changed after it was first published; None if it never has.
    edited_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = SummaryQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "summaries"
        constraints = [
            models.UniqueConstraint(
                fields=["paper", "author"], name="one_summary_per_user_per_paper"
            ),
        ]
        indexes = [
            models.Index(fields=["is_private", "-created_at"], name="summary_feed_idx"),
            models.Index(fields=["-hotness", "-id"], name="summary_popular_idx"),
            models.Index(fields=["-score", "-created_at"], name="summary_top_idx"),
        ]

    def __str__(self):
        return f"Summary of {self.paper} by {self.author}"

    def save(self, *args, **kwargs):
        keys = cited_keys(self.body)
        for name, value in self.rendered_fields(keys).items():
            setattr(self, name, value)
        if self.created_at is None:
            # auto_now_add has not run yet; hotness needs the creation time now.
            self.created_at = timezone.now()
        self.hotness = hotness(self.score, self.created_at)
        with transaction.atomic():
            super().save(*args, **kwargs)
            self.record_citations(keys)

    def get_absolute_url(self):
        return reverse("summaries:detail", args=[self.pk])

    def rendered_fields(self, keys=None):
        """The stored HTML of the body, as the current renderer makes it."""
        html = render_text(self.body, flavor="summary", keys=keys)
        return {"body_html": html, "renderer_version": RENDERER_VERSION}

    def record_citations(self, keys):
        # The citations are derived from the body like body_html is, so they are kept
        # in step here rather than by each caller that saves a summary. Each key is
        # recorded under all the names it can match (papers.citations.citation_names).
        from papers.citations import citation_names

        wanted = citation_names(keys)
        existing = set(self.citations.values_list("key", flat=True))
        if stale := existing - wanted:
            self.citations.filter(key__in=stale).delete()
        Citation.objects.bulk_create(
            [Citation(summary=self, key=key) for key in sorted(wanted - existing)]
        )

    @property
    def anchor(self):
        """The element id on the paper page, so old links `#username` keep landing here.

        Anonymous summaries get an id derived from the summary alone: stable, and it
        says nothing about who wrote it.
        """
        if self.is_anonymous:
            return f"anonymous-{self.pk}"
        return self.author.username

    @property
    def byline(self):
        return "Anonymous" if self.is_anonymous else self.author.username


# How fast Popular forgets: one vote is worth this many seconds of being newer. Votes
# are few on a site like this one, so a vote counts for a lot: a summary with five more
# votes ranks level with one written ten days later.
SECONDS_PER_VOTE = 2 * 24 * 3600


def hotness(score, created_at):
    """Score with a time decay: the score, plus a term that grows with the creation time.

    Newer summaries rank higher for the same score, and a summary's place never changes
    unless its score does, so the value can be stored and indexed.
    """
    return round(score + created_at.timestamp() / SECONDS_PER_VOTE, 7)


class Vote(models.Model):
    UP, DOWN = 1, -1
    VALUE_CHOICES = [(UP, "Up"), (DOWN, "Down")]

    summary = models.ForeignKey(Summary, on_delete=models.CASCADE, related_name="votes")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="votes"
    )
    value = models.SmallIntegerField(choices=VALUE_CHOICES)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["summary", "user"], name="one_vote_per_user_per_summary"
            ),
            models.CheckConstraint(condition=Q(value__in=[1, -1]), name="vote_value_is_up_or_down"),
        ]

    def __str__(self):
        return f"{self.user} {self.get_value_display().lower()} on {self.summary_id}"


class SummaryRevision(models.Model):
    """An earlier version of a summary's text, kept when the summary is edited.

    The current text lives on the summary; version `number` n is the n-th text the
    summary had, so the current one is number `revisions.count() + 1`.
    """

    summary = models.ForeignKey(Summary, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    body = models.TextField()
    # When this version was published (the summary's creation or an earlier edit).
    written_at = models.DateTimeField()

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["summary", "number"], name="one_revision_per_number"),
        ]

    def __str__(self):
        return f"Version {self.number} of summary {self.summary_id}"


class CommentQuerySet(models.QuerySet):
    def public(self):
        """Comments anyone may read: on public summaries, and not hidden by a moderator.

        Deleted and removed comments stay (as placeholders, so their replies still read
        in context); their text is gone, see `Comment.is_gone`.
        """
        return self.filter(is_hidden=False, summary__is_private=False, summary__is_hidden=False)


class Comment(models.Model):
    summary = models.ForeignKey(Summary, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="comments"
    )
    # One level of nesting: a reply's parent is a top-level comment of the same summary.
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )
    body = models.TextField()
    body_html = models.TextField(editable=False)
    renderer_version = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    edited_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Deleted by its author, or removed by the summary's author or staff (`removed_by`).
    # The row stays, with its text cleared, so that replies keep their place.
    deleted_at = models.DateTimeField(null=True, blank=True, editable=False)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    is_hidden = models.BooleanField(
        "hidden", default=False, help_text="Hidden by a moderator: shown to nobody."
    )

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"Comment by {self.author} on {self.summary_id}"

    def save(self, *args, **kwargs):
        for name, value in self.rendered_fields().items():
            setattr(self, name, value)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return f"{self.summary.get_absolute_url()}#comment-{self.pk}"

    @property
    def is_gone(self):
        return self.deleted_at is not None

    @property
    def shows_text(self):
        """False for a comment kept only as a placeholder: deleted, removed or hidden."""
        return not (self.is_gone or self.is_hidden)

    @property
    def placeholder(self):
        """What is shown in place of the text once it is gone.

        Removal by the summary's author is told apart from removal by staff, but never
        by name: the summary may be anonymous. Reads `summary.author_id`, which the
        prefetch of `SummaryQuerySet.with_comments` fills in without a query.
        """
        removed_by = self.removed_by_id
        if self.is_hidden or (removed_by and removed_by != self.summary.author_id):
            return "[removed by a moderator]"
        if removed_by:
            return "[removed by the summary's author]"
        return "[deleted]"

    def rendered_fields(self):
        html = render_text(self.body, flavor="comment")
        return {"body_html": html, "renderer_version": RENDERER_VERSION}


class Citation(models.Model):
    """A `\\cite{key}` in a summary. The key is kept, lowercased, rather than a paper:
    a summary may cite a paper the catalogue gains only later."""

    summary = models.ForeignKey(Summary, on_delete=models.CASCADE, related_name="citations")
    key = models.CharField(max_length=255, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["summary", "key"], name="one_citation_per_key"),
        ]

    def __str__(self):
        return f"{self.summary_id} cites {self.key}"


class PostKey(models.Model):
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
