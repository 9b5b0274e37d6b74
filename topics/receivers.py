"""A paper's topics move with it when it is merged into another (papers.merging), and
back when the merge is undone (papers.merge_undo)."""

from django.dispatch import receiver

from papers.signals import paper_merging, paper_unmerged

from .models import Topic

PaperTopic = Topic.papers.through


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
