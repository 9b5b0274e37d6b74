"""RSS and Atom feeds of recent public summaries: site-wide, per paper, user, venue, topic.

Each feed is a small class with an Atom twin (`atom()`). The feed framework builds the
absolute addresses from the request: the Sites framework is not installed, so
`get_current_site` answers with a RequestSite for the host that was asked.
"""

import hashlib
import inspect
from dataclasses import dataclass
from html import escape

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.core.cache import cache
from django.http import Http404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from accounts.models import User
from markup import feed as markup_feed
from papers import venues
from papers.models import Paper

from .models import CARD_DEFERRED, Summary

# Entries per feed. An entry carries a long summary's excerpt (at most 20 KB of HTML,
# see summaries.excerpts) with a link to the whole text, so a feed stays within about
# 250 KB whatever was written; a short summary is carried whole.
FEED_SIZE = 12


@dataclass
class Source:
    """What one feed request is about; built per request, so the shared Feed instance
    keeps no state between requests."""

    title: str
    link: str
    description: str
    summaries: list


class SummaryFeed(Feed):
    def get_object(self, request, *args, **kwargs):
        source = self.get_source(request, *args, **kwargs)
        # Entry text and author links must be absolute, and the item methods see only
        # the item: each summary carries the addresses it needs.
        for summary in source.summaries:
            summary.feed_url = request.build_absolute_uri(summary.get_absolute_url())
            summary.feed_author_url = (
                None
                if summary.is_anonymous
                else request.build_absolute_uri(summary.author.get_absolute_url())
            )
        _attach_entry_html(source.summaries)
        return source

    def get_source(self, request, *args, **kwargs):
        raise NotImplementedError

    def title(self, source):
        return source.title

    def link(self, source):
        return source.link

    def description(self, source):
        return source.description

    def items(self, source):
        return source.summaries

    def item_title(self, summary):
        # Plain text: the feed writer escapes it once for XML, as readers expect.
        return f"Summary of {summary.paper.plain_title} by {summary.byline}"

    def item_description(self, summary):
        html = summary.entry_html
        if summary.is_cut:
            html += f'<p><a href="{escape(summary.feed_url)}">Read the whole summary</a></p>'
        return html

    def item_author_name(self, summary):
        return "Anonymous" if summary.is_anonymous else summary.author.shown_name

    def item_author_link(self, summary):
        return summary.feed_author_url

    def item_pubdate(self, summary):
        return summary.created_at

    def item_updateddate(self, summary):
        # Atom requires an <updated> on every entry: a summary never edited was last
        # updated when it was written.
        return summary.edited_at or summary.created_at


# An entry's HTML is kept this long; its key names everything it is made from.
ENTRY_HTML_SECONDS = 24 * 60 * 60
# The rewriter's own code is part of the key: a change to it makes new entries.
_REWRITER = hashlib.sha256(inspect.getsource(markup_feed).encode()).hexdigest()[:12]


def _attach_entry_html(summaries):
    """Set `entry_html` on each summary: its shown HTML made fit for feed readers
    (markup.feed), which parses the whole text in Python, most of a feed's time. It is
    the same for every request of one host, so it is made once and kept in the cache
    under a digest of the text and its address; one cache round trip a feed."""
    keys = {}
    for summary in summaries:
        made_of = f"{_REWRITER}\0{summary.feed_url}\0{summary.shown_html}"
        keys[summary.pk] = "feed-entry:" + hashlib.sha256(made_of.encode()).hexdigest()[:32]
    kept = cache.get_many(list(keys.values()))
    made = {}
    for summary in summaries:
        key = keys[summary.pk]
        html = kept.get(key)
        if html is None:
            html = made[key] = markup_feed.feed_html(summary.shown_html, summary.feed_url)
        summary.entry_html = html
    if made:
        cache.set_many(made, ENTRY_HTML_SECONDS)


def atom(feed_class):
    """The Atom twin of an RSS feed class; Atom calls the description a subtitle."""
    return type(
        f"{feed_class.__name__}Atom",
        (feed_class,),
        {"feed_type": Atom1Feed, "subtitle": feed_class.description},
    )


def recent(summaries):
    """The newest public summaries of a queryset, with what an entry prints, in one query:
    each summary's excerpt when it has one (`with_shown_text`), never its whole body."""
    return list(
        summaries.public()
        .select_related("paper", "author")
        .with_shown_text()
        .defer(*CARD_DEFERRED)
        .newest_first()[:FEED_SIZE]
    )


class RecentSummaries(SummaryFeed):
    def get_source(self, request):
        return Source(
            title=f"{settings.SITE_NAME}: recent summaries",
            link=reverse("summaries:home"),
            description="The newest summaries of research papers.",
            summaries=recent(Summary.objects.all()),
        )


class PaperSummaries(SummaryFeed):
    def get_source(self, request, key):
        # Any name of the paper works here as on its page: key, alias, arXiv id or DOI.
        paper = Paper.objects.resolve(key)
        if paper is None:
            raise Http404("No such paper.")
        return Source(
            title=f"Summaries of “{paper.plain_title}”",
            link=paper.get_absolute_url(),
            description=f"New summaries of “{paper.plain_title}” on {settings.SITE_NAME}.",
            summaries=recent(Summary.objects.filter(paper=paper)),
        )


class UserSummaries(SummaryFeed):
    def get_source(self, request, username):
        person = User.objects.filter(username=username, is_active=True).first()
        if person is None:
            raise Http404("No such user.")
        # Anonymous summaries stay out, as on the profile: listing them here would sign them.
        summaries = Summary.objects.on_profile(person)
        return Source(
            title=f"Summaries by {person.shown_name}",
            link=person.get_absolute_url(),
            description=f"New summaries by {person.shown_name} on {settings.SITE_NAME}.",
            summaries=recent(summaries),
        )


class VenueSummaries(SummaryFeed):
    def get_source(self, request, venue):
        # Venues match whatever their case, as on the venue pages; all years together.
        summaries = recent(Summary.objects.filter(paper__venue__iexact=venue))
        if not summaries and (known := venues.lookup(venue)):
            # Another spelling of a venue of the table (`nips`): its papers are stored
            # under its name. Asked only when the spelling finds nothing.
            summaries = recent(Summary.objects.filter(paper__venue__iexact=known.name))
        if not summaries:
            raise Http404("No summaries of papers from this venue.")
        name = summaries[0].paper.venue
        link = reverse("papers:venue", args=[name])
        return Source(
            title=f"Summaries of {name} papers",
            link=link,
            description=f"New summaries of papers from {name} on {settings.SITE_NAME}.",
            summaries=summaries,
        )


class TopicSummaries(SummaryFeed):
    def get_source(self, request, slug):
        from topics.models import Topic
        from topics.services import summaries_of

        topic = Topic.objects.filter(slug=slug).first()
        if topic is None:
            raise Http404("No such topic.")
        return Source(
            title=f"Summaries in {topic.name}",
            link=topic.get_absolute_url(),
            description=f"New summaries in {topic.name} on {settings.SITE_NAME}.",
            summaries=recent(summaries_of(topic)),
        )


RecentSummariesAtom = atom(RecentSummaries)
PaperSummariesAtom = atom(PaperSummaries)
UserSummariesAtom = atom(UserSummaries)
VenueSummariesAtom = atom(VenueSummaries)
TopicSummariesAtom = atom(TopicSummaries)
