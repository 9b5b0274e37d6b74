"""A search's ranked matches and its pages of results, for search.views and the API.

Two queries a search, whatever the data (SearchResults): the candidates, at most
MAX_RESULTS matches with their rank, sorted here; then the page's rows, joined to what a
result card prints, with their snippets.

On PostgreSQL both are statements compiled once per process (shortscience.prepared).
Building and compiling the two querysets, with their search expressions and snippet
windows, and loading their rows through the ORM took 2.2 ms of a search's 5.6 ms of
Python on the benchmark's data. What a query's SQL depends on, beyond its values, is
its shape (Shape): whether it is a query of names, has a phrase, which plan reads the
index (search.plans), which filters it has; and, for the page, which of the terms a
snippet is drawn near are phrases and whether a text of the page is long enough to be
windowed (search.snippets). A few dozen shapes in all, each compiled the first time it
is met; the values (the query's text, names and words, the filters, the page's ids,
the snippet's terms) are Params.

Elsewhere (SQLite, in development) the queries are built on each search, with the
fallback's conditions (search.fallback).
"""

from dataclasses import dataclass
from functools import lru_cache
from operator import itemgetter

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connections, router
from django.db.models import BooleanField, CharField, F, Func, IntegerField, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.db.models.lookups import GreaterThan

from shortscience.dbfunctions import OctetLength
from shortscience.prepared import Among, Param, Statement

from . import fallback, plans
from .models import NAMES_CONFIG, Document
from .snippets import HEADLINE_WHOLE_BYTES, headline_window, window_places
from .snippets import snippets as make_snippets
from .text import SEARCH_CONFIG

# At most this many matches are counted and ranked. Ranking reads each match's vector,
# so a word found in half of a million documents would take seconds; a bound keeps the
# work of every query small whatever the data. Up to this many matches, results are
# exact; beyond it, the best of the first MAX_RESULTS matches found (in table order) are
# shown and the count says "500+". Fifty pages is more than anyone reads, and each
# halving of the bound takes about a quarter off the time of a common word's search.
MAX_RESULTS = 500

# A query with a phrase looks for it in at most this many documents having all its
# words (_phrase_matches): as many as the matches a search ranks. At a million papers,
# reading 1,000 of them took up to 45 ms for a phrase of common words (one document in
# 50 has all of them), 500 up to 20 ms. Both bounds are in the compiled statements' SQL.
PHRASE_CANDIDATES = MAX_RESULTS

# The candidates' bitmap of index matches is kept this small, so that it turns lossy
# (a page's bit rather than each row's) early. An exact bitmap of every match costs
# about half a microsecond a match to build, sort and free, though only the first
# MAX_RESULTS are read. At 100,000 summaries, in PostgreSQL CPU ms with the default
# 4 MB and with 256 kB: "attention transformer" (19,000 matches) 11.0 and 7.7, "graph"
# 8.7 and 4.6, "bert" 7.9 and 5.1, "policy gradient" 4.3 and 3.5. The rows of a lossy
# page are checked again as they are read, which costs more where the matches are
# fewer than the pages read: "lstm" 3.7 and 4.3, "contrastive" 2.1 and 2.8. Twelve
# queries cost 20% less in all at 256 kB, and the dearest a third less. Halving it
# again took another 9% off the same twelve (the mean of two alternated runs each:
# "attention transformer" 7.6 and 6.2, "bert" 4.3 and 2.9, "reinforcement learning"
# 6.3 and 5.4; "policy gradient" 3.2 and 3.6, "nerf" 1.4 and 1.8); 64 kB, the least
# PostgreSQL allows, measured no better than 128 kB. The same rows come first either
# way (table order), so the results are the same.
CANDIDATES_SETTINGS = {"work_mem": "128kB"}

# The candidates ranked by PostgreSQL, as _ranked() ranks them, in one row of two
# arrays: the ids best first and the ids of the long texts. Sorting 500 rows there
# costs less than reading them into Python and sorting them here did.
_RANKED = (
    "SELECT COALESCE(array_agg(pk ORDER BY rank DESC, pk DESC), ARRAY[]::bigint[]),"
    " COALESCE(array_agg(pk) FILTER (WHERE windowed), ARRAY[]::bigint[])"
    " FROM ({}) AS candidates"
)

_QUERY = Param("query", CharField())
_NAMES = Param("names", CharField())
_WORDS = Param("words", CharField())
_VENUE = Param("venue", CharField())
_YEAR = Param("year", IntegerField())


