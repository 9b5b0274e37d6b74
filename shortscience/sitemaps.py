"""The sitemap: papers with public summaries, venue pages, and authors' profiles.

Each app lists its own pages (papers/sitemaps.py, accounts/sitemaps.py); this module
holds what they share and puts the sections together.

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

from functools import wraps

from django.db.models import Max
from django.db.models.functions import Coalesce

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


def sections():
    """The sitemap's sections by name, for the framework's views."""
    from accounts.sitemaps import ProfileSitemap
    from papers.sitemaps import PaperSitemap, VenueSitemap, VenueYearSitemap
    from topics.sitemaps import TopicSitemap

    return {
        "papers": PaperSitemap,
        "venues": VenueSitemap,
        "venue-years": VenueYearSitemap,
        "profiles": ProfileSitemap,
        "topics": TopicSitemap,
    }
