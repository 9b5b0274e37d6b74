import functools

from django.conf import settings
from django.db import models, transaction
from django.db.models import (
    Case,
    F,
    Q,
    Value,
    When,
)
from django.urls import get_resolver, get_script_prefix, get_urlconf, reverse
from django.utils import timezone

from markup.render import RENDERER_VERSION, cited_keys
from papers.rendering import render_text
from shortscience.dbfunctions import OctetLength
from shortscience.rendered import RenderedText

from .comment_querysets import CommentQuerySet, unlisted_author_fields
from .excerpts import COMMENT, render_excerpt
from .ranking import hotness

# The columns of a summary's text, which a list of summaries never needs all of: the
# body alone can be 100 KB, its HTML several times that.
TEXT_FIELDS = ("body", "body_html", "excerpt_html")

# What anyone may read: not private, not hidden by a moderator.
PUBLIC = Q(is_private=False, is_hidden=False)


# The joined paper's texts that no card prints; of the author, a card prints the byline
# alone (User.BYLINE_FIELDS).
CARD_DEFERRED = ("paper__abstract", "paper__abstract_html")


class SummaryQuerySet(models.QuerySet):
    def public(self):
        """What anyone may read: not private, not hidden by a moderator."""
        return self.filter(PUBLIC)

    def signed(self):
        """Public summaries that name their author: what may be listed under a person
        (their profile, their feed, the sitemap of profiles), where an anonymous one
        would be signed."""
        return self.public().filter(is_anonymous=False)

    def on_profile(self, person):
        """What the person's profile lists and counts (User.public_summary_count): their
        signed summaries. `person` may be an OuterRef, for a count per user in one query."""
        return self.signed().filter(author=person)

    def visible_to(self, user):
        """Public summaries, plus the user's own, private or hidden."""
        if user.is_authenticated:
            return self.filter(Q(is_private=False, is_hidden=False) | Q(author_id=user.pk))
        return self.public()

    def on_paper_page(self, user):
        """As a paper's page lists its summaries to `user`: those the user sees, best
        first, the user's own before all others."""
        return self.visible_to(user).best_first().own_first(user)

    def for_listing(self, whole_up_to=0, known=()):
        """Everything a summary card prints, in one query: the paper, the author and the
        text as `with_shown_text(whole_up_to)` says.

        Neither the body nor its HTML is loaded, nor the paper's abstract (CARD_DEFERRED),
        so a long summary costs a list no more than a short one; of the author, only
        the byline (User.BYLINE_FIELDS). Summaries read through their paper's or
        author's related manager (`paper.summaries`, `person.summaries`) are each
        given that object by Django: it is not joined again, which saves the ORM
        building and compiling the join (about 0.4 ms on a paper's page) and the rows a
        copy of it each. `known` names others the caller gives each summary itself
        (summaries.listing gives a paper's page its paper).
        """
        known = {field.name for field in self._known_related_objects} | set(known)
        joined = [name for name in ("paper", "author") if name not in known]
        deferred = [name for name in CARD_DEFERRED if name.partition("__")[0] in joined]
        if "author" in joined:
            deferred += unlisted_author_fields()
        return self.select_related(*joined).with_shown_text(whole_up_to).defer(*deferred)

    def with_paper_and_author(self):
        """The paper and author joined (`comment_count` is a column of its own)."""
        return self.select_related("paper", "author")

    def with_shown_text(self, whole_up_to=0):
        """Annotate `shown_html`, the HTML a list prints for each summary, and `is_cut`,
        True when that is its excerpt rather than the whole text; load neither the body
        nor the HTML that is not shown.

        The whole text is shown when it fits a card (`excerpt_html` is empty, see
        `Summary.excerpt_html`) or when its HTML is at most `whole_up_to` bytes;
        None shows every text whole.
        """
        queryset = self.defer(*TEXT_FIELDS)
        if whole_up_to is None:
            return queryset.annotate(shown_html=F("body_html"), is_cut=Value(False))
        whole = Q(excerpt_html="")
        if whole_up_to:
            queryset = queryset.alias(html_length=OctetLength("body_html"))
            whole |= Q(html_length__lte=whole_up_to)
        return queryset.annotate(
            shown_html=Case(When(whole, then=F("body_html")), default=F("excerpt_html")),
            is_cut=Case(When(whole, then=Value(False)), default=Value(True)),
        )

    def with_user_vote(self, user):
        """Annotate `user_vote`: the user's vote on each summary (Vote.UP, Vote.DOWN or None).

        A subquery in the same SELECT, so a page of summaries learns all of the viewer's
        votes without a query per summary. `user` may also be the id of a user, or a
        Param for one (shortscience.prepared).
        """
        if getattr(user, "is_authenticated", True) is False:
            return self.annotate(user_vote=models.Value(None, output_field=models.IntegerField()))
        user_id = getattr(user, "pk", user)
        votes = Vote.objects.filter(summary=models.OuterRef("pk"), user_id=user_id).values("value")
        return self.annotate(user_vote=models.Subquery(votes[:1]))

    # The listing orders. Each ends with the primary key, so that no two summaries tie,
    # and sorts every key the same way: the homepage tabs and profiles page through them
    # by keyset (shortscience.pagination.keyset_page), and each has an index in that
    # order (Meta.indexes), so any page is a short index scan.

    def best_first(self):
        return self.order_by("-score", "-created_at", "-pk")

    def own_first(self, user):
        """The user's own summary before the rest, which keep their order: a paper's
        page that runs to several pages still opens on the reader's summary."""
        if not user.is_authenticated:
            return self
        own = Case(When(author_id=user.pk, then=Value(0)), default=Value(1))
        return self.order_by(own, *self.query.order_by)

    def newest_first(self):
        return self.order_by("-created_at", "-pk")

    def popular_first(self):
        return self.order_by("-hotness", "-pk")

    def citing(self, paper):
        """Summaries that cite `paper` under any of its names (Citation.objects.citing)."""
        return self.filter(pk__in=Citation.objects.citing(paper))


