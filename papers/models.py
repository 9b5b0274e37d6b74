from django.db import models
from django.db.models import Count, Q
from django.db.models.functions import Lower
from django.urls import reverse

from markup.render import RENDERER_VERSION

from .keys import KEY_MAX_LENGTH, validate_bibtex_key


class PaperQuerySet(models.QuerySet):
    def by_key(self, key):
        """Keys are matched case-insensitively: DBLP and the old site disagree on case."""
        return self.filter(bibtex_key__iexact=key)

    def with_public_summary_counts(self):
        return self.annotate(
            public_summary_count=Count(
                "summaries",
                filter=Q(summaries__is_private=False),
                distinct=True,
            )
        )


class Paper(models.Model):
    bibtex_key = models.CharField(
        "BibTeX key",
        max_length=KEY_MAX_LENGTH,
        unique=True,
        validators=[validate_bibtex_key],
        help_text="Canonical key, e.g. conf/nips/RenHGS15. May contain slashes.",
    )
    title = models.CharField(max_length=500)
    authors = models.TextField(help_text="Comma-separated, in the paper's order.")
    venue = models.CharField(max_length=200, blank=True)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    abstract = models.TextField(blank=True)
    abstract_html = models.TextField(blank=True, editable=False)
    renderer_version = models.PositiveIntegerField(default=0, editable=False)
    url = models.URLField("link", max_length=500, blank=True)
    arxiv_id = models.CharField("arXiv id", max_length=50, blank=True)
    doi = models.CharField("DOI", max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PaperQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "title"]
        constraints = [
            models.UniqueConstraint(Lower("bibtex_key"), name="paper_bibtex_key_ci_unique"),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        for name, value in self.rendered_fields().items():
            setattr(self, name, value)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("papers:detail", args=[self.bibtex_key])

    def rendered_fields(self):
        """The stored HTML of the abstract, as the current renderer makes it."""
        from .citations import render_text

        html = render_text(self.abstract, flavor="abstract") if self.abstract else ""
        return {"abstract_html": html, "renderer_version": RENDERER_VERSION}

    @property
    def author_list(self):
        return [name.strip() for name in self.authors.split(",") if name.strip()]

    @property
    def short_author_list(self):
        """For lists: long author lists (dozens of names on some papers) end in "et al."."""
        names = self.author_list
        return names if len(names) <= 6 else [*names[:5], "et al."]

    @property
    def arxiv_url(self):
        return f"https://arxiv.org/abs/{self.arxiv_id}" if self.arxiv_id else ""

    @property
    def doi_url(self):
        return f"https://doi.org/{self.doi}" if self.doi else ""
