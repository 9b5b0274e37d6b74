"""Figures: images uploaded with a summary and kept by the site (see figures/services.py).

A row per stored file, owned by the person who uploaded it: what their quota counts,
what their data export lists, and what goes with their account. The file's name is a
hash of its content keyed by its owner (figures.services.file_name), so the address
says nothing about who uploaded it (anonymous summaries show figures too) and no file is
ever shared between two people: deleting one person's figures never breaks another's.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

# The folder of the default storage figures are kept in, and so the address they are
# served at: MEDIA_URL + FOLDER + "/" + name (markup.links.is_figure_url reads the same).
FOLDER = "figures"


class Figure(models.Model):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="figures",
        # The index below starts with the owner and serves every lookup by owner.
        db_index=False,
    )
    # "<32 hex digits>.png" or ".jpg": the file's name in FOLDER.
    name = models.CharField(max_length=40, unique=True)
    bytes = models.PositiveIntegerField()
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(bytes__gt=0) & Q(width__gt=0) & Q(height__gt=0),
                name="figure_not_empty",
            ),
            models.CheckConstraint(
                condition=Q(name__regex=r"^[0-9a-f]{32}\.(png|jpg)$"), name="figure_name_form"
            ),
        ]
        indexes = [
            # The quota's aggregate and the export's list: one owner's rows, read from
            # the index alone where the database can (owner, then the bytes summed).
            models.Index(fields=["owner", "bytes"], name="figure_owner_bytes"),
        ]

    def __str__(self):
        return self.name

    @property
    def path(self):
        """The file's name in the default storage."""
        return f"{FOLDER}/{self.name}"

    @property
    def url(self):
        """The site's address for it, as written in texts: /media/figures/<name>."""
        return f"{settings.MEDIA_URL}{self.path}"
