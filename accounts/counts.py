"""The counts a profile shows, kept on the user: `public_summary_count` and
`public_comment_count`.

Counting them on each view cost the profile of a prolific author most of its database
time (800 comments, each joined to its summary to check that it is public), and grew
with what the person wrote. They are recounted instead where they can change, in the
writer's transaction: a summary or comment saved or deleted (summaries.receivers), a
summary or comment hidden or restored (moderation.services), an account deleted
(accounts.services). A summary's changes count for the people who commented on it too:
making it private takes their comments off their profiles.

`recount` counts exactly what the profile lists (Summary.objects.on_profile,
Comment.objects.on_profile), so a count can only lag, never disagree with the list for
long; `manage.py recount` puts every user right, for rows written past the models.
"""

from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from summaries.models import Comment, Summary

from .models import User


def _count(queryset):
    counted = queryset.order_by().values("author").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def recount(user_ids):
    """Recount the users `user_ids` (None and repeats are ignored): one UPDATE."""
    ids = {pk for pk in user_ids if pk is not None}
    if ids:
        _recount(User.objects.filter(pk__in=ids))


def recount_all():
    """Recount every user; returns how many there are."""
    return _recount(User.objects.all())


def commenters(summary_id):
    """The ids of the people who commented on a summary, whose counts follow its own."""
    return set(Comment.objects.filter(summary_id=summary_id).values_list("author_id", flat=True))


def _recount(users):
    person = OuterRef("pk")
    return users.update(
        public_summary_count=_count(Summary.objects.on_profile(person)),
        public_comment_count=_count(Comment.objects.on_profile(person)),
    )
