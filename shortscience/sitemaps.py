"""The sitemap: papers with public summaries, venue pages, and authors' profiles.

Each app lists its own pages (papers/sitemaps.py, accounts/sitemaps.py); this module
holds what they share and puts the sections together.

Every section is read from the public summaries, so a paper whose summaries are all
private or hidden, and an author who only writes anonymously, never appear. The
framework splits each section into pages listed by the index.

The sections are given to the views as classes, so each request gets fresh instances:
the cached rows and the framework's `latest_lastmod` never outlive a request.

A section's page reads only its own addresses: the papers and the profiles with public
summaries by the counts kept on them (Paper.public_summary_count,
User.public_summary_count), each dated by a lookup of its own summaries; the venues from
their VenueYear rows. Grouping every public summary for each page had cost 0.3 s of the
database's time at 100,000 summaries, and 0.8 s for the index. A page holds 1,000
addresses rather than the framework's 50,000: making each address costs about 55 µs of
Python, with a template of our own (templates/sitemap_section.xml) that leaves out the
framework's whitespace pass (0.67 s for 10,000 addresses before). The views are also
wrapped in `kept`: an answer is kept whole until a summary changes, as a visitor's
homepage is. Crawlers read sitemaps a few times a day.
"""

from functools import wraps

from django.db.models import Max, Subquery
from django.db.models.functions import Coalesce

from . import fragments

# Addresses per sitemap page.
PAGE_LIMIT = 1_000

# When a page last changed, as far as its summaries tell: the newest one written or edited.
LAST_CHANGE = Max(Coalesce("edited_at", "created_at"))


def newest_public_summary(summaries):
    """When the newest of `summaries` (public ones) was written: a section's date in the
    index. Read in the order of an index (summary_recent_idx), not as LAST_CHANGE over
    them all, so an edit dates only its own address, in the section's page."""
    return summaries.order_by("-created_at", "-id").values_list("created_at", flat=True).first()


def dated(rows, summaries, by, *names):
    """`rows` as values of "pk" and `names`, each with `lastmod`: LAST_CHANGE over its
    `summaries`, a queryset of them that names the row as OuterRef("pk") and is grouped
    by the field `by` (the paper, the author). Unordered: IdsFirst puts them in order."""
    newest = summaries.order_by().values(by).annotate(lastmod=LAST_CHANGE).values("lastmod")
    return rows.annotate(lastmod=Subquery(newest)).values("pk", *names, "lastmod").order_by()


class IdsFirst:
    """A section's items for the framework's paginator, read a page at a time, ids first.
    PostgreSQL works out each row's date (a subquery) for every row an OFFSET skips as
    well: a page of papers 32,000 rows in spent 0.27 s of the database's time on those
    before it, and 22 ms when read this way. So the OFFSET runs over the ids alone
    (`ids`, an ordered queryset of them), and `rows(ids)` reads the page's rows (values
    with "pk") by id."""

    def __init__(self, ids, rows):
        self.ids = ids
        self.rows = rows

    def count(self):
        return self.ids.count()

    def __getitem__(self, index):
        ids = list(self.ids[index])
        by_id = {row["pk"]: row for row in self.rows(ids)}
        return [by_id[pk] for pk in ids if pk in by_id]


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