def search(query, parsed, *, venue="", year=None):
    """The ranked matches of a query, as SearchResults (for the paginator).

    `query` is the text as typed; `parsed` is its ParsedQuery; `venue` and `year`
    filter as DocumentQuerySet.filtered() does. Only the first MAX_RESULTS matches are
    considered, for the count and for the ranking alike, so that the pages always add
    up to the count. Only visible documents match.

    On PostgreSQL, a search with a filter or a phrase first asks the planner how many
    rows the words and the filter each have, and is written accordingly (search.plans):
    one query more.
    """
    db = router.db_for_read(Document)
    if connections[db].vendor == "postgresql":
        return _search_postgresql(db, query, parsed, venue=venue, year=year)
    documents = Document.objects.using(db)
    if parsed.is_searchable or parsed.is_name_query:
        matches = documents.filtered(venue=venue, year=year).visible()
        matches, rank = matches.filter(fallback.condition(parsed)), fallback.rank(parsed)
    else:
        matches, rank = documents.none(), Value(0)
    candidates = (
        matches.order_by()
        .annotate(rank=rank, windowed=Value(False))
        .values_list("pk", "rank", "windowed")[:MAX_RESULTS]
    )
    return SearchResults(lambda: _ranked(candidates), _orm_page(db), db=db)


def listing(*, venue="", year=None):
    """The papers of a venue or a year, newest first, as SearchResults: what the filters
    without words list.

    Bounded as a search is: the first MAX_RESULTS papers the filter's index yields are
    sorted by year (then the newest added first) and counted, with no snippets to make
    but the start of each text.
    """
    db = router.db_for_read(Document)
    candidates = (
        Document.objects.using(db)
        .filtered(venue=venue, year=year)
        .visible()
        .filter(kind=Document.Kind.PAPER)
        .order_by()
        .annotate(rank=Coalesce("year", 0), windowed=Value(False))
        .values_list("pk", "rank", "windowed")[:MAX_RESULTS]
    )
    return SearchResults(lambda: _ranked(candidates), _orm_page(db), db=db)


class SearchResults:
    """A query's matches, best first, as Paginator takes them: count() and slices.

    Two queries in all. The first finds the candidates (at most MAX_RESULTS) with their
    rank, computed as each is found, and they are sorted here, best first: the count is
    their number, so the match runs once for both, and no candidate is looked up twice.
    The second joins only the page's rows to what a result card prints and gives them
    their snippets: joining every candidate would cost more than the ranking.

    `rank()` gives the candidates' ids, best first, and the set of those whose text is
    longer than HEADLINE_WHOLE_BYTES; `page(ids, windowed)` the documents of a page, in
    any order, their snippets made by PostgreSQL's ts_headline if `snippets` (as
    `headline` and `title_headline`), drawn from a window of each long text if
    `windowed` (some of the page's texts are long).
    """

    def __init__(self, rank, page, *, db, snippets=False, phrase_bounded=False):
        self._rank = rank
        self._page = page
        self.db = db
        self.snippets = snippets
        # More documents than PHRASE_CANDIDATES (estimated) have the words of the
        # query's phrase: it was not looked for in all of them.
        self.phrase_bounded = phrase_bounded
        self._ranked_ids = self._windowed = None

    def ranked_ids(self):
        if self._ranked_ids is None:
            self._ranked_ids, self._windowed = self._rank()
        return self._ranked_ids

    def count(self):
        return len(self.ranked_ids())

    def __getitem__(self, index):
        if not isinstance(index, slice):
            raise TypeError("SearchResults only takes slices")
        page_ids = self.ranked_ids()[index]
        if not page_ids:
            return []
        rows = self._page(page_ids, not self._windowed.isdisjoint(page_ids))
        position = {pk: n for n, pk in enumerate(page_ids)}
        return sorted(rows, key=lambda row: position[row.pk])


def _ranked(candidates):
    """The ids of (pk, rank, windowed) rows, best first (among equals, the newest
    first), and the set of those windowed."""
    rows = sorted(candidates, key=itemgetter(1, 0), reverse=True)
    return [row[0] for row in rows], {row[0] for row in rows if row[2]}


def _orm_page(db):
    def page(ids, windowed):
        return Document.objects.using(db).filter(pk__in=ids).for_results()

    return page


# PostgreSQL -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Shape:
    """What a search's SQL depends on beyond its values."""

    names: bool  # a query of names alone (ParsedQuery.is_name_query)
    phrase: bool  # with a phrase, looked for among the documents with all its words
    plan: plans.Plan
    venue: bool
    year: bool


