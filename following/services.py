"""Following: who follows what, the Following tab's summaries, follower counts."""

import datetime

from django.db import IntegrityError, connection, transaction
from django.db.models import Q, Subquery, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, Upper

from summaries.models import Summary
from topics.services import in_topics

from .models import Follow

# A follower count reads at most this many rows of an index, whatever the number of
# followers: past it the page says "1,000+ followers".
FOLLOWER_COUNT_CAP = 1000


class FollowRefused(Exception):
    """A follow the site does not take (oneself); the message says why."""


def _target(kind, obj):
    return {"venue": obj} if kind == "venue" else {kind: obj}


def _of(kind, obj):
    if kind == "venue":
        return Follow.objects.annotate(venue_upper=Upper("venue")).filter(venue_upper=obj.upper())
    return Follow.objects.filter(**{kind: obj})


def follow(user, kind, obj):
    """`user` follows the target; True if new. Idempotent: a second follow (a double
    click, two tabs) finds the first one, the unique constraints deciding a race."""
    if kind == "person" and obj.pk == user.pk:
        raise FollowRefused("You cannot follow yourself.")
    if _of(kind, obj).filter(user=user).exists():
        return False
    try:
        with transaction.atomic():
            Follow.objects.create(user=user, **_target(kind, obj))
    except IntegrityError:
        return False
    return True


def unfollow(user, kind, obj):
    """`user` stops following the target; True if they did follow it."""
    deleted, _ = _of(kind, obj).filter(user=user).delete()
    return bool(deleted)


def is_following(user, kind, obj):
    return user.is_authenticated and _of(kind, obj).filter(user=user).exists()


def follower_count(kind, obj):
    """The target's followers, counted up to FOLLOWER_COUNT_CAP + 1: one index range
    read, bounded whatever the number of followers. Read from `obj.follower_count`
    when its query brought it (`with_follower_count`)."""
    if hasattr(obj, "follower_count"):
        return obj.follower_count
    return _of(kind, obj).order_by()[: FOLLOWER_COUNT_CAP + 1].count()


# The column of a follow that names a target of each kind that has a row of its own.
_TARGET_COLUMNS = {"paper": "paper_id", "person": "person_id", "topic": "topic_id"}


def with_follower_count(queryset, kind):
    """Papers, people or topics (`kind`) with `follower_count` annotated: the count of
    `follower_count()`, capped alike, in the query that reads the target itself rather
    than in one of its own (a paper's page and a profile ask it on every view)."""
    column = _TARGET_COLUMNS[kind]
    table = connection.ops.quote_name(queryset.model._meta.db_table)
    capped = (
        f"SELECT COUNT(*) FROM (SELECT 1 FROM {Follow._meta.db_table} "
        f"WHERE {column} = {table}.id LIMIT {FOLLOWER_COUNT_CAP + 1}) AS capped"
    )
    return queryset.annotate(follower_count=RawSQL(capped, ()))


# How far back the Following tab reaches: among the site's newest this many public
# summaries. PostgreSQL reads the tab by walking the recent-summaries index and testing
# each summary against the follows (which can name any venue or topic); where the
# follows match little, that walk went through the whole table (570 ms at 100,000
# summaries for three quiet papers). Bounded, a page costs at most this many index
# entries; at this site's pace it is months of summaries.
FOLLOWING_REACH = 1000
EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)


def followed_summaries(user):
    """The public summaries the user's follows bring, in one query: of followed papers,
    signed by followed people (an anonymous summary never reaches anyone through its
    author), of papers in followed venues, in followed topics, among the site's newest
    FOLLOWING_REACH. Their own are left out. Order and page it like any listing
    (`newest_first`, keyset)."""
    follows = Follow.objects.filter(user=user)
    papers = follows.filter(paper__isnull=False).values("paper_id")
    people = follows.filter(person__isnull=False).values("person_id")
    venues = follows.exclude(venue="").annotate(name=Upper("venue")).values("name")
    topics = follows.filter(topic__isnull=False).values("topic_id")
    # No older than the FOLLOWING_REACH-th newest public summary: one probe of the
    # recent-summaries index, which bounds the walk below.
    newest = Summary.objects.public().newest_first().values("created_at")
    cutoff = Coalesce(Subquery(newest[FOLLOWING_REACH - 1 : FOLLOWING_REACH]), Value(EPOCH))
    return (
        Summary.objects.public()
        .alias(paper_venue=Upper("paper__venue"))
        .filter(created_at__gte=cutoff)
        .filter(
            Q(paper_id__in=papers)
            | Q(author_id__in=people, is_anonymous=False)
            | Q(paper_venue__in=venues)
            | in_topics(topics)
        )
        .exclude(author=user)
    )