class Summary(RenderedText, models.Model):
    # body_html and excerpt_html, rendered by save() when the body changes.
    RENDERED_FROM = ("body",)

    paper = models.ForeignKey("papers.Paper", on_delete=models.CASCADE, related_name="summaries")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="summaries"
    )
    body = models.TextField()
    body_html = models.TextField(editable=False)
    # The HTML of the text's excerpt (summaries.excerpts), which cards print: empty when
    # the card prints `body_html`, because the whole text is as light as an excerpt
    # (or because the row predates excerpts: `rerender` makes them). The database
    # default lets rows be written in bulk without it.
    excerpt_html = models.TextField(editable=False, blank=True, default="", db_default="")
    renderer_version = models.PositiveIntegerField(default=0, editable=False)
    is_private = models.BooleanField(
        "private", default=False, help_text="Only you can see a private summary."
    )
    is_anonymous = models.BooleanField(
        "anonymous", default=False, help_text="Publish without showing your name."
    )
    score = models.IntegerField(default=0, editable=False)
    # The comments anyone sees under it (neither deleted nor hidden): kept by triggers
    # on the comments table (migration 0012), never written by `save()`.
    comment_count = models.PositiveIntegerField(
        default=0,
        db_default=0,
        editable=False,
        help_text="The comments anyone sees (neither deleted nor hidden), kept by triggers "
        "on the comments table.",
    )
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
        # The homepage tabs' orders, over public summaries only (the condition of
        # `public()`, which PostgreSQL needs in a query to use them): a page of any tab,
        # first or deepest, is a scan of its rows in the index. The last key, the primary
        # key, is in each so that the keyset condition `(keys) < (cursor)` is one range.
        # A profile reads one author's summaries newest first, private ones included for
        # their owner.
        indexes = [
            models.Index(
                fields=["-created_at", "-id"], name="summary_recent_idx", condition=PUBLIC
            ),
            models.Index(fields=["-hotness", "-id"], name="summary_popular_idx", condition=PUBLIC),
            models.Index(
                fields=["-score", "-created_at", "-id"], name="summary_top_idx", condition=PUBLIC
            ),
            models.Index(fields=["author", "-created_at", "-id"], name="summary_author_recent_idx"),
        ]

    def __str__(self):
        return f"Summary of {self.paper} by {self.author}"

    def save(self, *args, **kwargs):
        if self.created_at is None:
            # auto_now_add has not run yet; hotness needs the creation time now.
            self.created_at = timezone.now()
        self.hotness = hotness(self.score, self.created_at)
        update_fields = self.render_for_save(kwargs.get("update_fields"))
        if not self._state.adding and update_fields is None:
            # The database keeps `comment_count`: written back from this instance, it
            # would undo the comments posted since it was loaded.
            update_fields = _ALL_BUT_COMMENT_COUNT
        if update_fields is not None:
            kwargs["update_fields"] = update_fields
        if "body" not in self.rendered_now:
            super().save(*args, **kwargs)
        else:
            with transaction.atomic():
                super().save(*args, **kwargs)
                self.record_citations(self._cited_keys)
        self.note_saved()

    def get_absolute_url(self):
        return reverse("summaries:detail", args=[self.pk])

    # What decides whether the comments under a summary count on their authors'
    # profiles (accounts.counts): remembered as loaded, so that a save which changes
    # neither (an edit of the text) recounts its author alone, not every commenter.
    VISIBILITY_FIELDS = ("is_private", "is_hidden")

    @classmethod
    def from_db(cls, db, field_names, values):
        summary = super().from_db(db, field_names, values)
        summary.loaded_visibility = summary.visibility()
        return summary

    def visibility(self):
        """The VISIBILITY_FIELDS as loaded or set, None for one not loaded."""
        return tuple(self.__dict__.get(name) for name in self.VISIBILITY_FIELDS)

    def render_sources(self, sources):
        # The cited keys, read once for the HTML and for the citations recorded with it.
        self._cited_keys = cited_keys(self.body)
        return self.rendered_fields(self._cited_keys)

    def rendered_fields(self, keys=None):
        """The stored HTML of the body and of its excerpt, as the current renderer
        makes them."""
        if keys is None:
            keys = cited_keys(self.body)
        html = render_text(self.body, flavor="summary", keys=keys)
        return {
            "body_html": html,
            "excerpt_html": render_excerpt(self.body, html, keys),
            "renderer_version": RENDERER_VERSION,
        }

    def record_citations(self, keys):
        # The citations are derived from the body like body_html is, so they are kept
        # in step here rather than by each caller that saves a summary. Each key is
        # recorded under all the names it can match (papers.rendering.citation_names).
        from papers.rendering import citation_names

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

    @property
    def comments_left_out(self):
        """How many of its comments a list bounded by `discussion.attach_heads` does
        not show: `comment_count` counts the comments anyone sees, which `discussion`
        holds all of unless it was cut short (placeholders are in neither)."""
        return self.comment_count - sum(1 for comment in self.discussion if comment.shows_text)


