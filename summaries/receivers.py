from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from papers.models import Paper
from shortscience import fragments

from .models import Comment, Summary


@receiver(post_save, sender=Paper, dispatch_uid="summaries.rerender_citing")
def rerender_citing_summaries(sender, instance, created, **kwargs):
    """A new paper turns `\\cite{its key}` in earlier summaries from unknown to a real link."""
    if not created:
        return
    for summary in Summary.objects.citing(instance).select_related(None):
        Summary.objects.filter(pk=summary.pk).update(**summary.rendered_fields())
        fragments.touch(fragments.paper_scope(summary.paper_id), fragments.FEED)


# Cached fragments of the homepage and of paper pages follow every write that shows
# there. Votes and hidden content are written with update(), which sends no signal:
# summaries.services.vote and moderation.services touch their scopes themselves.
# Comments are only ever deleted along with their summary (a comment taken back keeps
# its row), so post_save covers them; a post_delete receiver would also cost the fast
# cascade when a summary with many comments is deleted.


@receiver([post_save, post_delete], sender=Paper, dispatch_uid="summaries.fragments_paper")
def paper_changed(sender, instance, **kwargs):
    fragments.touch(fragments.paper_scope(instance.pk), fragments.FEED)


@receiver([post_save, post_delete], sender=Summary, dispatch_uid="summaries.fragments_summary")
def summary_changed(sender, instance, **kwargs):
    fragments.touch(fragments.paper_scope(instance.paper_id), fragments.FEED)


@receiver(post_save, sender=Comment, dispatch_uid="summaries.fragments_comment")
def comment_changed(sender, instance, **kwargs):
    fragments.touch(fragments.paper_scope(instance.summary.paper_id), fragments.FEED)
