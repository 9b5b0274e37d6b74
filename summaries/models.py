from django.conf import settings
from django.db import models
from django.db.models import Count, Prefetch, Q
from django.urls import reverse

from markup.render import RENDERER_VERSION, render


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
        self.body_html = render(self.body, flavor="summary")
        self.renderer_version = RENDERER_VERSION
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("summaries:detail", args=[self.pk])

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
        self.body_html = render(self.body, flavor="comment")
        self.renderer_version = RENDERER_VERSION
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return f"{self.summary.get_absolute_url()}#comment-{self.pk}"
