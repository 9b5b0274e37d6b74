from django.conf import settings
from django.db import models, transaction
from django.db.models import Count, Prefetch, Q
from django.urls import reverse

from markup.render import RENDERER_VERSION, cited_keys
from papers.citations import render_text


class SummaryQuerySet(models.QuerySet):
    def public(self):
        return self.filter(is_private=False)

    def visible_to(self, user):
        """Public summaries, plus the user's own private ones."""
        if user.is_authenticated:
            return self.filter(Q(is_private=False) | Q(author=user))
        return self.public()

    def for_listing(self):
        """Everything a summary card prints, in a fixed number of queries."""
        return self.select_related("paper", "author").annotate(
            comment_count=Count("comments", distinct=True)
        )

    def with_comments(self):
        comments = Comment.objects.select_related("author").order_by("created_at", "pk")
        return self.prefetch_related(Prefetch("comments", queryset=comments))

    def best_first(self):
        return self.order_by("-score", "-created_at", "-pk")

    def newest_first(self):
        return self.order_by("-created_at", "-pk")

    def citing(self, paper):
        return self.filter(citations__key=paper.bibtex_key.lower())


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
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

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
        ]

    def __str__(self):
        return f"Summary of {self.paper} by {self.author}"

    def save(self, *args, **kwargs):
        keys = cited_keys(self.body)
        for name, value in self.rendered_fields(keys).items():
            setattr(self, name, value)
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
        # in step here rather than by each caller that saves a summary.
        wanted = {key.lower() for key in keys}
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


class Comment(models.Model):
    summary = models.ForeignKey(Summary, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="comments"
    )
    body = models.TextField()
    body_html = models.TextField(editable=False)
    renderer_version = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

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
