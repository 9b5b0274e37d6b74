"""Follows of a paper move with it when it is merged into another (papers.merging), and
back when the merge is undone (papers.merge_undo)."""

from django.dispatch import receiver

from accounts.models import User
from papers.signals import paper_merging, paper_unmerged

from .models import Follow


@receiver(paper_merging, dispatch_uid="following.merge_follows")
def move_follows(sender, kept, merged, **kwargs):
    """The merged paper's followers follow the kept one; one who followed both keeps
    the one follow. Returns what the undo needs: the follows moved, and the followers
    of both, whose follow of the merged paper went."""
    rows = Follow.objects.filter(paper__in=[kept, merged]).values_list("pk", "user_id", "paper_id")
    rows = list(rows)
    of_kept = {user for _, user, paper in rows if paper == kept.pk}
    both = [user for _, user, paper in rows if paper == merged.pk and user in of_kept]
    moved = [pk for pk, user, paper in rows if paper == merged.pk and user not in of_kept]
    if both:
        Follow.objects.filter(paper=merged, user_id__in=both).delete()
    if moved:
        Follow.objects.filter(pk__in=moved).update(paper=kept)
    return {"follows": moved, "follows_of_both": both}


@receiver(paper_unmerged, dispatch_uid="following.unmerge_follows")
def restore_follows(sender, kept, merged, record, **kwargs):
    """The follows that moved go back; the followers of both follow both again, unless
    their account has gone since."""
    Follow.objects.filter(pk__in=record.get("follows", ()), paper=kept).update(paper=merged)
    users = User.objects.filter(pk__in=record.get("follows_of_both", ()), is_active=True)
    Follow.objects.bulk_create(
        [Follow(user_id=pk, paper=merged) for pk in users.values_list("pk", flat=True)],
        ignore_conflicts=True,
    )
