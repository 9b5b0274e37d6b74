"""Writes to an account that reach other tables: deleting the account.

Deleting an account keeps its row, scrubbed and inactive, rather than deleting it or
handing what it wrote to one shared "deleted user" account:

- What stays behind must keep pointing at a row. A comment kept as a placeholder (it
  has replies under it) and, when the person chose so, their summaries and comments
  kept without a name still have an author, and the foreign keys stay as they are.
- One shared account could not take them: the database allows one summary per author
  and paper, and one vote per user and summary, so two departed people who summarized
  or voted on the same paper would collide.

The scrubbed row holds nothing of the person: a username nobody can sign up with
(`deleted#<id>`, as "#" is in no valid name) in place of theirs, which is free again,
and no e-mail address, password, name, bio, ORCID iD, two-factor device or session
that works. `deleted_at` tells pages to name nobody (templates/summaries/_comment.html),
and the account is inactive, so profiles, user feeds and the sitemap leave it out as
they leave out inactive accounts.
"""

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount
from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone

from figures import services as figures
from shortscience import fragments
from summaries.models import Comment, Draft, IdempotencyKey, Summary, Vote
from summaries.ranking import hotness

from . import counts
from .models import User

# What becomes of what the person wrote: deleted, or kept without their name.
DELETE = "delete"
ANONYMISE = "anonymise"


def delete_account(user, *, content):
    """Delete the user's account, and with it their content (`DELETE`) or only their
    name on it (`ANONYMISE`). One transaction: either all of it happens or none.

    DELETE: their summaries go, with the discussions under them, and their votes, the
    scores they counted in counted again. Their comments go, except those with replies
    by others, which stay as placeholders ("[deleted]") as when a comment is deleted.

    ANONYMISE: their summaries stay, anonymous, and their comments stay, signed by no
    one; their votes still count. Their private summaries go, as nobody else could
    ever read them.
    """
    if content not in (DELETE, ANONYMISE):
        raise ValueError(f"content must be {DELETE!r} or {ANONYMISE!r}, not {content!r}")
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        # Every paper page that shows something of theirs: their summaries, and the
        # summaries they commented on or voted on. Cached copies name them.
        papers = set(Summary.objects.filter(author=user).values_list("paper_id", flat=True))
        papers.update(
            Comment.objects.filter(author=user).values_list("summary__paper_id", flat=True)
        )
        if content == DELETE:
            papers.update(
                Vote.objects.filter(user=user).values_list("summary__paper_id", flat=True)
            )
            _delete_content(user)
        else:
            _anonymise_content(user)
        # After the summaries: those kept without a name keep the figures they show.
        figures.delete_owned(user, keep_shown=content == ANONYMISE)
        _scrub(user)
        counts.recount({user.pk})
        fragments.invalidate(fragments.LISTINGS, *(fragments.paper_scope(pk) for pk in papers))
    return user


def _delete_content(user):
    # Deleted through the models, so that the receivers drop search documents and
    # cached pages (summaries.receivers, search.receivers); the comments, votes,
    # versions and reports under the summaries go with them.
    Summary.objects.filter(author=user).delete()
    _delete_votes(user)
    comments = Comment.objects.filter(author=user)
    # Replies first: a comment of theirs whose only replies were their own has none left.
    comments.filter(parent__isnull=False).delete()
    answered = comments.annotate(replies_count=Count("replies")).filter(replies_count__gt=0)
    comments.exclude(pk__in=answered.values("pk")).delete()
    now = timezone.now()
    for comment in answered.filter(deleted_at__isnull=True):
        # As `summaries.services.delete_comment` leaves a comment taken back: the row
        # stays, without its text, so the replies keep their place. save(), so that the
        # search index drops the text and the pages that show it are built again.
        comment.body = ""
        comment.deleted_at = now
        comment.removed_by = None
        comment.save()


def _delete_votes(user):
    """Take back the user's votes and count again the scores they were in, as
    `summaries.services.vote` counts them: the summaries locked, the sum stored."""
    voted = list(Vote.objects.filter(user=user).values_list("summary_id", flat=True))
    Vote.objects.filter(user=user).delete()
    summaries = Summary.objects.select_for_update().filter(pk__in=voted).only("pk", "created_at")
    for summary in summaries.order_by("pk"):
        score = Vote.objects.filter(summary=summary).aggregate(total=Sum("value"))["total"] or 0
        Summary.objects.filter(pk=summary.pk).update(
            score=score, hotness=hotness(score, summary.created_at)
        )


def _anonymise_content(user):
    # Private summaries: through the models, which drop their (absent) documents and
    # cached pages as for any deletion.
    Summary.objects.filter(author=user, is_private=True).delete()
    # An update: a save of each would re-index it and invalidate its pages one by one.
    # Search documents hold no author (search.services.summary_document), so the index
    # needs no change; the pages that cached the byline are made stale by the caller's
    # one invalidate() (shortscience.fragments lists it among the writes by hand).
    Summary.objects.filter(author=user).update(is_anonymous=True)


def _scrub(user):
    EmailAddress.objects.filter(user=user).delete()
    Authenticator.objects.filter(user=user).delete()
    # Its ORCID or GitHub sign-in goes too: signing in with them again makes a new account.
    SocialAccount.objects.filter(user=user).delete()
    IdempotencyKey.objects.filter(user=user).delete()
    # Unpublished, so never anyone else's to read: they go whatever becomes of the rest.
    Draft.objects.filter(author=user).delete()
    user.username = f"deleted#{user.pk}"
    user.email = ""
    user.first_name = user.last_name = ""
    user.display_name = ""
    user.bio = ""
    user.orcid = ""
    user.notify_on_comment = user.notify_on_reply = False
    user.is_active = user.is_staff = user.is_superuser = False
    user.deleted_at = timezone.now()
    # Unusable, and unlike the old one: every session of the account, which Django
    # checks against a hash of the password, ends with it.
    user.set_unusable_password()
    user.save()
    user.groups.clear()
    user.user_permissions.clear()
