"""Keep search documents in step with what they index.

Deleting a paper or a summary needs nothing here: their documents (and those of a
summary's comments) go with them through the foreign keys. A comment deleted by its
author keeps its row (`deleted_at`) and is saved, so `index_comment` drops its document;
moderation hides and restores with `update()` and calls the index itself.
"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from papers.models import Paper
from summaries.models import Comment, Summary

from . import services


@receiver(post_save, sender=Paper, dispatch_uid="search.index_paper")
def index_paper(sender, instance, raw=False, **kwargs):
    # Fixtures (raw saves) are followed by a `reindex` instead.
    if not raw:
        services.index_paper(instance)


@receiver(post_save, sender=Summary, dispatch_uid="search.index_summary")
def index_summary(sender, instance, raw=False, **kwargs):
    if not raw:
        services.index_summary(instance)


@receiver(post_save, sender=Comment, dispatch_uid="search.index_comment")
def index_comment(sender, instance, raw=False, **kwargs):
    if not raw:
        services.index_comment(instance)


@receiver(post_delete, sender=Comment, dispatch_uid="search.forget_comment")
def forget_comment(sender, instance, **kwargs):
    services.forget_comment(instance.pk)
