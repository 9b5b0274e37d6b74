"""The sitemap's sections of papers and venues (see shortscience/sitemaps.py)."""

from functools import cached_property

from django.contrib import sitemaps
from django.db.models import Count
from django.urls import reverse

from shortscience.sitemaps import LAST_CHANGE, PAGE_LIMIT
from summaries.models import Summary

from .models import venue_display_name


class PaperSitemap(sitemaps.Sitemap):
    limit = PAGE_LIMIT
    changefreq = "weekly"
    priority = 0.8

    def items(self):
        # Grouped from the summaries' side: it reads the summaries, not the whole
        # catalogue of papers, most of which have none.
        return (
            Summary.objects.public()
            .values("paper_id", "paper__bibtex_key")
            .annotate(lastmod=LAST_CHANGE)
            .order_by("paper_id")
        )

    def location(self, row):
        return reverse("papers:detail", args=[row["paper__bibtex_key"]])

    def lastmod(self, row):
        return row["lastmod"]

    def get_latest_lastmod(self):
        return Summary.objects.public().aggregate(lastmod=LAST_CHANGE)["lastmod"]


class VenueYearSitemap(sitemaps.Sitemap):
    limit = PAGE_LIMIT
    changefreq = "weekly"
    priority = 0.5

    @cached_property
    def rows(self):
        return venue_year_rows()

    def items(self):
        return self.rows

    def location(self, row):
        return reverse("papers:venue_year", args=[row["venue"], row["year"]])

    def lastmod(self, row):
        return row["lastmod"]

    def get_latest_lastmod(self):
        return max((row["lastmod"] for row in self.rows), default=None)


class VenueSitemap(VenueYearSitemap):
    """A venue's page across its years: one address per venue."""

    priority = 0.6

    @cached_property
    def rows(self):
        venues = {}
        for row in venue_year_rows():
            venues[row["venue"]] = max(venues.get(row["venue"], row["lastmod"]), row["lastmod"])
        return [{"venue": venue, "lastmod": lastmod} for venue, lastmod in sorted(venues.items())]

    def location(self, row):
        return reverse("papers:venue", args=[row["venue"]])


def venue_year_rows():
    """One row per venue and year with public summaries: venue, year and lastmod.
    Spellings that differ only in case are one page; it is listed under the venue's most
    used spelling, as the venue list links it."""
    counts = (
        Summary.objects.public()
        .exclude(paper__venue="")
        .filter(paper__year__isnull=False)
        .values("paper__venue", "paper__year")
        .annotate(count=Count("pk"), lastmod=LAST_CHANGE)
        .order_by()
    )
    spellings = {}
    years = {}
    for row in counts:
        venue, year = row["paper__venue"], row["paper__year"]
        per_spelling = spellings.setdefault(venue.lower(), {})
        per_spelling[venue] = per_spelling.get(venue, 0) + row["count"]
        key = (venue.lower(), year)
        years[key] = max(years.get(key, row["lastmod"]), row["lastmod"])
    names = {lower: venue_display_name(counted) for lower, counted in spellings.items()}
    return [
        {"venue": names[lower], "year": year, "lastmod": lastmod}
        for (lower, year), lastmod in sorted(years.items())
    ]
