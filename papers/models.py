from typing import NamedTuple

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Coalesce, Length, Lower, Upper
from django.db.models.lookups import LessThanOrEqual
from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from markup.readable import readable_text
from markup.render import RENDERER_VERSION, render_title
from shortscience.rendered import RenderedText
from shortscience.text import strip_controls

from . import identifiers
from .keys import KEY_MAX_LENGTH, is_valid_key, validate_bibtex_key

# Limits on the text fields every paper page prints, held by the database too. Real
# author lists run to thousands of names (particle physics collaborations), some 30
# characters each; what comes in longer from a source or an import keeps its first
# authors and ends in "others" (sources.base.fit_authors). arXiv caps abstracts at
# 1,920 characters; journals rarely exceed a few thousand.
AUTHORS_MAX_LENGTH = 5_000
ABSTRACT_MAX_LENGTH = 10_000
# How many names a paper's page prints before "and N more authors".
AUTHORS_SHOWN = 30
# BibTeX's way of saying an author list goes on (`and others`), stored as a last name.
MORE_AUTHORS = "others"


def normalize_author_list(authors):
    """An author list in its stored form, whoever writes it (the add-a-paper form, the
    admin, an import): each name on one line and without direction overrides or
    invisible characters (shortscience.text), the names comma-separated, none empty.

    Pages print the names beside titles and other names, where a right-to-left
    override left open would turn the rest of the line around.
    """
    # One pass over the whole list: imports call this for millions of papers.
    names = (" ".join(name.split()) for name in strip_controls(authors).split(","))
    return ", ".join(name for name in names if name)


# A paper's year, 0 for none: what sorts papers without a year last, newest first, the
# same on every database (PostgreSQL puts NULL first in a descending order, and SQLite
# allows no NULLS LAST in an index).
YEAR_OR_ZERO = Coalesce("year", 0)


class ShownAuthors(NamedTuple):
    names: list
    rest: str  # "", "and others" or "and 12 more authors"