# What `Summary.save()` writes of a stored summary: every field but `comment_count`,
# which the database keeps.
_ALL_BUT_COMMENT_COUNT = tuple(
    field.name
    for field in Summary._meta.concrete_fields
    if not field.primary_key and field.name != "comment_count"
)


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


class Comment(RenderedText, models.Model):
    # body_html and excerpt_html, rendered by save() when the body changes.
    RENDERED_FROM = ("body",)

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
    # The HTML of the comment's excerpt (summaries.excerpts.COMMENT), which lists of
    # comments print: empty when they print `body_html`, because the whole comment is
    # as light as an excerpt (or because the row predates excerpts: `rerender` makes
    # them). The database default lets rows be written in bulk without it.
    excerpt_html = models.TextField(editable=False, blank=True, default="", db_default="")
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
        indexes = [
            # A profile's recent comments, newest first. Without it PostgreSQL walked
            # the index on every comment's date and filtered by author: the fewer
            # comments a person wrote, the more of the whole table it read.
            models.Index(fields=["author", "-created_at", "-id"], name="comment_author_recent_idx"),
        ]

    def __str__(self):
        return f"Comment by {self.author} on {self.summary_id}"

    def save(self, *args, **kwargs):
        kwargs["update_fields"] = self.render_for_save(kwargs.get("update_fields"))
        super().save(*args, **kwargs)
        self.note_saved()

    def get_absolute_url(self):
        """The comment in context: the page of its summary's discussion that holds it,
        shown whole (see summaries.discussion). Built from the ids alone, without a
        query, and right for as long as the comment is shown, wherever later comments
        move it; a bare `#comment-<id>` from older links finds its page by script."""
        return comment_url(self.summary_id, self.pk)

    def may_be_removed_by(self, user):
        """Whether `user` may remove the comment, a moderator's act (its author deletes
        it instead): staff, and the author of the summary it is under. Reads
        `summary.author_id`, which the comment's lists fill in without a query."""
        return user.is_authenticated and (user.is_staff or self.summary.author_id == user.id)

    @property
    def is_gone(self):
        return self.deleted_at is not None

    @property
    def shows_text(self):
        """False for a comment kept only as a placeholder: deleted, removed or hidden."""
        return not (self.is_gone or self.is_hidden)

    @property
    def author_is_withheld(self):
        """True when the comment's author wrote the anonymous summary it is under:
        naming them would sign the summary, so every page that shows the comment calls
        them "the summary's author" and links to no profile. Reads `summary`, which
        lists of comments fill in without a query (see `placeholder`)."""
        summary = self.summary
        return summary.is_anonymous and self.author_id == summary.author_id

    @property
    def placeholder(self):
        """What is shown in place of the text once it is gone.

        Removal by the summary's author is told apart from removal by staff, but never
        by name: the summary may be anonymous. Reads `summary.author_id`, which
        summaries.discussion (attach_heads, discussion_page) fills in without a query.
        """
        removed_by = self.removed_by_id
        if self.is_hidden or (removed_by and removed_by != self.summary.author_id):
            return "[removed by a moderator]"
        if removed_by:
            return "[removed by the summary's author]"
        return "[deleted]"

    def rendered_fields(self):
        """The stored HTML of the body and of its excerpt, as the current renderer
        makes them."""
        keys = cited_keys(self.body)
        html = render_text(self.body, flavor="comment", keys=keys)
        return {
            "body_html": html,
            "excerpt_html": render_excerpt(self.body, html, keys, COMMENT),
            "renderer_version": RENDERER_VERSION,
        }


