from django.db.models.signals import post_save
from django.dispatch import receiver

from papers.models import Paper

from .models import Summary


@receiver(post_save, sender=Paper, dispatch_uid="summaries.rerender_citing")
def rerender_citing_summaries(sender, instance, created, **kwargs):
    """A new paper turns `\\cite{its key}` in earlier summaries from unknown to a real link."""
    if not created:
        return
    for summary in Summary.objects.citing(instance).select_related(None):
        Summary.objects.filter(pk=summary.pk).update(**summary.rendered_fields())
