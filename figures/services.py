"""Storing figures: the quota, the file and its row, in one transaction.

The quota (FIGURE_QUOTA_BYTES and FIGURE_QUOTA_COUNT per person) is checked with one
aggregate over the owner's rows (the index figure_owner_bytes), with the owner's user
row locked, so that two uploads at once cannot both pass the check on the same
remaining room. The file is written inside the transaction, after the check: a refused
upload writes nothing, and an upload whose row fails leaves at most a file that a
later upload of the same image writes again.
"""

import re

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Count, Sum
from django.utils.crypto import salted_hmac

from accounts.models import User
from summaries.models import Summary

from .images import Refused, megabytes
from .models import Figure


def file_name(owner, figure):
    """A hash of the figure's bytes, keyed by its owner: the same image uploaded twice
    by one person is one file; by two people, two files that share nothing. Keyed with
    the site's secret, so that the name does not tell who uploaded it."""
    digest = salted_hmac("figures.file_name", figure.content + f":{owner.pk}".encode())
    return f"{digest.hexdigest()[:32]}.{figure.extension}"


def usage(owner):
    """(figures, bytes) the owner has stored: one aggregate over their rows."""
    totals = Figure.objects.filter(owner=owner).aggregate(count=Count("pk"), total=Sum("bytes"))
    return totals["count"], totals["total"] or 0


def store(owner, figure):
    """Keep `figure` (figures.images.Figure) as the owner's; returns its row. The same
    image again returns the row it already has and counts nothing. Refused when it
    would take the owner over their quota."""
    name = file_name(owner, figure)
    with transaction.atomic():
        # Uploads of one person wait for each other here; nobody else's do.
        User.objects.select_for_update().only("pk").get(pk=owner.pk)
        existing = Figure.objects.filter(owner=owner, name=name).first()
        if existing is not None:
            return existing
        count, total = usage(owner)
        if count >= settings.FIGURE_QUOTA_COUNT:
            raise Refused(
                f"You have {count:,} figures, the most one person may keep "
                f"({settings.FIGURE_QUOTA_COUNT:,}). Link to images hosted elsewhere instead."
            )
        size = len(figure.content)
        if total + size > settings.FIGURE_QUOTA_BYTES:
            raise Refused(
                f"Your figures take {megabytes(total)} and this one {megabytes(size)}: "
                f"one person may keep {megabytes(settings.FIGURE_QUOTA_BYTES)} of figures. "
                "Link to images hosted elsewhere instead."
            )
        row = Figure.objects.create(
            owner=owner, name=name, bytes=size, width=figure.width, height=figure.height
        )
        # Overwrites a file left by an earlier upload whose row is gone: same bytes.
        saved = default_storage.save(row.path, ContentFile(figure.content))
        if saved != row.path:
            # A storage that renames instead of overwriting (settings.STORAGES) would
            # leave the row naming a file that is not there.
            raise RuntimeError(f"the storage kept {row.path} as {saved}")
    return row


def markdown(row, alt):
    """What the editor inserts: the image with its site address, `alt` as its text."""
    return f"![{alt}]({row.url})"


# A figure's address in a text (figures.models.Figure.url), its file's name captured.
_FIGURE_IN_TEXT_RE = re.compile(r"/media/figures/([0-9a-f]{32}\.(?:png|jpg))")


def delete_owned(owner, *, keep_shown=False):
    """Delete the owner's figures, rows and files (the files once committed: see
    figures.receivers). With `keep_shown`, those that the owner's summaries still show
    stay: an account deleted with its summaries kept without a name keeps their
    figures, whose addresses name nobody. Called by accounts.services.delete_account."""
    figures = Figure.objects.filter(owner=owner)
    if keep_shown:
        shown = set()
        for body in Summary.objects.filter(author=owner).values_list("body", flat=True).iterator():
            shown.update(_FIGURE_IN_TEXT_RE.findall(body))
        figures = figures.exclude(name__in=shown)
    figures.delete()
