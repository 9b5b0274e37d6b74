from functools import reduce
from operator import and_, or_

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import (
    SearchHeadline,
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
    IntegerField,
    Q,
    TextField,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, Left, Upper
from django.db.models.lookups import GreaterThan
from django.urls import reverse

from summaries.models import TEXT_FIELDS, comment_url

from . import plans
from .text import START_SEL, STOP_SEL, STOP_WORDS

# The text search configuration of the stored vectors; the trigger in the migrations
# uses the same one, and a query must too, or its words would be stemmed differently.
SEARCH_CONFIG = "english"
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

# ts_headline parses the whole text it is given, about 0.09 µs a character (as much as
# to_tsvector), so a snippet's cost grows with its text: one 100,000-character summary
# took 13 ms, as much as ranking 500 matches. So it is given a window of a long text
# (_HeadlineWindow), near the first place where one of the query's words starts a word
# in the text's first HEADLINE_SOURCE_CHARS: ten times a typical summary. Looking for
# them there (lower-casing the text and a strpos for each) is linear and costs about a
# tenth of parsing as much. A text whose words lie only further on, or are not found
# (a stem that starts none of its word's forms: "studi", "study"), shows its start,
# unmarked; its title and rank still come from the whole.
HEADLINE_SOURCE_CHARS = 10_000
# The window: room for ts_headline's two fragments of up to 35 words (about 500
# characters) and a choice of where they come from. On the benchmark's pages of ten
# summaries for "neural network" (2,500 characters on average) the page's second query
# took 3.7 ms with the first 10,000 characters, 2.75 ms with this window (1,000: 2.55;
# 1,500: 3.05). Of 4,600 snippets of long texts, 57 lost their mark and 186 gained one
# (1,000 characters: 65 lost; 1,500: 40; the text's first 1,200 characters: 1,332).
HEADLINE_WINDOW_CHARS = 1_200
# The window starts this much before the place found, about 11 words: ts_headline shows
# up to 17 words before a match, and when the window has no match of the whole query
# its first 15 words, which this keeps the word found among.
HEADLINE_LEAD_CHARS = 80
# A text of at most this many bytes (its header says, without reading it) is given to
# ts_headline whole: finding a window for shorter ones costs about what it saves. Per
# text, 1,600 to 2,000 characters took 151 µs whole and 153 µs windowed; 2,000 to 2,500,
# 248 and 174; 3,000 to 4,000, 425 and 206.
HEADLINE_WHOLE_BYTES = 2_000
# At most this many of the query's terms are looked for, with two strpos each.
HEADLINE_TERMS = 6

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
            snippets = _snippets(tsquery, _headline_window("body", parsed.snippet_terms))
            whole = _snippets(tsquery, F("body"))
            windowed = GreaterThan(_OctetLength("body"), HEADLINE_WHOLE_BYTES)
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


def _snippets(tsquery, body):
    """A result's snippet of `body` and its title, the matches marked by ts_headline."""
    return {
        "headline": _headline(
            body, tsquery, max_words=35, min_words=15, max_fragments=2, fragment_delimiter=" … "
        ),
        "title_headline": _headline("title", tsquery, highlight_all=True),
    }


def _headline(field, tsquery, **options):
    return SearchHeadline(
        field, tsquery, config=SEARCH_CONFIG, start_sel=START_SEL, stop_sel=STOP_SEL, **options
    )


def _headline_window(field, terms):
    """The part of a text its snippet is drawn from (HEADLINE_WINDOW_CHARS): near the
    first of the query's `terms` (ParsedQuery.snippet_terms) found, or the text's start."""
    if not terms:
        return Left(field, HEADLINE_WINDOW_CHARS)
    return _HeadlineWindow(field, terms=terms[:HEADLINE_TERMS])


class _HeadlineWindow(Func):
    """A text whole if it is at most HEADLINE_WHOLE_BYTES long, else HEADLINE_WINDOW_CHARS
    characters of its first HEADLINE_SOURCE_CHARS, cut at spaces so that no word shows
    in part: from HEADLINE_LEAD_CHARS before the first place where one of `terms` is
    found (or as near it as the text's end allows), or from its start if none is.

    A word is found where it, or its stem, first starts a word: a stem is usually the
    start of each form of its word ("network" of "networks"), not always ("studi" of
    "study"). A phrase is found where it is as typed, else where the stem of its first
    word is ("neural networks" in "a neural-network decoder"). Both are looked for
    after a space in the lower-cased text, so that "gan" is not found in "organ"; a word
    right after other punctuation is missed. Each step is a subquery of its own, which
    OFFSET 0 keeps PostgreSQL from copying into the next: the text is read, lower-cased
    and measured once.
    """

    output_field = TextField()
    template = """CASE WHEN octet_length(%(text)s) <= %(whole)s THEN %(text)s ELSE (
        SELECT substr(head.text, start.at, CASE WHEN start.at + %(window)s > lowered.chars
            THEN %(window)s ELSE %(window)s - strpos(reverse(
                substr(head.text, start.at + %(window)s - %(lead)s, %(lead)s)), ' ') END)
        FROM (SELECT CASE WHEN octet_length(%(text)s) <= %(source)s THEN %(text)s
            ELSE left(%(text)s, %(source)s) END AS text OFFSET 0) AS head,
        LATERAL (SELECT ' ' || lower(head.text) AS text, length(head.text) AS chars
            OFFSET 0) AS lowered,
        LATERAL (SELECT LEAST(%(places)s) AS at OFFSET 0) AS found,
        LATERAL (SELECT CASE WHEN %(earliest)s = 1 THEN 1 ELSE %(earliest)s
            + strpos(substr(head.text, %(earliest)s, %(lead)s), ' ') END AS at
            OFFSET 0) AS start
    ) END"""
    # Where the window may start: HEADLINE_LEAD_CHARS before the place found, or earlier
    # if that leaves fewer than HEADLINE_WINDOW_CHARS to the end; then it moves on to
    # the next word.
    earliest = (
        "GREATEST(1, LEAST(COALESCE(found.at, 1) - %(lead)s, lowered.chars - %(window)s + 1))"
    )
    # Where a string starts a word of the text, NULL if nowhere (or if it is NULL).
    place = "NULLIF(strpos(lowered.text, ' ' || {}), 0)"
    typed = "lower(%s)"
    stem = "(tsvector_to_array(to_tsvector(%s::regconfig, %s)))[1]"

    def __init__(self, expression, *, terms):
        super().__init__(expression)
        self.terms = terms

    def as_sql(self, compiler, connection, **extra_context):
        text, text_params = compiler.compile(self.source_expressions[0])
        places, params = [], []
        for term in self.terms:
            first = next(word for word in term.words if word.lower() not in STOP_WORDS)
            typed = self.place.format(self.typed)
            if term.is_phrase:
                places.append(f"COALESCE({typed}, {self.place.format(self.stem)})")
                params += [term.text, SEARCH_CONFIG, first]
            else:
                # Its stem is not looked for again when it is the word as typed.
                places += [typed, self.place.format(f"NULLIF({self.stem}, {self.typed})")]
                params += [term.text, SEARCH_CONFIG, first, term.text]
        values = {
            "text": text,
            "whole": HEADLINE_WHOLE_BYTES,
            "window": HEADLINE_WINDOW_CHARS,
            "source": HEADLINE_SOURCE_CHARS,
            "lead": HEADLINE_LEAD_CHARS,
            "places": ", ".join(places),
        }
        sql = self.template % {**values, "earliest": self.earliest % values}
        # The text is in the template before the places, and only there.
        return sql, (*text_params * self.template.count("%(text)s"), *params)


class _OctetLength(Func):
    """A text's length in bytes: read from its header, not counted."""

    function = "octet_length"
    output_field = IntegerField()


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
