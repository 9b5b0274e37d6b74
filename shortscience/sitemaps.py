"""The sitemap: papers with public summaries, venue year pages, and authors' profiles.

Every section is read from the public summaries, so a paper whose summaries are all
private or hidden, and an author who only writes anonymously, never appear. The
framework splits each section into pages listed by the index.

The sections are given to the views as classes, so each request gets fresh instances:
the cached rows and the framework's `latest_lastmod` never outlive a request.

Building a section groups every public summary (5.7 s for the papers at 100,000
summaries), so the views are wrapped in `kept`: an answer is kept whole until a summary
changes, as a visitor's homepage is, and pages hold 10,000 addresses rather than the
framework's 50,000. Crawlers read sitemaps a few times a day.
"""

from functools import cached_property, wraps

from django.contrib import sitemaps
from django.db.models import Count, Max
from django.db.models.functions import Coalesce
from django.urls import reverse

from papers.models import venue_display_name
from summaries.models import Summary

from . import fragments

# Addresses per sitemap page.
PAGE_LIMIT = 10_000

# When a page last changed, as far as its summaries tell: the newest one written or edited.
LAST_CHANGE = Max(Coalesce("edited_at", "created_at"))


def kept(view):
    """A sitemap view whose answer is kept until the summaries change (LISTINGS is invalidated by
    every write that can add, hide or unsign one), so a change of privacy or anonymity
    shows at once; the framework's own views build it."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        def build():
            response = view(request, *args, **kwargs)
            return response.render() if hasattr(response, "render") else response

        return fragments.cached_page(request, [fragments.LISTINGS], build)

    return wrapper


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
        """One row per venue and year. Spellings that differ only in case are one page;
        it is listed under the venue's most used spelling, as the venue list links it."""
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

    def items(self):
        return self.rows

    def location(self, row):
        return reverse("papers:venue_year", args=[row["venue"], row["year"]])

    def lastmod(self, row):
        return row["lastmod"]

    def get_latest_lastmod(self):
        return max((row["lastmod"] for row in self.rows), default=None)


class ProfileSitemap(sitemaps.Sitemap):
    limit = PAGE_LIMIT
    changefreq = "weekly"
    priority = 0.3

    def _signed(self):
        # Only signed summaries count: the profile of someone who writes only anonymously
        # shows nothing, and listing it could hint at who wrote those summaries.
        return Summary.objects.signed().filter(author__is_active=True)

    def items(self):
        return (
            self._signed()
            .values("author_id", "author__username")
            .annotate(lastmod=LAST_CHANGE)
            .order_by("author_id")
        )

    def location(self, row):
        return reverse("accounts:profile", args=[row["author__username"]])

    def lastmod(self, row):
        return row["lastmod"]

    def get_latest_lastmod(self):
        return self._signed().aggregate(lastmod=LAST_CHANGE)["lastmod"]


SITEMAPS = {
    "papers": PaperSitemap,
    "venues": VenueYearSitemap,
    "profiles": ProfileSitemap,
}
