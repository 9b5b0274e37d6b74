"""A paper's topics move with it when it is merged into another (papers.merging), and
back when the merge is undone (papers.merge_undo); cached pages follow any change of
the topics a paper or summary carries."""

from django.db.models.signals import m2m_changed
from django.dispatch import receiver

from papers.models import Paper
from papers.signals import paper_merging, paper_unmerged
from shortscience import fragments
from summaries.models import Summary

from .models import Topic

PaperTopic = Topic.papers.through
SummaryTopic = Topic.summaries.through


@receiver(paper_merging, dispatch_uid="topics.merge_topics")
def move_topics(sender, kept, merged, **kwargs):
    """The kept paper takes the merged paper's topics it lacks. Returns what the undo
    needs: the merged paper's topics, and those the kept paper took."""
    rows = list(
        PaperTopic.objects.filter(paper__in=[kept, merged]).values_list("paper_id", "topic_id")
    )
    theirs = {topic for paper, topic in rows if paper == merged.pk}
    taken = sorted(theirs - {topic for paper, topic in rows if paper == kept.pk})
    if taken:
        PaperTopic.objects.bulk_create([PaperTopic(paper_id=kept.pk, topic_id=pk) for pk in taken])
    return {"topics": sorted(theirs), "topics_taken": taken}


@receiver(paper_unmerged, dispatch_uid="topics.unmerge_topics")
def restore_topics(sender, kept, merged, record, **kwargs):
    PaperTopic.objects.filter(paper=kept, topic_id__in=record.get("topics_taken", ())).delete()
    still = Topic.objects.filter(pk__in=record.get("topics", ())).values_list("pk", flat=True)
    PaperTopic.objects.bulk_create(
        [PaperTopic(paper_id=merged.pk, topic_id=pk) for pk in still], ignore_conflicts=True
    )


@receiver(m2m_changed, sender=PaperTopic, dispatch_uid="topics.fragments_paper_topics")
@receiver(m2m_changed, sender=SummaryTopic, dispatch_uid="topics.fragments_summary_topics")
def topics_changed(sender, instance, action, pk_set, **kwargs):
    """Cards and paper pages print the topics, and topic pages are listings: the pages
    of the papers concerned, and the listings, go stale. From a paper or summary (its
    `topics`), which is how the site adds them, that paper's; from a topic (the admin),
    every paper's of those linked or, after a clear, the listings alone."""
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if isinstance(instance, Paper):
        papers = {instance.pk}
    elif isinstance(instance, Summary):
        papers = {instance.paper_id}
    elif sender is PaperTopic:
        papers = set(pk_set or ())
    else:
        summaries = Summary.objects.filter(pk__in=pk_set or ())
        papers = set(summaries.values_list("paper_id", flat=True)) if pk_set else set()
    fragments.invalidate(fragments.LISTINGS, *(fragments.paper_scope(pk) for pk in papers))
