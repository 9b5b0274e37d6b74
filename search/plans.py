"""How a search with a filter, or with a phrase, reads the index: chosen by estimates.

PostgreSQL answers `words AND venue` by building the bitmap of every document with the
words (GIN) and of every document of the venue (B-tree), then intersecting them. Its
cost model charges little for either bitmap, but building one takes a fraction of a
microsecond a document, and a common word is in 300,000 documents of a million,
NeurIPS has 250,000: the search took 100-190 ms to return 500 rows that reading 2,000 of
the venue's rows would have found. The same holds for the candidates of a phrase
(queries.PHRASE_CANDIDATES): the GIN index walks the whole list of each of its words,
however few documents are wanted. So, given the planner's own estimates (one EXPLAIN,
planning only), the search is written in whichever of three ways costs least:

- FILTERS_FIRST: the filter's rows are read (its index, or the table in order) and the
  words checked on each until enough match: a common word, or a small venue/year.
  Without a filter, the table read in order: the phrase of common words.
- WORDS_FIRST: the words' rows are read (GIN) and the filter checked on each: a rare
  word in a large venue.
- BOTH: both indexes, as PostgreSQL chooses: a rare word in a small venue/year.

The side not to use an index for is written so that no index answers it (wrapped in
COALESCE), which leaves PostgreSQL no other way.
"""

import json
import re
from enum import Enum

from django.contrib.postgres.search import SearchVectorField
from django.db import connections
from django.db.models import Value
from django.db.models.functions import Coalesce, Upper

# Relative costs, about µs on the 1,000,000-paper benchmark (bench/search.py): a
# posting of the GIN index walked, a document added to a bitmap (from the GIN or the
# venue/year B-tree index), a row read in table order, a row read out of order (each
# on another page, from the OS cache: the table is 30 times shared_buffers).
GIN_POSTING_COST = 0.05
BITMAP_ENTRY_COST = 0.2
SEQUENTIAL_ROW_COST = 0.8
RANDOM_ROW_COST = 5.0
# At most this many of a query's words are estimated one by one.
MAX_WORDS = 5


class Plan(Enum):
    BOTH = "both"
    FILTERS_FIRST = "filters first"
    WORDS_FIRST = "words first"


def choose(documents, tsquery, *, words, venue, year, wanted, unfiltered=False):
    """The cheapest Plan for finding `wanted` matches of `tsquery` among the documents
    of the venue and year, and the estimated number of matches (None when not
    estimated). `words` are tsqueries of the words every match must have (they tell
    how long the index's lists are). One query (an EXPLAIN) when there is a filter;
    without one, BOTH (PostgreSQL's choice) unless `unfiltered`, when the choice is
    between the GIN index and the table read in order (FILTERS_FIRST)."""
    filters = bool(venue) or year is not None
    if not filters and not unfiltered:
        return Plan.BOTH, None
    rows = documents.order_by().values("pk")
    estimates = _estimates(
        documents.db,
        [
            rows.filter(search_vector=tsquery),
            rows.filtered(venue=venue, year=year),
            rows,
            *(rows.filter(search_vector=word) for word in words[:MAX_WORDS]),
        ],
    )
    matches, filtered, total, *each_word = estimates
    # The GIN index walks each word's list, skipping ahead when one is short: about
    # the shortest list once a word.
    postings = len(each_word) * min(each_word) if each_word else matches
    plan = cheapest(matches, filtered, total, wanted, postings=postings, filters=filters)
    return plan, matches


def cheapest(matches, filtered, total, wanted, *, postings=None, filters=True):
    """The Plan of least estimated cost, from the number of documents that match, of
    those the filters leave, of all of them, and of the postings the GIN index walks
    (by default as many as the matches)."""
    matches, filtered, total = max(matches, 1), max(filtered, 1), max(total, 1)
    gin = GIN_POSTING_COST * max(postings or 0, matches) + BITMAP_ENTRY_COST * matches
    # Rows read in table order until `wanted` match both the words and the filter.
    in_order = SEQUENTIAL_ROW_COST * min(total, wanted * total / (matches * filtered / total))
    if filters:
        bitmap = BITMAP_ENTRY_COST * filtered
        # The filter's rows, from its index, until `wanted` have the words; or the
        # table in order, which PostgreSQL prefers for a large filter.
        filters_first = min(
            bitmap + RANDOM_ROW_COST * min(filtered, wanted * total / matches), in_order
        )
    else:
        filters_first = in_order
    costs = {
        Plan.FILTERS_FIRST: filters_first,
        # The words' rows, until `wanted` are in the filter.
        Plan.WORDS_FIRST: gin + RANDOM_ROW_COST * min(matches, wanted * total / filtered),
    }
    if filters:
        costs[Plan.BOTH] = gin + bitmap + RANDOM_ROW_COST * min(matches * filtered / total, wanted)
    return min(costs, key=costs.get)


def matching(documents, tsquery, plan, *, venue, year):
    """The documents of the venue and year that match `tsquery`, written for the plan."""
    if plan is Plan.WORDS_FIRST:
        documents = documents.filter(search_vector=tsquery)
        if venue:
            # As `venue__iexact`, through an expression no index has.
            # The venue may be a Param of a compiled statement (search.queries).
            venue = venue if hasattr(venue, "resolve_expression") else Value(venue)
            documents = documents.alias(_venue=Upper(Coalesce("venue", Value("")))).filter(
                _venue=Upper(venue)
            )
        if year is not None:
            documents = documents.alias(_year=Coalesce("year", 0)).filter(_year=year)
        return documents
    documents = documents.filtered(venue=venue, year=year)
    if plan is Plan.FILTERS_FIRST:
        return documents.alias(_vector=unindexed_vector()).filter(_vector=tsquery)
    return documents.filter(search_vector=tsquery)


def unindexed_vector():
    """The search vector through an expression no index has: a condition on it is
    checked row by row on the rows some other condition found."""
    return Coalesce("search_vector", Value("", output_field=SearchVectorField()))


def _estimates(db, querysets):
    """The planner's estimate of each queryset's rows: one EXPLAIN of them all as
    subqueries of one SELECT, whose plans come numbered in order (a UNION's branches
    may be reordered)."""
    compiled = [queryset.query.sql_with_params() for queryset in querysets]
    sql = "EXPLAIN (FORMAT JSON) SELECT " + ", ".join(f"({branch})" for branch, _ in compiled)
    with connections[db].cursor() as cursor:
        cursor.execute(sql, [param for _, params in compiled for param in params])
        (explained,) = cursor.fetchone()
    if isinstance(explained, str):
        explained = json.loads(explained)
    subplans = sorted(
        (int(_NUMBER.search(node["Subplan Name"]).group()), node["Plan Rows"])
        for node in explained[0]["Plan"]["Plans"]
    )
    return [rows for _, rows in subplans]


_NUMBER = re.compile(r"\d+")
