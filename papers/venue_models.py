"""The venue table: each conference or journal once, with the spellings it goes by.

Moderators extend it in the admin; papers.venues maps a raw venue to its name with it.
Papers keep the canonical name in their `venue` column (see Paper.venue), so the table
is read when a venue is written or a venue page is asked for, never to print a paper.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower, Upper
from django.urls import reverse

from .venues import VENUE_MAX_LENGTH, clean, venue_key

ALIAS_MAX_LENGTH = 300


class Venue(models.Model):
    """A conference series or a journal, under the name pages print ("NeurIPS")."""

    name = models.CharField(
        max_length=VENUE_MAX_LENGTH,
        help_text="As papers store and pages print it, e.g. NeurIPS. Changing it does "
        "not rename the papers: run `manage.py normalize_venues` after.",
    )
    full_name = models.CharField(
        max_length=ALIAS_MAX_LENGTH,
        blank=True,
        help_text="e.g. Conference on Neural Information Processing Systems.",
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(Lower("name"), name="venue_name_ci_unique"),
            models.CheckConstraint(condition=~Q(name=""), name="venue_name_not_empty"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("papers:venue", args=[self.name])

    def clean(self):
        self.name = clean(self.name)
        self.full_name = " ".join(self.full_name.split())
        if self.name and not venue_key(self.name):
            raise ValidationError({"name": "A venue's name needs a letter or a word."})
        # Its own name must lead to it, not to another venue.
        keys = {venue_key(self.name), venue_key(self.full_name)} - {""}
        taken = VenueAlias.objects.filter(key__in=keys).exclude(venue_id=self.pk)
        if other := taken.select_related("venue").first():
            raise ValidationError(
                f"“{other.name}” is already a spelling of {other.venue.name}: remove it "
                "there first."
            )


class VenueAlias(models.Model):
    """One spelling of a venue. `key` is the spelling as papers.venues compares it,
    unique: a key naming two venues would make the match depend on the order of rows.
    The venue's own name and full name are aliases too (the admin adds them)."""

    venue = models.ForeignKey(Venue, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(
        "spelling",
        max_length=ALIAS_MAX_LENGTH,
        help_text="As sources write it, e.g. Advances in Neural Information Processing "
        "Systems. Case, years, volume numbers and “Proceedings of the” do not matter.",
    )
    key = models.CharField(max_length=ALIAS_MAX_LENGTH, editable=False)

    class Meta:
        verbose_name = "venue spelling"
        constraints = [
            models.UniqueConstraint(fields=["key"], name="venue_alias_key_unique"),
            models.UniqueConstraint(Lower("name"), name="venue_alias_name_ci_unique"),
            models.CheckConstraint(condition=~Q(key=""), name="venue_alias_key_not_empty"),
        ]

    def __str__(self):
        return f"{self.name} → {self.venue_id and self.venue.name}"

    def save(self, *args, **kwargs):
        self.key = venue_key(self.name)
        super().save(*args, **kwargs)

    def clean(self):
        self.name = " ".join(self.name.split())
        self.key = venue_key(self.name)
        if not self.key:
            raise ValidationError({"name": "This spelling has no word that names a venue."})
        # The key is no form field, so the admin's form would not check its uniqueness.
        other = VenueAlias.objects.filter(key=self.key).exclude(pk=self.pk).first()
        if other is not None:
            raise ValidationError(
                {
                    "name": f"“{self.name}” reads the same as “{other.name}”, a spelling of "
                    f"{other.venue.name}."
                }
            )


class VenueYearQuerySet(models.QuerySet):
    def listed(self):
        """One row per venue spelling and year that has papers with public summaries:
        venue, year (0 for papers without one), public_summary_count and changed_at.
        Spellings that differ only in case are one venue to the pages; they are merged
        by the caller, since which one sorts first in SQL depends on the database's
        collation."""
        return (
            self.filter(paper_count__gt=0)
            .values("venue", "year", "public_summary_count", "changed_at")
            .order_by()
        )


class VenueYear(models.Model):
    """The papers of one venue and year that have public summaries, and those
    summaries, counted: what the venue list and a venue's page print.

    Kept by the database, as Paper.public_summary_count is: triggers on the papers table
    (migration 0016) move a paper's count between rows as its venue, its year or its
    own count change. The venue list reads one row per venue and year; counting there
    grouped every public summary with its paper, 140 ms of the database's time at
    100,000 summaries, on the first request after any summary was written. A paper
    counts under its `venue` exactly as stored and its year, 0 for none. Rows left at
    zero stay (`listed` skips them): they are few, one per venue and year ever summarized.
    """

    venue = models.CharField(max_length=VENUE_MAX_LENGTH, editable=False)
    year = models.PositiveSmallIntegerField(editable=False)
    paper_count = models.PositiveIntegerField(default=0, editable=False)
    public_summary_count = models.PositiveIntegerField(default=0, editable=False)
    # When the counts last changed: when a paper came onto the venue's pages or went off
    # them, or a paper's count changed (what those pages print). The sitemap's date.
    changed_at = models.DateTimeField(null=True, editable=False)

    objects = VenueYearQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["venue", "year"], name="venue_year_unique"),
        ]
        indexes = [
            # A venue's page reads its rows whatever their case, as it reads its papers.
            models.Index(Upper("venue"), name="venue_year_venue_idx"),
        ]

    def __str__(self):
        return f"{self.venue} {self.year or ''}".strip()
