from functools import reduce
from operator import and_, or_

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    SearchVectorField,
)
from django.db import connections, models
from django.db.models import (
    BooleanField,
    Case,
    F,
    Func,
    Q,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, Upper
from django.db.models.lookups import GreaterThan
from django.urls import reverse

from shortscience.dbfunctions import OctetLength
from summaries.models import TEXT_FIELDS, comment_url

from . import plans
from .snippets import HEADLINE_WHOLE_BYTES, headline_window
from .snippets import snippets as make_snippets
from .text import SEARCH_CONFIG

# The authors' names are also in the vector word for word, through this configuration:
# no stop words, no stemming. "english" drops "he", so that Kaiming He could not be
# found by his surname; a query of such words alone (ParsedQuery.is_name_query) asks
# with this configuration.
NAMES_CONFIG = "simple"

# At most this many matches are counted and ranked. Ranking reads each match's vector,
# so a word found in half of a million documents would take seconds; a bound keeps the
# work of every query small whatever the data. Up to this many matches, results are
# exact; beyond it, the best of the first MAX_RESULTS matches found (in table order) are
# shown and the count says "500+". Fifty pages is more than anyone reads, and each
# halving of the bound takes about a quarter off the time of a common word's search.
MAX_RESULTS = 500

# A query with a phrase looks for it in at most this many documents having all its
# words (DocumentQuerySet._phrase_matches): as many as the matches a search ranks. At
# a million papers, reading 1,000 of them took up to 45 ms for a phrase of common
# words (one document in 50 has all of them), 500 up to 20 ms.
PHRASE_CANDIDATES = MAX_RESULTS


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
        texts it does not print: a summary's HTML alone can be megabytes. The body is
        loaded only `with_body`, for snippets made in Python."""
        texts = [f"summary__{name}" for name in TEXT_FIELDS]
        rest = [] if with_body else ["body"]
        return self.select_related("paper", "summary__author").defer(
            "search_vector",
            *rest,
            *texts,
            "paper__abstract",
            "paper__abstract_html",
            "summary__author__bio",
            "summary__author__bio_html",
        )

    def search(self, query, parsed, *, venue="", year=None):
        """The ranked matches of a query, as SearchResults (for the paginator).

        `query` is the text as typed; `parsed` is its ParsedQuery, which the fallback
        uses; `venue` and `year` filter as filtered() does. Only the first MAX_RESULTS
        matches are considered, for the count and for the ranking alike, so that the
        pages always add up to the count. Only visible documents match.

        On PostgreSQL, a search with a filter first asks the planner how many rows
        the words and the filter each have, and is written accordingly (search.plans):
        one query more.
        """
        phrase_bounded = False
        if connections[self.db].vendor == "postgresql":
            tsquery = SearchQuery(query, config=SEARCH_CONFIG, search_type="websearch")
            if parsed.is_name_query:
                # The english query keeps only the exclusions, if any; the names are
                # ANDed to it (an empty tsquery leaves the other side as it is).
                names = " ".join(term.text for term in parsed.names)
                tsquery &= SearchQuery(names, config=NAMES_CONFIG, search_type="plain")
            required = [
                SearchQuery(word, config=SEARCH_CONFIG, search_type="plain")
                for word in parsed.required_words
            ]
            estimated = {"words": required, "venue": venue, "year": year}
            words = parsed.phrases_as_words
            if words is None:
                plan, _ = plans.choose(self, tsquery, wanted=MAX_RESULTS, **estimated)
                matches = plans.matching(self, tsquery, plan, venue=venue, year=year).visible()
            else:
                loose = SearchQuery(words, config=SEARCH_CONFIG, search_type="websearch")
                plan, with_words = plans.choose(
                    self, loose, wanted=PHRASE_CANDIDATES, unfiltered=True, **estimated
                )
                candidates = plans.matching(self, loose, plan, venue=venue, year=year)
                matches = self._phrase_matches(candidates, tsquery)
                # Estimated: the page says the phrase may be in documents not read.
                phrase_bounded = with_words > PHRASE_CANDIDATES
            rank = SearchRank(F("search_vector"), tsquery)
            snippets = make_snippets(tsquery, headline_window("body", parsed.snippet_terms))
            whole = make_snippets(tsquery, F("body"))
            windowed = GreaterThan(OctetLength("body"), HEADLINE_WHOLE_BYTES)
        elif parsed.is_searchable or parsed.is_name_query:
            matches = (
                self.filtered(venue=venue, year=year).visible().filter(_fallback_condition(parsed))
            )
            rank, snippets, whole, windowed = _fallback_rank(parsed), {}, {}, Value(False)
        else:
            matches, rank, snippets, whole, windowed = self.none(), Value(0), {}, {}, Value(False)
        candidates = (
            matches.order_by()
            .annotate(rank=rank, windowed=windowed)
            .values_list("pk", "rank", "windowed")
        )
        return SearchResults(
            candidates[:MAX_RESULTS], snippets, whole_snippets=whole, phrase_bounded=phrase_bounded
        )

    def _phrase_matches(self, candidates, tsquery):
        """A query's matches when it has a phrase, looked for in the first
        PHRASE_CANDIDATES documents (in index order) that have all its words: the
        `candidates`, which match ParsedQuery.phrases_as_words.

        The GIN index holds no word positions: every document with all the words of
        a phrase must be read to check their order, and for a phrase of common words
        that is a tenth of the table (1.6 s at a million papers) for a handful of
        matches. Past the bound, as past MAX_RESULTS, the results are those of the
        documents found first. The phrase is checked as each candidate is read, and
        only the rows that have it are read again (by primary key) to be ranked and
        checked for visibility: a join to the summaries over every candidate made
        PostgreSQL read all of them.
        """
        candidates = (
            candidates.order_by()
            .annotate(has_phrase=_Matches(F("search_vector"), tsquery))
            .values_list("pk", "has_phrase")[:PHRASE_CANDIDATES]
        )
        sql, params = candidates.query.sql_with_params()
        found = RawSQL(
            f"SELECT found.id FROM ({sql}) AS found (id, has_phrase) WHERE found.has_phrase", params
        )
        return Document.objects.using(self.db).visible().filter(pk__in=found)

    def listing(self):
        """The papers these filters leave, newest first, as SearchResults: what a venue
        or a year without words lists.

        Bounded as a search is: the first MAX_RESULTS papers the filter's index yields
        are sorted by year (then the newest added first) and counted, with no snippets
        to make but the start of each text.
        """
        candidates = (
            self.visible()
            .filter(kind=Document.Kind.PAPER)
            .order_by()
            .annotate(rank=Coalesce("year", 0), windowed=Value(False))
            .values_list("pk", "rank", "windowed")
        )
        return SearchResults(candidates[:MAX_RESULTS], {})


class SearchResults:
    """A query's matches, best first, as Paginator takes them: count() and slices.

    Two queries in all. The first finds the candidates (at most MAX_RESULTS) with their
    rank, computed as each is found, and they are sorted here, best first: the count is
    their number, so the match runs once for both, and no candidate is looked up twice.
    The second joins only the page's rows to what a result card prints and gives them
    their snippets: joining every candidate would cost more than the ranking.
    """

    def __init__(self, candidates, snippets, *, whole_snippets=None, phrase_bounded=False):
        self.candidates = candidates  # (pk, rank, windowed) rows
        self.snippets = snippets
        # The same for a page none of whose texts is longer than HEADLINE_WHOLE_BYTES
        # (the candidates' `windowed`), each given whole: without the window's SQL,
        # which takes PostgreSQL 0.2 ms to plan, a tenth of such a page's query.
        self.whole_snippets = whole_snippets or snippets
        # More documents than PHRASE_CANDIDATES (estimated) have the words of the
        # query's phrase: it was not looked for in all of them.
        self.phrase_bounded = phrase_bounded
        self._ranked_ids = self._windowed = None

    def ranked_ids(self):
        if self._ranked_ids is None:
            ranked = sorted(self.candidates, key=lambda row: (row[1], row[0]), reverse=True)
            self._ranked_ids = [pk for pk, _, _ in ranked]
            self._windowed = {pk for pk, _, windowed in ranked if windowed}
        return self._ranked_ids

    def count(self):
        return len(self.ranked_ids())

    def __getitem__(self, index):
        if not isinstance(index, slice):
            raise TypeError("SearchResults only takes slices")
        page_ids = self.ranked_ids()[index]
        if not page_ids:
            return []
        windowed = not self._windowed.isdisjoint(page_ids)
        rows = (
            Document.objects.using(self.candidates.db)
            .filter(pk__in=page_ids)
            .for_results(with_body=not self.snippets)
            .annotate(**(self.snippets if windowed else self.whole_snippets))
        )
        position = {pk: n for n, pk in enumerate(page_ids)}
        return sorted(rows, key=lambda row: position[row.pk])


class _Matches(Func):
    """vector @@ query, as a value: for a condition evaluated where no index answers it."""

    template = "(%(expressions)s)"
    arg_joiner = " @@ "
    output_field = BooleanField()


class ContainsWord(Func):
    """Whether a column holds a word (or phrase) as whole words, on SQLite: the Python
    function search.apps registers on each connection (search.text.contains_word).

    LIKE first, then the function: SQLite's LIKE is compiled C and rules out nearly
    every row, so the Python call is made for the few that hold the letters somewhere.
    """

    function = "search_contains_word"
    output_field = BooleanField()


def _contains_word(field, text):
    return Q(**{f"{field}__icontains": text}) & Q(ContainsWord(F(field), Value(text)))


def _fallback_condition(parsed):
    """AND of the clauses, each an OR of whole-word matches in the title or the body;
    for a query of names, each name in the authors' names as well."""

    def contains(term):
        return _contains_word("title", term.text) | _contains_word("body", term.text)

    def alternative(term):
        return ~contains(term) if term.negated else contains(term)

    conditions = [reduce(or_, map(alternative, clause)) for clause in parsed.clauses]
    if parsed.is_name_query:
        conditions += [_contains_word("names", term.text) for term in parsed.names]
    return reduce(and_, conditions)


def _fallback_rank(parsed):
    """A coarse rank: two for each word found in the title, one for each in the body.
    Enough to put a paper named after the query first. A query of names alone ranks
    its matches alike (and then newest first), as PostgreSQL nearly does."""
    scores = [
        Case(When(_contains_word(field, term.text), then=Value(weight)), default=0)
        for term in parsed.positive_terms
        for field, weight in (("title", 2), ("body", 1))
    ]
    return reduce(lambda a, b: a + b, scores, Value(0))


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