def _search_postgresql(db, query, parsed, *, venue, year):
    names = " ".join(term.text for term in parsed.names)
    words = parsed.phrases_as_words
    documents = Document.objects.using(db)
    estimated = {
        "words": [_word(word) for word in parsed.required_words],
        "venue": venue,
        "year": year,
    }
    phrase_bounded = False
    if words is None:
        tsquery = _tsquery(query, names if parsed.is_name_query else None)
        plan, _ = plans.choose(documents, tsquery, wanted=MAX_RESULTS, **estimated)
    else:
        loose = SearchQuery(words, config=SEARCH_CONFIG, search_type="websearch")
        plan, with_words = plans.choose(
            documents, loose, wanted=PHRASE_CANDIDATES, unfiltered=True, **estimated
        )
        # Estimated: the page says the phrase may be in documents not read.
        phrase_bounded = with_words > PHRASE_CANDIDATES
    shape = Shape(parsed.is_name_query, words is not None, plan, bool(venue), year is not None)
    values = {"query": query, "names": names, "words": words, "venue": venue, "year": year}
    places = window_places(parsed.snippet_terms)
    for n, (_, text, first) in enumerate(places):
        values |= {f"term{n}": text, f"first{n}": first}
    phrases = tuple(is_phrase for is_phrase, _, _ in places)

    def rank():
        ((ranked, windowed),) = _candidates(shape).tuples(**values)
        return ranked, set(windowed)

    def page(ids, windowed):
        return _page(shape.names, phrases if windowed else None).instances(ids=ids, **values)

    return SearchResults(rank, page, db=db, snippets=True, phrase_bounded=phrase_bounded)


def _word(word):
    return SearchQuery(word, config=SEARCH_CONFIG, search_type="plain")


def _tsquery(query, names):
    """The query's tsquery; for a query of names, its names ANDed to it word for word:
    the english query keeps only the exclusions, if any (an empty tsquery leaves the
    other side as it is)."""
    tsquery = SearchQuery(query, config=SEARCH_CONFIG, search_type="websearch")
    if names is not None:
        tsquery &= SearchQuery(names, config=NAMES_CONFIG, search_type="plain")
    return tsquery


@lru_cache(maxsize=64)
def _candidates(shape):
    """The candidates of a search of this shape, ranked: one row of two arrays (_RANKED)."""

    def build():
        tsquery = _tsquery(_QUERY, _NAMES if shape.names else None)
        venue, year = _VENUE if shape.venue else "", _YEAR if shape.year else None
        documents = Document.objects.all()
        if shape.phrase:
            loose = SearchQuery(_WORDS, config=SEARCH_CONFIG, search_type="websearch")
            having_words = plans.matching(documents, loose, shape.plan, venue=venue, year=year)
            matches = _phrase_matches(having_words, tsquery)
        else:
            matches = plans.matching(documents, tsquery, shape.plan, venue=venue, year=year)
        return (
            matches.visible()
            .order_by()
            .annotate(
                rank=SearchRank(F("search_vector"), tsquery),
                windowed=GreaterThan(OctetLength("body"), HEADLINE_WHOLE_BYTES),
            )
            .values("pk", "rank", "windowed")[:MAX_RESULTS]
        )

    return Statement(build, settings=CANDIDATES_SETTINGS, around=_RANKED)


@lru_cache(maxsize=256)
def _page(names, phrases):
    """A page of results of a query of names or not, as documents with their paper,
    summary and author, and their snippets: drawn from a window near the terms of
    `phrases` (whether each is a phrase, window_places), or from each text whole if
    `phrases` is None, when none of the page's texts is longer than
    HEADLINE_WHOLE_BYTES: without the window's SQL, which takes PostgreSQL 0.2 ms to
    plan, a tenth of such a page's query."""

    def build():
        tsquery = _tsquery(_QUERY, _NAMES if names else None)
        if phrases is None:
            body = F("body")
        else:
            places = [
                (is_phrase, Param(f"term{n}", CharField()), Param(f"first{n}", CharField()))
                for n, is_phrase in enumerate(phrases)
            ]
            body = headline_window("body", places)
        return (
            Document.objects.filter(Among(F("pk"), "ids"))
            .for_results(with_body=False)
            .annotate(**make_snippets(tsquery, body))
        )

    return Statement(build)


def _phrase_matches(candidates, tsquery):
    """A query's matches when it has a phrase, looked for in the first
    PHRASE_CANDIDATES documents (in index order) that have all its words: the
    `candidates`, which match ParsedQuery.phrases_as_words.

    The GIN index holds no word positions: every document with all the words of a
    phrase must be read to check their order, and for a phrase of common words that is
    a tenth of the table (1.6 s at a million papers) for a handful of matches. Past the
    bound, as past MAX_RESULTS, the results are those of the documents found first. The
    phrase is checked as each candidate is read, and only the rows that have it are
    read again (by primary key) to be ranked and checked for visibility: a join to the
    summaries over every candidate made PostgreSQL read all of them.
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
    return Document.objects.filter(pk__in=found)


class _Matches(Func):
    """vector @@ query, as a value: for a condition evaluated where no index answers it."""

    template = "(%(expressions)s)"
    arg_joiner = " @@ "
    output_field = BooleanField()