class PaperQuerySet(models.QuerySet):
    def by_key(self, key):
        """Keys are matched case-insensitively: DBLP and the old site disagree on case."""
        # Lower(), not __iexact: PostgreSQL runs __iexact as UPPER(), which the unique
        # index on LOWER(bibtex_key) cannot serve, and every page would scan the table.
        return self.alias(key_lower=Lower("bibtex_key")).filter(key_lower=key.lower())

    def matching(self, *, keys=(), arxiv_id="", doi=""):
        """Papers known by any of these keys (canonical or alias), this arXiv id or DOI.

        One query, for "is this paper here already?" before a paper is added.
        """
        arxiv_id = identifiers.normalize_arxiv_id(arxiv_id) if arxiv_id else ""
        doi = identifiers.normalize_doi(doi) if doi else ""
        return self.named(keys=keys, arxiv_ids=[arxiv_id], dois=[doi])

    def named(self, *, keys=(), arxiv_ids=(), dois=()):
        """Papers known by any of these keys (canonical or alias), arXiv ids or DOIs,
        the ids and DOIs in their stored form, in one query.

        Each name is compared lowercased, which is what the case-insensitive unique
        indexes on keys, aliases, arXiv ids and DOIs are built on. The ids of the papers
        each kind of name finds are unioned, each part an index lookup: OR-ed into one
        condition with the aliases' subquery, they would cost PostgreSQL a scan of every
        paper.
        """
        keys = {key.lower() for key in keys if key and is_valid_key(key)}
        arxiv_ids = {value.lower() for value in arxiv_ids if value}
        dois = {value.lower() for value in dois if value}
        papers = Paper.objects.order_by()
        found = []
        if keys:
            by_key = papers.annotate(name=Lower("bibtex_key")).filter(name__in=keys)
            by_alias = PaperAlias.objects.annotate(name=Lower("key")).filter(name__in=keys)
            found += [by_key.values("pk"), by_alias.order_by().values("paper_id")]
        # `exclude(… "")` repeats the condition of the partial unique indexes on arXiv id
        # and DOI, without which PostgreSQL cannot use them.
        if arxiv_ids:
            by_arxiv_id = papers.exclude(arxiv_id="").annotate(name=Lower("arxiv_id"))
            found.append(by_arxiv_id.filter(name__in=arxiv_ids).values("pk"))
        if dois:
            by_doi = papers.exclude(doi="").annotate(name=Lower("doi"))
            found.append(by_doi.filter(name__in=dois).values("pk"))
        if not found:
            return self.none()
        return self.filter(pk__in=found[0].union(*found[1:])).annotate(
            key_lower=Lower("bibtex_key"), arxiv_lower=Lower("arxiv_id"), doi_lower=Lower("doi")
        )

    def by_other_name(self, name):
        """Papers that `name` points at without being their key: an alias, arXiv id or DOI.

        An arXiv id is read in any of its spellings (see identifiers.arxiv_id_and_doi).
        """
        arxiv_id, doi = identifiers.arxiv_id_and_doi(name)
        keys = [name] if is_valid_key(name) else []
        return self.matching(keys=keys, arxiv_id=arxiv_id, doi=doi).order_by("pk")

    def resolve(self, name):
        """The paper `name` names (its key, else another name), or None.

        The key is tried alone first: it is what nearly every link uses, and its lookup
        is a single index probe. Either way the answer takes at most two queries.
        """
        if is_valid_key(name) and (paper := self.by_key(name).first()):
            return paper
        return self.by_other_name(name).first()

    def taken_keys(self, prefix):
        """Lowercased keys and alias keys that start with `prefix`, whatever its case."""
        keys = (
            self.filter(bibtex_key__istartswith=prefix)
            .annotate(key_lower=Lower("bibtex_key"))
            .values_list("key_lower", flat=True)
            .order_by()
        )
        aliases = (
            PaperAlias.objects.filter(key__istartswith=prefix)
            .annotate(key_lower=Lower("key"))
            .values_list("key_lower", flat=True)
            .order_by()
        )
        return set(keys.union(aliases))

    def with_public_summaries(self):
        """Papers with at least one public summary (`public_summary_count`, kept by the
        database): a filter on a column, which the venue indexes hold."""
        return self.filter(public_summary_count__gt=0)

    def summarized_in_venue(self, venue):
        """A venue's papers with public summaries, whatever the venue's case, newest year
        first (papers without one last), then newest added: the order of an index
        (paper_venue_recent_idx), so the first of them are read without a sort."""
        return (
            self.filter(venue__iexact=venue)
            .with_public_summaries()
            .order_by(YEAR_OR_ZERO.desc(), "-pk")
        )

    def in_venue(self, venue, year):
        """A venue's papers of one year. Venues match whatever their case, as keys do:
        the old site's venue links are lowercase (`/venue?key=nips`)."""
        return self.filter(venue__iexact=venue, year=year)


def venue_display_name(counts):
    """The spelling a venue is shown under, of spellings that differ only in case:
    `counts` maps each to its number of public summaries; the most used wins, ties go
    to the first in code-point order, the same on every database."""
    return min(counts, key=lambda spelling: (-counts[spelling], spelling))


