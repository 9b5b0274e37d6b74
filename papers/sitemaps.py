"""The sitemap's sections of papers and venues (see shortscience/sitemaps.py)."""

from functools import cached_property

from django.contrib import sitemaps
from django.db.models import OuterRef
from django.urls import reverse

from shortscience.sitemaps import PAGE_LIMIT, IdsFirst, dated, newest_public_summary
from summaries.models import Summary

from .models import Paper, VenueYear, venue_display_name


class PaperSitemap(sitemaps.Sitemap):
    """The papers with public summaries (`public_summary_count`, kept by the database),
    in id order, each dated by its newest public summary: one lookup of its summaries
    per address listed, where grouping the summaries read every one of them per page."""

    limit = PAGE_LIMIT
    changefreq = "weekly"
    priority = 0.8

    def items(self):
        ids = Paper.objects.with_public_summaries().order_by("pk").values_list("pk", flat=True)
        return IdsFirst(ids, _dated_papers)

    def location(self, row):
        return reverse("papers:detail", args=[row["bibtex_key"]])

    def lastmod(self, row):
        return row["lastmod"]

    def get_latest_lastmod(self):
        return newest_public_summary(Summary.objects.public())


def _dated_papers(ids):
    of_the_paper = Summary.objects.public().filter(paper=OuterRef("pk"))
    return dated(Paper.objects.filter(pk__in=ids), of_the_paper, "paper", "bibtex_key")


class VenueYearSitemap(sitemaps.Sitemap):
    """A venue's years with public summaries, from the VenueYear rows, each dated by
    when its papers or their counts (what the page prints) last changed."""

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
        return _latest(*(row["lastmod"] for row in self.rows))


class VenueSitemap(VenueYearSitemap):
    """A venue's page across its years: one address per venue."""

    priority = 0.6

    @cached_property
    def rows(self):
        venues = {}
        for row in venue_year_rows():
            venues[row["venue"]] = _latest(venues.get(row["venue"]), row["lastmod"])
        return [{"venue": venue, "lastmod": lastmod} for venue, lastmod in sorted(venues.items())]

    def location(self, row):
        return reverse("papers:venue", args=[row["venue"]])


def venue_year_rows():
    """One row per venue and year with public summaries: venue, year and lastmod.
    Spellings that differ only in case are one page; it is listed under the venue's most
    used spelling, as the venue list links it."""
    spellings = {}
    years = {}
    for row in VenueYear.objects.listed():
        venue, year, changed = row["venue"], row["year"], row["changed_at"]
        per_spelling = spellings.setdefault(venue.lower(), {})
        per_spelling[venue] = per_spelling.get(venue, 0) + row["public_summary_count"]
        if not year:
            continue  # papers without a year: on the venue's page, on no year's
        key = (venue.lower(), year)
        years[key] = _latest(years.get(key), changed)
    names = {lower: venue_display_name(counted) for lower, counted in spellings.items()}
    return [
        {"venue": names[lower], "year": year, "lastmod": lastmod}
        for (lower, year), lastmod in sorted(years.items())
    ]


def _latest(*dates):
    """The latest of `dates`, None among them left out (a row never yet dated)."""
    return max((date for date in dates if date), default=None)
