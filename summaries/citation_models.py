"""Citations: the keys a summary cites. Kept so that a paper added later, or given a new
name, finds the summaries that cite it to render them again (summaries.receivers), and
so that a paper's page can list them. Written by `Summary.save` along with the HTML.
"""

from django.db import connections, models


class CitationQuerySet(models.QuerySet):
    def is_cited(self, paper):
        """Whether any summary cites `paper`, under any of its names (as `citing`).

        Asked by every paper page, and most papers are cited by none: in SQL, since the
        ORM took 0.65 ms of Python to build and compile `citing()`'s union for it, where
        this takes 0.05. Both lookups use the index on the cited key.
        """
        from papers.models import PaperAlias
        from papers.rendering import paper_citation_names

        names = sorted(paper_citation_names(paper))
        citation, alias = self.model._meta.db_table, PaperAlias._meta.db_table
        marks = ", ".join(["%s"] * len(names))
        sql = (
            f"SELECT EXISTS (SELECT 1 FROM {citation} WHERE key IN ({marks})) "
            f"OR EXISTS (SELECT 1 FROM {citation} c JOIN {alias} a ON c.key = LOWER(a.key) "
            "WHERE a.paper_id = %s)"
        )
        with connections[self.db].cursor() as cursor:
            cursor.execute(sql, [*names, paper.pk])
            return bool(cursor.fetchone()[0])

    def citing(self, paper):
        """The ids of the summaries that cite `paper` under any of its names: key,
        alias, arXiv id, DOI; each once, however many of them it used.

        The alias keys are a subquery of their own, unioned rather than OR-ed with the
        fixed names: an OR of two IN conditions, one a subquery, would keep PostgreSQL
        from using the index on the cited key.
        """
        from papers.rendering import paper_alias_names, paper_citation_names

        ids = self.filter(key__in=paper_citation_names(paper)).values_list("summary_id")
        aliases = self.filter(key__in=paper_alias_names(paper)).values_list("summary_id")
        return ids.union(aliases)


class Citation(models.Model):
    """A `\\cite{key}` in a summary. The key is kept, lowercased, rather than a paper:
    a summary may cite a paper the catalogue gains only later."""

    summary = models.ForeignKey(
        "summaries.Summary", on_delete=models.CASCADE, related_name="citations"
    )
    key = models.CharField(max_length=255, db_index=True)

    objects = CitationQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["summary", "key"], name="one_citation_per_key"),
        ]

    def __str__(self):
        return f"{self.summary_id} cites {self.key}"