class Paper(RenderedText, models.Model):
    """A paper, under one canonical BibTeX key.

    Its other names live in two places, each guarded by the database:

    - `arxiv_id` and `doi` are columns here, stored without prefix or version and
      unique whatever their case (where not empty): a paper has at most one of each,
      and the same arXiv id or DOI can never make two papers.
    - Other keys (a DBLP key the paper was added under before its key changed, the old
      site's keys) are rows of PaperAlias, unique whatever their case.

    Keeping arXiv id and DOI on the paper rather than as alias rows means the page,
    the BibTeX entry and the links read them without a join, and the constraint holds
    however a paper is written (admin, command, form).
    """

    # The columns rendered from these, by save() when they change (shortscience.rendered).
    RENDERED_FROM = ("title", "abstract")

    bibtex_key = models.CharField(
        "BibTeX key",
        max_length=KEY_MAX_LENGTH,
        unique=True,
        validators=[validate_bibtex_key],
        help_text="Canonical key, e.g. conf/nips/RenHGS15. May contain slashes.",
    )
    title = models.CharField(max_length=500)
    # The title's inline math rendered (markup.render.render_title), "" for a title
    # without math, which is nearly every one: pages print `shown_title`, feeds and
    # <title> `plain_title`.
    title_html = models.TextField(blank=True, editable=False)
    authors = models.TextField(
        max_length=AUTHORS_MAX_LENGTH, help_text="Comma-separated, in the paper's order."
    )
    # The venue's canonical name ("NeurIPS") when papers.venues knows it, else as the
    # source or user wrote it. Text rather than a foreign key to Venue: every page that
    # prints a paper prints its venue, and would join the venue table for it; the venue
    # pages, feeds, search filter and their indexes (on UPPER(venue), year) work on this
    # column as they did; and most venues of an import (workshops, small journals) are
    # in no table. Writers map a venue to its name (papers.venues) before storing it;
    # `manage.py normalize_venues` re-maps every paper after the table changes.
    venue = models.CharField(max_length=200, blank=True)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    abstract = models.TextField(max_length=ABSTRACT_MAX_LENGTH, blank=True)
    abstract_html = models.TextField(blank=True, editable=False)
    renderer_version = models.PositiveIntegerField(default=0, editable=False)
    url = models.URLField("link", max_length=500, blank=True)
    arxiv_id = models.CharField(
        "arXiv id",
        max_length=50,
        blank=True,
        validators=[identifiers.validate_arxiv_id],
        help_text="Without version, e.g. 1608.06993.",
    )
    doi = models.CharField(
        "DOI",
        max_length=255,
        blank=True,
        validators=[identifiers.validate_doi],
        help_text="Without https://doi.org/, e.g. 10.1109/CVPR.2017.243.",
    )
    # The title as papers.duplicates compares it (normalize_title), kept by save() and
    # written by the imports' bulk paths: "is this title here already?" is one index
    # lookup, not a scan of every paper (paper_normalized_title_idx).
    normalized_title = models.CharField(max_length=500, blank=True, editable=False)
    # Its public summaries (neither private nor hidden), kept by the database: triggers
    # on the summaries table (migration 0016) count every change, however it is made
    # (a post, moderation's update(), a merge, SQL). The venue pages order and filter by
    # it and VenueYear sums it. save() never writes it back (see there).
    public_summary_count = models.PositiveIntegerField(default=0, db_default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PaperQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "title"]
        indexes = [
            # A venue's year page and feed (`in_venue`): venues match whatever their case,
            # which without this index read every paper.
            models.Index(Upper("venue"), "year", name="paper_venue_year_idx"),
            # Of those, the papers with public summaries: a venue's year page, most
            # summarized first, and a venue's page, newest year first. Each is read in
            # its index's order, a page at a time, without grouping the venue's papers.
            models.Index(
                Upper("venue"),
                "year",
                F("public_summary_count").desc(),
                F("id").desc(),
                name="paper_venue_year_top_idx",
                condition=Q(public_summary_count__gt=0),
            ),
            models.Index(
                Upper("venue"),
                YEAR_OR_ZERO.desc(),
                F("id").desc(),
                name="paper_venue_recent_idx",
                condition=Q(public_summary_count__gt=0),
            ),
            # A title's first papers in id order (papers.duplicates.similar_paper, the
            # imports' matching): read in the index's order, up to MAX_CANDIDATES, however
            # many papers share a title such as "Introduction".
            models.Index(fields=["normalized_title", "id"], name="paper_normalized_title_idx"),
        ]
        constraints = [
            models.UniqueConstraint(Lower("bibtex_key"), name="paper_bibtex_key_ci_unique"),
            models.UniqueConstraint(
                Lower("arxiv_id"), condition=~Q(arxiv_id=""), name="paper_arxiv_id_ci_unique"
            ),
            models.UniqueConstraint(Lower("doi"), condition=~Q(doi=""), name="paper_doi_ci_unique"),
            # The stored forms, as far as a portable check can say: the version suffix
            # is stripped by save(), which the uniqueness above relies on too.
            models.CheckConstraint(
                condition=~Q(arxiv_id__istartswith="arxiv:"), name="paper_arxiv_id_bare"
            ),
            models.CheckConstraint(
                condition=Q(doi="") | Q(doi__startswith="10."), name="paper_doi_bare"
            ),
            # A TextField's max_length binds only its form field; these bind every
            # writer (imports with COPY, the admin, SQL), so no page prints megabytes.
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("authors"), AUTHORS_MAX_LENGTH),
                name="paper_authors_max_length",
                violation_error_message=(
                    f"The author list can be at most {AUTHORS_MAX_LENGTH} characters long."
                ),
            ),
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("abstract"), ABSTRACT_MAX_LENGTH),
                name="paper_abstract_max_length",
                violation_error_message=(
                    f"The abstract can be at most {ABSTRACT_MAX_LENGTH} characters long."
                ),
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        from .duplicates import normalize_title

        self.normalize_identifiers()
        self.authors = normalize_author_list(self.authors)
        self.normalized_title = normalize_title(self.title)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "title" in update_fields:
            update_fields = {*update_fields, "normalized_title"}
        update_fields = self.render_for_save(update_fields)
        if not self._state.adding and update_fields is None:
            # The database keeps `public_summary_count`: written back from this
            # instance, it would undo the summaries posted since it was loaded.
            update_fields = _ALL_BUT_KEPT
        kwargs["update_fields"] = update_fields
        super().save(*args, **kwargs)
        self.note_saved()

    def get_absolute_url(self):
        return reverse("papers:detail", args=[self.bibtex_key])

    def clean(self):
        from .venues import canonical

        # Before the constraints are checked: they are about the stored forms.
        self.normalize_identifiers()
        self.authors = normalize_author_list(self.authors)
        # The admin's way in: its spelling of a known venue stored under the venue's name.
        self.venue = canonical(self.venue)

    def normalize_identifiers(self):
        """Store arXiv id and DOI in the one form the uniqueness constraints compare."""
        self.arxiv_id = identifiers.normalize_arxiv_id(self.arxiv_id) or self.arxiv_id.strip()
        self.doi = identifiers.normalize_doi(self.doi) or self.doi.strip()

    def rendered_fields(self):
        """The stored HTML of the abstract and the title, as the current renderer makes
        them."""
        return {
            "abstract_html": self.render_abstract(),
            "title_html": render_title(self.title),
            "renderer_version": RENDERER_VERSION,
        }

    def render_sources(self, sources):
        # A new title alone (a correction, an import) need not render the abstract again,
        # the costly part; the version is the renderer's only when both were rendered.
        if set(sources) >= set(self.RENDERED_FROM):
            return self.rendered_fields()
        if "title" in sources:
            return {"title_html": render_title(self.title)}
        return {"abstract_html": self.render_abstract()}

    def render_abstract(self):
        from .rendering import render_text

        return render_text(self.abstract, flavor="abstract") if self.abstract else ""

    @property
    def shown_title(self):
        """The title as pages print it: with its math rendered, else escaped text."""
        if not self.title_html:
            return escape(self.title)
        # In a box that holds its formulas (static/css/site.css), as user text is held.
        return format_html('<span class="title-math">{}</span>', mark_safe(self.title_html))

    @property
    def plain_title(self):
        """The title as plain text, its math read as the symbols a reader sees (α, x^2):
        for <title>, meta tags, feeds and mail. A formula KaTeX could not read stays as
        written."""
        if not self.title_html or "math-error" in self.title_html:
            return self.title
        return readable_text(self.title_html)

    @property
    def author_list(self):
        return [name.strip() for name in self.authors.split(",") if name.strip()]

    @property
    def short_author_list(self):
        """For lists: long author lists (dozens of names on some papers) end in "et al."."""
        names = self.author_list
        if names[-1:] == [MORE_AUTHORS]:
            return [*names[:-1][:5], "et al."]
        return names if len(names) <= 6 else [*names[:5], "et al."]

    @property
    def shown_authors(self):
        """The names a paper's page prints, at most AUTHORS_SHOWN, and what it says of
        the rest (ShownAuthors).

        A collaboration's thousands of names would make the page megabytes long and
        its first authors hard to find. A stored list that ends in "others" (BibTeX's
        idiom, kept by sources.base.fit_authors) has more authors than it names.
        """
        names = self.author_list
        more = names[-1:] == [MORE_AUTHORS]
        if more:
            names = names[:-1]
        shown, hidden = names[:AUTHORS_SHOWN], len(names[AUTHORS_SHOWN:])
        if not hidden:
            return ShownAuthors(shown, "and others" if more else "")
        noun = "author" if hidden == 1 else "authors"
        return ShownAuthors(shown, f"and {'over ' if more else ''}{hidden:,} more {noun}")

    @property
    def arxiv_url(self):
        return identifiers.arxiv_abs_url(self.arxiv_id) if self.arxiv_id else ""

    @property
    def pdf_url(self):
        return identifiers.arxiv_pdf_url(self.arxiv_id) if self.arxiv_id else ""

    @property
    def doi_url(self):
        return identifiers.doi_url(self.doi) if self.doi else ""

    @property
    def bibtex_entry(self):
        from .sources.bibtex import format_entry

        return format_entry(self)


