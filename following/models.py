"""Following papers, people, venues and topics; and the inbox they feed.

A follow names exactly one target (a database check), once per user and target (partial
unique constraints, one per kind). A venue is followed by its name as papers store it
(`Paper.venue`, the canonical name of papers.Venue when the table knows it), compared
whatever its case, as the venue pages compare it.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Upper

KINDS = ("paper", "person", "venue", "topic")

_NONE = {"paper__isnull": True, "person__isnull": True, "venue": "", "topic__isnull": True}


def _only(kind):
    """The condition "the target is a `kind` and nothing else"."""
    if kind == "venue":
        return Q(**{k: v for k, v in _NONE.items() if k != "venue"}) & ~Q(venue="")
    return Q(**{**_NONE, f"{kind}__isnull": False})


class Follow(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows"
    )
    paper = models.ForeignKey(
        "papers.Paper", null=True, blank=True, on_delete=models.CASCADE, related_name="followers"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="followers",
    )
    venue = models.CharField(max_length=200, blank=True, default="")
    topic = models.ForeignKey(
        "topics.Topic", null=True, blank=True, on_delete=models.CASCADE, related_name="followers"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=_only("paper") | _only("person") | _only("venue") | _only("topic"),
                name="follow_exactly_one_target",
            ),
            models.CheckConstraint(
                condition=Q(person__isnull=True) | ~Q(person=F("user")),
                name="follow_not_oneself",
            ),
            models.UniqueConstraint(
                fields=["user", "paper"], condition=Q(paper__isnull=False), name="follow_paper_once"
            ),
            models.UniqueConstraint(
                fields=["user", "person"],
                condition=Q(person__isnull=False),
                name="follow_person_once",
            ),
            models.UniqueConstraint(
                F("user"), Upper("venue"), condition=~Q(venue=""), name="follow_venue_once"
            ),
            models.UniqueConstraint(
                fields=["user", "topic"], condition=Q(topic__isnull=False), name="follow_topic_once"
            ),
        ]
        indexes = [
            # A venue's followers (the fan-out), by the name as papers store it.
            models.Index(Upper("venue"), name="follow_venue_idx", condition=~Q(venue="")),
        ]

    def __str__(self):
        return f"{self.user_id} follows {self.kind} {self.target_id}"

    @property
    def kind(self):
        for kind in ("paper", "person", "topic"):
            if getattr(self, f"{kind}_id") is not None:
                return kind
        return "venue"

    @property
    def target_id(self):
        return self.venue or getattr(self, f"{self.kind}_id")
