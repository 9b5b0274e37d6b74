"""The topics' pages: the list of topics and each topic's public summaries."""

from django.shortcuts import get_object_or_404, render

from following.views import follow_context
from shortscience.pagination import keyset_page, redirects_page_numbers
from summaries import cards

from . import services
from .models import Topic

TOPIC_PAGE_SIZE = 10
# Topics are curated by hand: a few dozen. The list is bounded all the same.
TOPIC_LIST_LIMIT = 500


def topic_list(request):
    topics = list(Topic.objects.only("slug", "name", "description")[:TOPIC_LIST_LIMIT])
    return render(request, "topics/list.html", {"topics": topics})


@redirects_page_numbers
def detail(request, slug):
    """A topic's public summaries, newest first, keyset-paged: those whose author added
    the topic and those of papers that carry it."""
    topic = get_object_or_404(Topic, slug=slug)
    summaries = (
        services.summaries_of(topic).for_listing().with_user_vote(request.user).newest_first()
    )
    page = keyset_page(request, summaries, TOPIC_PAGE_SIZE)
    cards.attach(page)
    context = {"topic": topic, "page": page}
    context |= follow_context(request, topic=topic)
    return render(request, "topics/detail.html", context)