class PaperAlias(models.Model):
    """Another key that names a paper: a DBLP key it was known by, an old-site key.

    `/paper/<alias>/` and `/paper?bibtexKey=<alias>` redirect to the paper's canonical
    page. Aliases are unique whatever their case, like keys; the code that adds one
    also checks it is nobody's canonical key (papers.services), which a constraint
    across two tables cannot say.
    """

    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="aliases")
    key = models.CharField(
        max_length=KEY_MAX_LENGTH,
        validators=[validate_bibtex_key],
        help_text="e.g. journals/corr/1608.06993 or DBLP:conf/cvpr/HuangLMW17 without DBLP:",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "paper aliases"
        constraints = [
            models.UniqueConstraint(Lower("key"), name="paper_alias_key_ci_unique"),
        ]

    def __str__(self):
        return f"{self.key} → {self.paper.bibtex_key}"


# How long a reason for adding a paper like another may be: a sentence or two.
DISTINCT_REASON_MAX_LENGTH = 500


class DistinctClaim(models.Model):
    """A user's word that the paper they added is not one the site had, which looked
    like it by title, first author and year (papers.duplicates).

    Moderators read these (the admin lists them with both papers): a claim that does
    not hold means two pages for one paper, to be merged.
    """

    paper = models.OneToOneField(
        Paper, on_delete=models.CASCADE, related_name="distinct_claim", help_text="The paper added."
    )
    similar_to = models.ForeignKey(
        Paper,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="The paper it looked like when it was added.",
    )
    reason = models.CharField(
        max_length=DISTINCT_REASON_MAX_LENGTH, help_text="How its adder says it differs."
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "paper added despite a similar one"
        verbose_name_plural = "papers added despite a similar one"
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="distinct_claim_has_reason"),
            models.CheckConstraint(
                condition=~Q(paper=models.F("similar_to")), name="distinct_claim_two_papers"
            ),
        ]

    def __str__(self):
        return f"{self.paper.bibtex_key} is not {self.similar_to.bibtex_key}"


# What `Paper.save()` writes of a stored paper: every field but the count the database
# keeps.
_ALL_BUT_KEPT = tuple(
    field.name
    for field in Paper._meta.concrete_fields
    if not field.primary_key and field.name != "public_summary_count"
)

# Its own module, so that this one stays readable; imported here so Django finds it.
from .history_models import PaperCorrection, PaperRevision  # noqa: E402, F401
from .merge_models import PaperMerge  # noqa: E402, F401
from .venue_models import Venue, VenueAlias, VenueYear  # noqa: E402, F401
