"""Which summaries a topic lists, and how papers and summaries get their topics."""

from django.db import transaction
from django.db.models import Q

from summaries.models import Summary

from .models import MAX_PAPER_TOPICS, MAX_SUMMARY_TOPICS, Topic

PaperTopic = Topic.papers.through
SummaryTopic = Topic.summaries.through


def in_topics(topic_ids):
    """The condition on summaries for "in these topics": the summary carries one (its
    author added it) or its paper does (an arXiv category). Two semi-joins on the link
    tables' indexes; `topic_ids` may be a subquery."""
    return Q(pk__in=SummaryTopic.objects.filter(topic__in=topic_ids).values("summary_id")) | Q(
        paper_id__in=PaperTopic.objects.filter(topic__in=topic_ids).values("paper_id")
    )


# A topic with at most this many public summaries lists them by id (see summaries_of).
FEW_SUMMARIES = 500


def summaries_of(topic):
    """The topic's public summaries: private and hidden ones never.

    "In the topic" is two semi-joins ORed (in_topics), which no index answers in the
    order of a list: PostgreSQL walks the site's newest summaries and checks each. That
    finds a page soon in a topic with many summaries, and reads every summary of the
    site in one with few (130 ms at 100,000 summaries for a topic with none). So the
    topic's summaries are first read from its link tables, at most FEW_SUMMARIES + 1
    (Topic.objects.first_summary_ids): if that is all of them, the list is those ids,
    sorted by the database; if not, the topic is large, one summary in
    N / FEW_SUMMARIES of the site's at least, and the walk finds a page within about
    that many. One query more. FEW_SUMMARIES balances the two: sorting the ids costs
    about ten times a step of the walk.
    """
    public = Summary.objects.public()
    found = Topic.objects.first_summary_ids(topic.pk, FEW_SUMMARIES + 1)
    if len(found) <= FEW_SUMMARIES:
        return public.filter(pk__in=set(found))
    return public.filter(in_topics([topic.pk]))


def attach_categories(paper, categories):
    """Give `paper` the topics among its arXiv `categories` (slugs like cs.LG); those
    no topic has are ignored. Returns the topics attached."""
    slugs = list(dict.fromkeys(c.strip() for c in categories if c and c.strip()))
    topics = list(Topic.objects.filter(slug__in=slugs[:MAX_PAPER_TOPICS]))
    if topics:
        paper.topics.add(*topics)  # cached pages follow (topics.receivers)
    return topics


def set_summary_topics(summary, topics):
    """Replace the topics an author added to their summary (at most MAX_SUMMARY_TOPICS;
    the form refuses more, and this is the backstop)."""
    topics = list(topics)[:MAX_SUMMARY_TOPICS]
    with transaction.atomic():
        current = {t.pk for t in summary.topics.all()}
        wanted = {t.pk for t in topics}
        if current == wanted:
            return False
        summary.topics.set(topics)  # cached pages follow (topics.receivers)
    return True


def topics_by_item(summaries):
    """{summary id: [(slug, name), …]} for a list of summaries: the topics its author
    added, then its paper's, each once, in name order. One query."""
    summaries = list(summaries)
    if not summaries:
        return {}
    rows = Topic.objects.shown_with(
        summary_ids={s.pk for s in summaries}, paper_ids={s.paper_id for s in summaries}
    )
    own, of_paper = {}, {}
    for summary_id, paper_id, slug, name in rows:
        if summary_id is not None:
            own.setdefault(summary_id, set()).add((slug, name))
        else:
            of_paper.setdefault(paper_id, set()).add((slug, name))
    shown = {}
    for summary in summaries:
        mine = sorted(own.get(summary.pk, ()), key=lambda t: t[1])
        theirs = sorted(of_paper.get(summary.paper_id, set()) - set(mine), key=lambda t: t[1])
        shown[summary.pk] = tuple(mine + theirs)
    return shown


def paper_topics(paper):
    """[(slug, name), …] of the paper's own topics, in name order: one SQL statement
    (Topic.objects.shown_with), as its page asks on every view."""
    rows = Topic.objects.shown_with(paper_ids=[paper.pk])
    return sorted(((slug, name) for _, _, slug, name in rows), key=lambda topic: topic[1])
