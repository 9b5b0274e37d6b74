"""The search where the database has no full-text search: SQLite, in development.

Whole words are matched in the titles and texts (and in the authors' names, for a query
of names), and ranked coarsely: enough for a development database to find what was
typed, with the same query syntax as PostgreSQL's (search.text).
"""

from functools import reduce
from operator import and_, or_

from django.db.models import BooleanField, Case, F, Func, Q, Value, When


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


def condition(parsed):
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


def rank(parsed):
    """A coarse rank: two for each word found in the title, one for each in the body.
    Enough to put a paper named after the query first. A query of names alone ranks
    its matches alike (and then newest first), as PostgreSQL nearly does."""
    scores = [
        Case(When(_contains_word(field, term.text), then=Value(weight)), default=0)
        for term in parsed.positive_terms
        for field, weight in (("title", 2), ("body", 1))
    ]
    return reduce(lambda a, b: a + b, scores, Value(0))
