"""Keep search documents in step with what they index.

Every write of a paper, summary or comment reaches the index through here: a save()
(post_save), and the writes papers makes without one, which it announces with its
signals (an import, a merge and its undo, renamed venues). No caller indexes by hand.

Deleting a paper or a summary needs nothing here: their documents (and those of a
summary's comments) go with them through the foreign keys. A comment deleted by its
author keeps its row (`deleted_at`) and is saved, so `index_comment` drops its document;
moderation hides and restores with `save(update_fields=["is_hidden"])`, which renders
nothing (shortscience.rendered) and is indexed here like any other save.
"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from papers.merging import switch
from papers.models import Paper
from papers.signals import (
    paper_merging,
    paper_unmerged,
    papers_imported,
    summaries_folding,
    venues_renamed,
)
from summaries.models import Comment, Summary

from . import services
from .models import Document

# What each kind of document is made from (search.services): a save that names none of
# these in its update_fields (a score, a log-in's timestamp) leaves the index as it is.
PAPER_FIELDS = frozenset({"title", "authors", "abstract", "abstract_html", "venue", "year"})
SUMMARY_FIELDS = frozenset({"body", "body_html", "is_private", "is_hidden", "paper"})
COMMENT_FIELDS = frozenset({"body", "body_html", "is_hidden", "deleted_at", "summary"})


def _indexed(fields, update_fields):
    return update_fields is None or not fields.isdisjoint(update_fields)


@receiver(post_save, sender=Paper, dispatch_uid="search.index_paper")
def index_paper(sender, instance, raw=False, update_fields=None, **kwargs):
    # Fixtures (raw saves) are followed by a `reindex` instead.
    if not raw and _indexed(PAPER_FIELDS, update_fields):
        services.index_paper(instance)


@receiver(post_save, sender=Summary, dispatch_uid="search.index_summary")
def index_summary(sender, instance, raw=False, update_fields=None, **kwargs):
    if not raw and _indexed(SUMMARY_FIELDS, update_fields):
        services.index_summary(instance)


@receiver(post_save, sender=Comment, dispatch_uid="search.index_comment")
def index_comment(sender, instance, raw=False, update_fields=None, **kwargs):
    if not raw and _indexed(COMMENT_FIELDS, update_fields):
        services.index_comment(instance)


@receiver(post_delete, sender=Comment, dispatch_uid="search.forget_comment")
def forget_comment(sender, instance, **kwargs):
    services.forget_comment(instance.pk)


@receiver(papers_imported, dispatch_uid="search.index_imported")
def index_imported(sender, created=(), updated=(), reindex=True, **kwargs):
    if reindex:
        services.index_imported(created, updated)


@receiver(venues_renamed, dispatch_uid="search.rename_venues")
def rename_venues(sender, changes, **kwargs):
    # Every document carries its paper's venue, for the filter: one UPDATE a spelling.
    for old, new in changes.items():
        Document.objects.filter(venue=old).update(venue=new)


@receiver(paper_merging, dispatch_uid="search.merge_documents")
def merge_documents(sender, kept, merged, **kwargs):
    """The merged paper's summaries and comments are found under the kept paper, with
    its venue and year; the merged paper's own document goes with it."""
    Document.objects.filter(paper=merged).exclude(kind=Document.Kind.PAPER).update(
        paper=kept, venue=kept.venue, year=kept.year
    )


@receiver(summaries_folding, dispatch_uid="search.fold_documents")
def fold_documents(sender, into, **kwargs):
    # The comments' documents move with them, before the folded summary's deletion
    # takes every document that names it.
    Document.objects.filter(kind=Document.Kind.COMMENT, summary_id__in=into).update(
        summary=switch("summary_id", into)
    )


@receiver(paper_unmerged, dispatch_uid="search.unmerge_documents")
def unmerge_documents(sender, kept, merged, unfolded=(), **kwargs):
    """The restored paper is indexed again, and its summaries' documents (and their
    comments') name it; folded summaries made again get theirs back, with the comments
    that went back to them."""
    back = Summary.objects.filter(paper=merged).values("pk")
    Document.objects.filter(summary_id__in=back).update(paper=merged)
    # Its own document, and its venue and year on the documents that now name it.
    services.index_paper(merged)
    for summary in Summary.objects.filter(pk__in=unfolded).select_related("paper"):
        services.index_summary(summary)
