"""Drafts: the text of a summary being written, kept on the server as it is typed.

The write page saves its text here every few seconds while it changes (static/js/
drafts.js) and when the author presses Preview, so that a closed tab, a crashed browser
or another computer loses nothing: the write form starts from the draft when it is newer
than the published text. Publishing deletes it. One draft per author and paper, as
there is one summary per author and paper.

A draft is the author's alone: it shows on their own profile and in their data export,
never in feeds, search or the sitemap, and goes with their account. (Text kept in the
session across a login is another thing: see summaries.stash.)
"""

from django.conf import settings
from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone


class DraftQuerySet(models.QuerySet):
    def save_text(self, author, paper, body):
        """Keep `body` as the author's draft of a summary of `paper`; an empty text
        deletes the draft, as there is nothing left to come back to."""
        if not body.strip():
            self.discard(author, paper)
            return None
        draft, _ = self.update_or_create(
            author=author, paper=paper, defaults={"body": body, "saved_at": timezone.now()}
        )
        return draft

    def discard(self, author, paper):
        self.filter(author=author, paper=paper).delete()

    def to_resume(self, author, paper, summary):
        """The draft the write form should start from: one written after the summary's
        text last changed (or with no summary yet). A draft that holds the published
        text (an autosave that landed after publishing) is deleted instead."""
        draft = self.filter(author=author, paper=paper).first()
        if draft is None or summary is None:
            return draft
        if draft.body == summary.body:
            draft.delete()
            return None
        published_at = summary.edited_at or summary.created_at
        return draft if draft.saved_at > published_at else None


class Draft(models.Model):
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="drafts"
    )
    paper = models.ForeignKey("papers.Paper", on_delete=models.CASCADE, related_name="+")
    body = models.TextField()
    saved_at = models.DateTimeField(default=timezone.now)

    objects = DraftQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["author", "paper"], name="one_draft_per_author_per_paper"
            ),
            # The endpoint refuses longer texts; this binds every other writer too.
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("body"), settings.SUMMARY_MAX_LENGTH),
                name="draft_body_max_length",
            ),
        ]
        # The owner's list on their profile, newest first.
        indexes = [models.Index(fields=["author", "-saved_at"], name="draft_author_recent_idx")]

    def __str__(self):
        return f"{self.author_id}: {self.paper_id}"
