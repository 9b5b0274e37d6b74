"""The sitemap's section of authors' profiles (see shortscience/sitemaps.py)."""

from django.contrib import sitemaps
from django.urls import reverse

from shortscience.sitemaps import LAST_CHANGE, PAGE_LIMIT
from summaries.models import Summary


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