def comment_url(summary_id, comment_id):
    """The address of a comment in context (see `Comment.get_absolute_url`), from the
    ids alone, for lists that hold the ids and not the comment."""
    if type(summary_id) is int and summary_id >= 0:
        before, after = _summary_path_around_id(get_script_prefix(), get_resolver(get_urlconf()))
        path = f"{before}{summary_id}{after}"
    else:  # What reverse() makes of anything else: a string of digits, or an error.
        path = reverse("summaries:detail", args=[summary_id])
    return f"{path}?comment={comment_id}#comment-{comment_id}"


_STAND_IN_ID = 918273645546372819


@functools.lru_cache(maxsize=16)
def _summary_path_around_id(script_prefix, resolver):
    """A summary's path either side of its id: 5 µs a link where reverse() took 20. Kept
    per script prefix and resolver (one per URLconf, renewed by clear_url_caches); ids
    print as digits, which quoting keeps, and no path varies with the language."""
    path = reverse("summaries:detail", args=[_STAND_IN_ID])
    before, _, after = path.rpartition(str(_STAND_IN_ID))
    return before, after


# Each in its own module, so that this one stays readable; imported here so Django
# finds them (and Summary's methods find Citation).
from .citation_models import Citation  # noqa: E402, F401
from .draft_models import Draft  # noqa: E402, F401
from .idempotency_models import IdempotencyKey  # noqa: E402, F401
from .notification_models import SentNotification  # noqa: E402, F401
