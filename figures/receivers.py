from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from .models import Figure


@receiver(post_delete, sender=Figure, dispatch_uid="figures.delete_file")
def delete_file(sender, instance, **kwargs):
    """A deleted row takes its file with it (an account's deletion, the admin), once
    the deletion is committed: a rolled-back one keeps both. Files are never shared
    between rows (figures.services.file_name), so no other row can need it."""
    path = instance.path
    transaction.on_commit(lambda: default_storage.delete(path))
