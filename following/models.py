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


# Nested classes cannot see their class's names: Meta reads the kinds from here.
NOTIFICATION_KINDS = ("paper", "person", "venue", "topic", "comment", "reply", "mention")


class Notification(models.Model):
    """One line of a user's inbox. `actor` is who did it, None when that must not be
    said (an anonymous summary, its author's comments under it) or the account is gone.

    Written by following.inbox in background tasks, once per recipient and summary
    (or comment): the unique constraints make a task that runs twice write nothing new.
    """

    PAPER, PERSON, VENUE, TOPIC = "paper", "person", "venue", "topic"
    COMMENT, REPLY, MENTION = "comment", "reply", "mention"
    KIND_CHOICES = [
        (PAPER, "New summaries of papers I follow"),
        (PERSON, "New summaries by people I follow"),
        (VENUE, "New summaries in venues I follow"),
        (TOPIC, "New summaries in topics I follow"),
        (COMMENT, "Comments on my summaries"),
        (REPLY, "Replies in discussions I took part in"),
        (MENTION, "Mentions of my @username"),
    ]
    KINDS = list(NOTIFICATION_KINDS)

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=10, choices=KIND_CHOICES)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    summary = models.ForeignKey("summaries.Summary", on_delete=models.CASCADE, related_name="+")
    comment = models.ForeignKey(
        "summaries.Comment", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    # Set in the transaction that hands the digest listing it to the mail server
    # (following.digests): a notification is listed in one digest at most.
    mailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=NOTIFICATION_KINDS),
                name="notification_kind_known",
            ),
            models.UniqueConstraint(
                fields=["recipient", "summary"],
                condition=Q(comment__isnull=True),
                name="notification_summary_once",
            ),
            models.UniqueConstraint(
                fields=["recipient", "comment"],
                condition=Q(comment__isnull=False),
                name="notification_comment_once",
            ),
        ]
        indexes = [
            # The inbox, newest first, keyset-paged.
            models.Index(fields=["recipient", "-created_at", "-id"], name="notification_inbox_idx"),
            # The header's unread count: the unread rows alone.
            models.Index(
                fields=["recipient"],
                condition=Q(read_at__isnull=True),
                name="notification_unread_idx",
            ),
        ]

    def __str__(self):
        return f"{self.kind} for {self.recipient_id}"


# How a user's mail about what happens on the site is delivered; see InboxPreference.
MAIL_IMMEDIATE, MAIL_DAILY, MAIL_WEEKLY, MAIL_NONE = "immediate", "daily", "weekly", "none"
MAIL_CHOICES = [
    (MAIL_IMMEDIATE, "At once: a mail for each comment on my summaries and reply to me"),
    (MAIL_DAILY, "A daily digest of my unread inbox"),
    (MAIL_WEEKLY, "A weekly digest of my unread inbox"),
    (MAIL_NONE, "No mail"),
]
DIGESTS = (MAIL_DAILY, MAIL_WEEKLY)


class InboxPreference(models.Model):
    """What a user's inbox takes, and how they hear of it by mail. No row is every kind
    on and immediate mail.

    `muted` lists the kinds of notification turned off (Notification.KINDS): they are
    not written, so they reach neither the inbox nor a digest.

    `mail` says *how* mail comes; the user's `notify_on_comment` and `notify_on_reply`
    say *what* about comments and replies:

    - immediate (the default, the site's mail before digests): one mail per comment on
      the user's summaries and per reply in their threads, as those two allow
      (summaries.notifications). Other kinds live in the inbox only.
    - daily or weekly: no mail as things happen; one digest per period listing the
      unread inbox notifications of every kind not yet mailed, comments and replies
      among them only as those two allow (following.digests).
    - none: no mail about the site's activity (account mail, such as password
      resets, still comes).

    `digest_due_at` is when the next digest is due, set exactly while a digest is
    chosen (a database check), so that finding the due digests walks a partial index of
    those rows alone. `digest_since` is when the last digest was sent (or digests were
    chosen): the next one reads the inbox from there on.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    muted = models.JSONField(default=list, blank=True)
    mail = models.CharField(max_length=10, choices=MAIL_CHOICES, default=MAIL_IMMEDIATE)
    digest_due_at = models.DateTimeField(null=True, blank=True)
    digest_since = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(mail__in=DIGESTS, digest_due_at__isnull=False)
                | Q(mail__in=(MAIL_IMMEDIATE, MAIL_NONE), digest_due_at__isnull=True),
                name="inbox_preference_digest_due_when_chosen",
            ),
        ]
        indexes = [
            # The digests due: the rows of users who chose one, by when.
            models.Index(
                fields=["digest_due_at"],
                condition=Q(digest_due_at__isnull=False),
                name="inbox_preference_due_idx",
            ),
        ]

    def __str__(self):
        return f"Inbox preferences of {self.user_id}"
