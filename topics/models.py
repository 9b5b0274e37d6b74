"""Topics: a curated list of subjects (arXiv's categories first) that papers carry and
that a summary's author may add to their summary.

An app of its own rather than part of `papers`: a topic is carried by papers and by
summaries alike, and `papers` should not depend on `summaries` for its models. The links
are declared here, on the topic, so that neither Paper nor Summary changes: `paper.topics`
and `summary.topics` are the reverse accessors.
"""

from django.core.validators import RegexValidator
from django.db import connections, models
from django.db.models import Q
from django.urls import reverse

# The most topics an author may add to one summary (the write form's choice).
MAX_SUMMARY_TOPICS = 3
# The most arXiv categories a lookup attaches to a paper: arXiv lists a handful.
MAX_PAPER_TOPICS = 10
# A slug as arXiv names its categories (cs.LG, q-bio.NC) or as moderators make one up.
SLUG_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]*\Z"


class TopicQuerySet(models.QuerySet):
    def shown_with(self, summary_ids=(), paper_ids=()):
        """(summary id or None, paper id or None, slug, name) rows of the topics the
        summaries and papers carry: one query for a page of cards.

        Written in SQL: every list of cards asks it, and the ORM's union of two joins
        cost about a millisecond of Python to build and compile, a sixth of the
        homepage; the statement is the same every time but for the ids.
        """
        summary_ids, paper_ids = [int(pk) for pk in summary_ids], [int(pk) for pk in paper_ids]
        if not summary_ids and not paper_ids:
            return []
        topic = self.model._meta.db_table
        by_summary = self.model.summaries.through._meta.db_table
        by_paper = self.model.papers.through._meta.db_table
        sql = (
            f"SELECT l.summary_id, CAST(NULL AS BIGINT), t.slug, t.name FROM {topic} t "
            f"JOIN {by_summary} l ON l.topic_id = t.id "
            f"WHERE l.summary_id IN ({_marks(summary_ids)}) "
            "UNION ALL "
            f"SELECT CAST(NULL AS BIGINT), l.paper_id, t.slug, t.name FROM {topic} t "
            f"JOIN {by_paper} l ON l.topic_id = t.id WHERE l.paper_id IN ({_marks(paper_ids)})"
        )
        with connections[self.db].cursor() as cursor:
            cursor.execute(sql, [*summary_ids, *paper_ids])
            return cursor.fetchall()

    def first_summary_ids(self, topic_id, limit):
        """Ids of up to `limit` public summaries in the topic (carrying it, or of a paper
        that does), in no order, a summary possibly twice: how topics.services tells a
        topic with few summaries from a large one.

        Written in SQL, each side limited on its own: so PostgreSQL reads each one only
        until it has enough, from the link table's index for a small topic or from the
        summaries, checking each against the index, for a large one. The ORM's version
        joined the papers too, and PostgreSQL built a hash of every paper of the topic
        first (13 ms for 20,000 of them, against 4 ms this way).
        """
        by_summary = self.model.summaries.through._meta.db_table
        by_paper = self.model.papers.through._meta.db_table
        summaries = self.model._meta.get_field("summaries").related_model._meta.db_table
        public = "NOT s.is_private AND NOT s.is_hidden"
        # Each side a subquery with its own LIMIT, as both databases take it.
        sql = (
            "SELECT id FROM ("
            f"SELECT s.id FROM {by_summary} l JOIN {summaries} s ON s.id = l.summary_id "
            f"WHERE l.topic_id = %s AND {public} LIMIT %s) AS tagged "
            "UNION ALL SELECT id FROM ("
            f"SELECT s.id FROM {by_paper} l JOIN {summaries} s ON s.paper_id = l.paper_id "
            f"WHERE l.topic_id = %s AND {public} LIMIT %s) AS of_papers "
            "LIMIT %s"
        )
        with connections[self.db].cursor() as cursor:
            cursor.execute(sql, [topic_id, limit, topic_id, limit, limit])
            return [row[0] for row in cursor.fetchall()]


def _marks(ids):
    """The placeholders of an IN list; `NULL` for none, which matches nothing."""
    return ", ".join(["%s"] * len(ids)) or "NULL"


class Topic(models.Model):
    """A subject, curated by moderators in the admin; its slug is its address."""

    slug = models.CharField(
        max_length=50,
        unique=True,
        validators=[RegexValidator(SLUG_PATTERN, "Letters, digits, dots, hyphens, underscores.")],
        help_text="The address, /topic/SLUG/; arXiv categories keep arXiv's name "
        "(cs.LG), so letters, digits, dots, hyphens and underscores.",
    )
    name = models.CharField(max_length=100, help_text="As pages print it: Machine Learning.")
    description = models.TextField(blank=True, max_length=1000)
    papers = models.ManyToManyField("papers.Paper", related_name="topics", blank=True)
    summaries = models.ManyToManyField("summaries.Summary", related_name="topics", blank=True)

    objects = TopicQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=~Q(slug=""), name="topic_slug_not_empty"),
            models.CheckConstraint(condition=~Q(name=""), name="topic_name_not_empty"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("topics:detail", args=[self.slug])
