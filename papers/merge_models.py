"""The log of paper merges (papers.merging): who merged which page into which, and what
was moved or deleted, in enough detail to undo it."""

from django.conf import settings
from django.db import models


class PaperMergeQuerySet(models.QuerySet):
    def newest_first(self):
        return self.order_by("-created_at", "-pk")


class PaperMerge(models.Model):
    """One merge of paper `merged_key` into paper `kept_key`.

    `record` holds what undoing needs (papers.merging): the deleted paper's row as
    Django serializes it, the ids of the rows moved to the kept paper, and the rows
    deleted along the way (a summary folded into another, duplicate votes, drafts,
    claims), serialized the same way. The keys are kept as text too, so the log still
    reads after either paper is renamed or gone.
    """

    # Ids rather than foreign keys: the kept paper may be merged into a third one and
    # come back, under the same id, when that merge is undone; this log stays with it.
    kept_paper_id = models.BigIntegerField()
    merged_paper_id = models.BigIntegerField()
    kept_key = models.CharField(max_length=255)
    merged_key = models.CharField(max_length=255)
    merged_title = models.CharField(max_length=500)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    record = models.JSONField(default=dict)
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = PaperMergeQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["-created_at", "-id"], name="paper_merge_recent_idx")]

    def __str__(self):
        return f"{self.merged_key} into {self.kept_key}"

    @property
    def is_undone(self):
        return self.undone_at is not None
