"""Citations: the keys a summary cites. Kept so that a paper added later, or given a new
name, finds the summaries that cite it to render them again (summaries.receivers), and
so that a paper's page can list them. Written by `Summary.save` along with the HTML.
"""

from django.db import models


class CitationQuerySet(models.QuerySet):
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
