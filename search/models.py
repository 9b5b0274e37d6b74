from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.db.models.functions import Upper
from django.urls import reverse

from summaries.models import TEXT_FIELDS, comment_url, unlisted_author_fields

# The authors' names are also in the vector word for word, through this configuration:
# no stop words, no stemming. "english" drops "he", so that Kaiming He could not be
# found by his surname; a query of such words alone (ParsedQuery.is_name_query) asks
# with this configuration.
NAMES_CONFIG = "simple"

# Words longer than this are not kept for spelling suggestions (search.models.Word):
# they are identifiers or pasted strings more than words anyone misspells.
WORD_MAX_LENGTH = 40


class DocumentQuerySet(models.QuerySet):
    def visible(self):
        """Documents anyone may see.

        Private and hidden summaries (and comments on them) have no documents at all;
        this keeps a row that somehow escaped that rule (a bulk update that skipped the
        signals) out of results and counts as well.
        """
        return self.filter(
            Q(summary__isnull=True) | Q(summary__is_private=False, summary__is_hidden=False)
        )

    def filtered(self, *, venue="", year=None):
        queryset = self
        if venue:
            queryset = queryset.filter(venue__iexact=venue)
        if year is not None:
            queryset = queryset.filter(year=year)
        return queryset

    def for_results(self, *, with_body=True):
        """What a result card prints, joined into the same query, and none of the long
        texts it does not print: a summary's HTML alone can be megabytes. Of a summary's
        author, only the byline (User.BYLINE_FIELDS), as every list of summaries loads
        it. The body is loaded only `with_body`, for snippets made in Python."""
        texts = [f"summary__{name}" for name in TEXT_FIELDS]
        rest = [] if with_body else ["body"]
        return self.select_related("paper", "summary__author").defer(
            "search_vector",
            *rest,
            *texts,
            "paper__abstract",
            "paper__abstract_html",
            *unlisted_author_fields("summary__author"),
        )


class Document(models.Model):
    """One searchable thing: a paper, a public summary or a comment on one.

    The search index lives here rather than on the papers and summaries themselves, and
    is kept in step by search.services. Only public text is ever copied in.
    """

    class Kind(models.TextChoices):
        PAPER = "paper"
        SUMMARY = "summary"
        COMMENT = "comment"

    kind = models.CharField(max_length=10, choices=Kind)
    object_id = models.PositiveBigIntegerField()
    paper = models.ForeignKey("papers.Paper", on_delete=models.CASCADE, related_name="+")
    # The summary itself, or the one a comment is on: for links and bylines, and so that
    # deleting a summary takes its documents (and its comments' documents) with it.
    summary = models.ForeignKey(
        "summaries.Summary", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # Set for papers only: a query that names a paper should find the paper, not also
    # every summary of it.
    title = models.CharField(max_length=500, blank=True)
    body = models.TextField(blank=True)
    # A paper's authors, as in its body, again: indexed word for word (NAMES_CONFIG) for
    # the surnames that are also English stop words. Empty for other documents, whose
    # authors are never indexed.
    names = models.TextField(blank=True)
    venue = models.CharField(max_length=200, blank=True)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Filled by a database trigger on PostgreSQL (see the migrations); NULL elsewhere.
    search_vector = SearchVectorField(null=True, editable=False)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="search_document_object"),
        ]
        indexes = [
            # Created on PostgreSQL only (see search.operations); declared here so that
            # the model and its migrations agree on every database.
            GinIndex(fields=["search_vector"], name="search_document_vector_gin"),
            # The filters. PostgreSQL combines this with the GIN index, so a common word
            # in one venue and year reads only the rows of that venue and year.
            models.Index(Upper("venue"), "year", name="search_document_venue_year"),
            models.Index(fields=["year"], name="search_document_year"),
        ]

    def __str__(self):
        return f"{self.kind} {self.object_id}"

    def get_absolute_url(self):
        if self.kind == self.Kind.PAPER:
            return self.paper.get_absolute_url()
        if self.kind == self.Kind.COMMENT:
            return comment_url(self.summary_id, self.object_id)
        return reverse("summaries:detail", args=[self.summary_id])


class Word(models.Model):
    """A word of the papers' titles and authors' names, for spelling suggestions
    (search.suggest): "atention" finds "attention", "Hinten" "Hinton".

    A small table, tens of thousands of rows where the documents are millions, with a
    trigram index (pg_trgm) on PostgreSQL: the closest words to a typo are found there,
    not by a trigram index on the documents themselves, which would weigh on every
    import. Titles and names only, which are public whatever else is private: a word
    that occurs only in a private or hidden text can never be suggested.

    Filled by triggers as paper documents are written (see the migrations), so that
    every writer keeps it, imports included; words of papers since deleted or retitled
    stay until `manage.py reindex` (services.refresh_words) rebuilds it. Empty on SQLite,
    whose fallback reads titles directly.
    """

    word = models.CharField(max_length=WORD_MAX_LENGTH, primary_key=True)
    # In how many papers' titles and names the word was found when last counted: breaks
    # ties between words as close to a typo, in favour of the common one.
    documents = models.PositiveIntegerField(default=1)

    def __str__(self):
        return self.word
