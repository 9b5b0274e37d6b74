from django.db.models import F
from django.db.models.signals import post_delete, post_save, pre_delete
from django.dispatch import receiver

from accounts import counts
from papers.models import Paper, PaperAlias
from papers.rendering import paper_citation_names
from papers.signals import (
    names_added,
    paper_merging,
    paper_unmerged,
    papers_imported,
    venues_renamed,
)
from shortscience import fragments
from shortscience.dbfunctions import among

from . import tasks
from .models import Citation, Comment, Summary

# What a citation and a summary's references show of a paper (markup.citations).
CITED_FIELDS = frozenset({"bibtex_key", "title", "authors", "year", "venue"})


@receiver(post_save, sender=Paper, dispatch_uid="summaries.rerender_citing")
@receiver(post_save, sender=PaperAlias, dispatch_uid="summaries.rerender_citing_alias")
@receiver(names_added, dispatch_uid="summaries.rerender_citing_names")
def rerender_citing_summaries(
    sender, instance=None, created=True, papers=(), aliases=(), update_fields=None, **kwargs
):
    """A new paper, or a paper's new alias, turns `\\cite{that name}` in earlier summaries
    from unknown into a link to the paper; an edit of what citations show of a paper
    (title, authors, year, venue) shows in the summaries that cite it.

    Citations are recorded under every name they can match (papers.rendering), so one
    indexed lookup of the new names finds them, whichever spelling the summary used.
    A paper saved whole (the admin) may have changed any field: its citing summaries
    are re-rendered, which is one indexed lookup when nothing cites it. The rendering
    itself is a background task (`summaries.tasks.rerender_summaries`).
    """
    edited = (
        isinstance(instance, Paper)
        and not created
        and (update_fields is None or not CITED_FIELDS.isdisjoint(update_fields))
    )
    if not created and not edited:
        return
    if isinstance(instance, Paper):
        papers = [instance]
    elif isinstance(instance, PaperAlias):
        aliases = [instance]
    names = {name for paper in papers for name in paper_citation_names(paper)}
    names.update(alias.key.lower() for alias in aliases)
    if not names:
        return
    # An import announces a batch of papers at once, thousands of names: one lookup of
    # them all, passed as one array on PostgreSQL (`among`).
    cited = Citation.objects.filter(among(Citation.objects.db, F("key"), names))
    citing = set(cited.values_list("summary_id", flat=True))
    # Rendering is the slow part (KaTeX, the citations' lookups): it runs in the
    # background, in bounded batches, once this write has committed.
    tasks.rerender_later(citing)


# Cached fragments of the homepage and of paper pages follow every write that shows
# there: a save() of a paper, summary or comment (hiding one included), and the writes
# papers announces (imports, merges, renamed venues). The few writes that must stay by
# hand are listed in shortscience.fragments. Comments are only ever deleted along with
# their summary (a comment taken back keeps its row), so post_save covers them; a
# post_delete receiver would also cost the fast cascade when a summary with many
# comments is deleted.


@receiver([post_save, post_delete], sender=Paper, dispatch_uid="summaries.fragments_paper")
def paper_changed(sender, instance, **kwargs):
    fragments.invalidate(fragments.paper_scope(instance.pk), fragments.LISTINGS)


@receiver([post_save, post_delete], sender=Summary, dispatch_uid="summaries.fragments_summary")
def summary_changed(sender, instance, **kwargs):
    fragments.invalidate(fragments.paper_scope(instance.paper_id), fragments.LISTINGS)


@receiver(post_save, sender=Comment, dispatch_uid="summaries.fragments_comment")
def comment_changed(sender, instance, **kwargs):
    fragments.invalidate(fragments.paper_scope(instance.summary.paper_id), fragments.LISTINGS)


@receiver(papers_imported, dispatch_uid="summaries.fragments_imported")
def papers_imported_changed(sender, created=(), updated=(), **kwargs):
    # New papers are listed on their venue's pages (LISTINGS); changed ones on theirs.
    scopes = (fragments.paper_scope(paper.pk) for paper, _ in updated)
    fragments.invalidate(fragments.LISTINGS, *scopes)


@receiver(venues_renamed, dispatch_uid="summaries.fragments_venues")
def venues_changed(sender, changes, **kwargs):
    # Venue lists and pages are cached under LISTINGS; cards and paper pages are keyed
    # by what they print, the venue included.
    if changes:
        fragments.invalidate(fragments.LISTINGS)


@receiver(paper_merging, dispatch_uid="summaries.fragments_merging")
@receiver(paper_unmerged, dispatch_uid="summaries.fragments_unmerged")
def papers_merged(sender, kept, merged, **kwargs):
    # Summaries, comments and votes moved between the two pages with update().
    fragments.invalidate(
        fragments.paper_scope(kept.pk), fragments.paper_scope(merged.pk), fragments.LISTINGS
    )


# The counts on profiles (accounts.counts): a summary's own author's, and its
# commenters', whose comments show on their profiles only while it is public.


@receiver(post_save, sender=Summary, dispatch_uid="summaries.counts_summary_saved")
def recount_summary_people(sender, instance, created, **kwargs):
    people = {instance.author_id}
    # A new summary has no comments yet; an edit that leaves it as public or private
    # as it was changes no commenter's count, however many there are.
    if not created and getattr(instance, "loaded_visibility", None) != instance.visibility():
        people |= counts.commenters(instance.pk)
    counts.recount(people)
    instance.loaded_visibility = instance.visibility()


@receiver(pre_delete, sender=Summary, dispatch_uid="summaries.counts_summary_deleting")
def note_commenters(sender, instance, **kwargs):
    # Its comments are gone by post_delete.
    instance._commenters = counts.commenters(instance.pk)


@receiver(post_delete, sender=Summary, dispatch_uid="summaries.counts_summary_deleted")
def recount_after_deletion(sender, instance, **kwargs):
    counts.recount({instance.author_id, *getattr(instance, "_commenters", ())})


@receiver(post_save, sender=Comment, dispatch_uid="summaries.counts_comment")
def recount_commenter(sender, instance, **kwargs):
    counts.recount({instance.author_id})
