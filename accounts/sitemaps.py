"""The sitemap's section of authors' profiles (see shortscience/sitemaps.py)."""

from django.contrib import sitemaps
from django.db.models import OuterRef
from django.urls import reverse

from shortscience.sitemaps import PAGE_LIMIT, IdsFirst, dated, newest_public_summary
from summaries.models import Summary

from .models import User


def _dated_profiles(ids):
    on_the_profile = Summary.objects.on_profile(OuterRef("pk"))
    return dated(User.objects.filter(pk__in=ids), on_the_profile, "author", "username")


class ProfileSitemap(sitemaps.Sitemap):
    """The profiles that list a summary: active people with a signed public summary
    (`public_summary_count`, kept on the user, counts exactly those), in id order, each
    dated by their newest one. Only signed summaries count: the profile of someone who
    writes only anonymously shows nothing, and listing it could hint at who wrote
    those summaries."""

    limit = PAGE_LIMIT
    changefreq = "weekly"
    priority = 0.3

    def items(self):
        listed = User.objects.filter(is_active=True, public_summary_count__gt=0)
        return IdsFirst(listed.order_by("pk").values_list("pk", flat=True), _dated_profiles)

    def location(self, row):
        return reverse("accounts:profile", args=[row["username"]])

    def lastmod(self, row):
        return row["lastmod"]

    def get_latest_lastmod(self):
        return newest_public_summary(Summary.objects.signed().filter(author__is_active=True))
