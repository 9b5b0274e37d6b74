"""How a search reads the index at scale (search.plans, phrases in search.models): the
plan chosen for a filter from the estimated sizes, the same results whichever plan, and
a phrase looked for in a bounded number of candidates.

Plans and the phrase bound are PostgreSQL's; the results they must give are checked on
both databases where SQLite has them too.
"""

import pytest
from django.contrib.postgres.search import SearchQuery
from django.db import connection
from django.urls import reverse

from search import plans, queries
from search.models import Document
from search.plans import Plan
from search.text import parse_query
from summaries.models import Summary
from tests.factories import make_paper, make_summary
from tests.utils import queries_for

pytestmark = pytest.mark.django_db
SEARCH = reverse("search:results")
MILLION = 1_135_000


def on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("plans and the phrase bound are PostgreSQL's")


def found(query, **filters):
    results = queries.search(query, parse_query(query), **filters)
    return set(Document.objects.filter(pk__in=results.ranked_ids()).values_list("title", flat=True))


# Choosing --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("words", "filtered", "plan"),
    [
        # A common word in a venue: its rows hold 500 matches soon.
        (334_000, 57_000, Plan.FILTERS_FIRST),
        # Any word in one venue's year: a couple of thousand rows in all.
        (272_000, 2_000, Plan.FILTERS_FIRST),
        # A rare word in the largest venue: the word's rows, checked for the venue.
        (5_700, 257_000, Plan.WORDS_FIRST),
        # A less rare word in the largest venue: still cheaper than the venue's bitmap.
        (47_000, 257_000, Plan.WORDS_FIRST),
        # A mid word in the largest venue: the table in order finds 500 soon enough.
        (103_000, 257_000, Plan.FILTERS_FIRST),
        # A rare word in a venue's year: both bitmaps are small, and few rows have both.
        (20_000, 20_000, Plan.BOTH),
    ],
)  # fmt: skip
def test_the_cheapest_plan_for_a_filter(words, filtered, plan):
    assert plans.cheapest(words, filtered, MILLION, 500) is plan


def test_without_a_filter_a_phrase_of_common_words_reads_the_table_in_order():
    assert plans.cheapest(117_000, MILLION, MILLION, 1_000, filters=False) is Plan.FILTERS_FIRST
    # One rare word among them: the index finds the few documents with all of them.
    assert plans.cheapest(900, MILLION, MILLION, 1_000, filters=False) is Plan.WORDS_FIRST


def test_no_estimate_without_a_filter(django_assert_num_queries):
    tsquery = SearchQuery("dropout", config="english")
    with django_assert_num_queries(0):
        choice = plans.choose(
            Document.objects.all(), tsquery, words=[tsquery], venue="", year=None, wanted=500
        )
    assert choice == (Plan.BOTH, None)


def test_the_estimates_are_the_planners_in_order(django_assert_num_queries):
    on_postgresql()
    for n in range(6):
        make_paper(title=f"Dropout {n}", venue="ICML" if n < 2 else "NeurIPS", year=2020)
    documents = Document.objects.order_by().values("pk")
    querysets = [
        documents.filter(search_vector=SearchQuery("dropout", config="english")),
        documents.filtered(venue="icml", year=2020),
        documents,
        documents.filter(pk=1),
    ]
    with django_assert_num_queries(1):
        words, filtered, total, one = plans._estimates("default", querysets)
    # Estimates, not counts: each within the table, a primary key's one row.
    assert 0 < words <= total and 0 < filtered <= total
    assert one == 1
    with django_assert_num_queries(1):
        plan, estimate = plans.choose(
            Document.objects.all(),
            SearchQuery("dropout", config="english"),
            words=[SearchQuery("dropout", config="english")],
            venue="ICML",
            year=None,
            wanted=500,
        )
    assert isinstance(plan, Plan) and estimate == words


@pytest.mark.parametrize("plan", list(Plan))
def test_every_plan_finds_the_same_documents(plan):
    on_postgresql()
    make_paper(title="Dropout in ICML 2020", venue="ICML", year=2020)
    make_paper(title="Dropout in icml 2019", venue="icml", year=2019)
    make_paper(title="Dropout in NeurIPS 2020", venue="NeurIPS", year=2020)
    make_paper(title="Batch norm in ICML 2020", venue="ICML", year=2020)
    tsquery = SearchQuery("dropout", config="english")

    def titles(**filters):
        matches = plans.matching(Document.objects.all(), tsquery, plan, **filters)
        return set(matches.values_list("title", flat=True))

    assert titles(venue="Icml", year=2020) == {"Dropout in ICML 2020"}
    assert titles(venue="ICML", year=None) == {"Dropout in ICML 2020", "Dropout in icml 2019"}
    assert titles(venue="", year=2020) == {"Dropout in ICML 2020", "Dropout in NeurIPS 2020"}


def test_a_search_with_a_filter_costs_one_query_more_on_postgresql(client):
    for n in range(3):
        make_paper(title=f"Dropout {n}", venue="ICML")
    estimate = 1 if connection.vendor == "postgresql" else 0
    assert queries_for(client, f"{SEARCH}?q=dropout&venue=ICML") == 2 + estimate
    assert queries_for(client, f"{SEARCH}?q=dropout&year=2020") == 2 + estimate
    assert queries_for(client, f"{SEARCH}?q=dropout") == 2


# Phrases ---------------------------------------------------------------------------------


def test_phrases_as_words_loosen_only_what_they_can():
    assert parse_query('"deep residual" learning -gan').phrases_as_words == (
        '"deep" "residual" "learning" -"gan"'
    )
    # Each word quoted: none is read as an operator.
    assert parse_query('"this or -that"').phrases_as_words == '"this" "or" "-that"'
    for query in ["deep residual", '"deep residual" OR resnet', 'resnet -"deep residual"']:
        assert parse_query(query).phrases_as_words is None, query


def test_a_phrase_matches_words_in_order_only():
    make_paper(title="Deep residual learning")
    make_paper(title="Residual deep learning")
    make_paper(title="Deep learning")
    assert found('"deep residual"') == {"Deep residual learning"}
    assert found('"deep residual" learning -image') == {"Deep residual learning"}
    assert found('"residual deep"', venue="NeurIPS") == {"Residual deep learning"}
    assert found('"deep residual"', venue="ICML") == set()


def test_a_phrase_never_finds_a_private_summary_left_in_the_index():
    summary = make_summary(body="Deep residual learning, summarised at length here.")
    assert found('"deep residual"') == {""}
    # A bulk update skips the signals, so the summary's document stays behind.
    Summary.objects.filter(pk=summary.pk).update(is_private=True)
    assert found('"deep residual"') == set()


def test_a_phrase_is_looked_for_in_a_bounded_number_of_candidates(search_bounds):
    on_postgresql()
    for n in range(4):
        make_paper(title=f"Deep residual learning {n}")
    make_paper(title="Residual deep learning")
    assert len(found('"deep residual"')) == 4
    # Of the documents with both words, only the first three the index yields are read
    # for the phrase: three of the four that have it are found, whatever their order.
    search_bounds(PHRASE_CANDIDATES=3)
    assert len(found('"deep residual"') - {"Residual deep learning"}) <= 3
    assert "Residual deep learning" not in found('"deep residual"')
    assert len(found("deep residual")) == 5


def test_a_phrase_costs_one_query_more_on_postgresql(client):
    make_paper(title="Deep residual learning")
    estimate = 1 if connection.vendor == "postgresql" else 0
    assert queries_for(client, f'{SEARCH}?q="deep+residual"') == 2 + estimate + 1
    # Three results: no spelling suggestion to look for.
    for n in range(2):
        make_paper(title=f"Deep residual networks {n}")
    assert queries_for(client, f'{SEARCH}?q="deep+residual"') == 2 + estimate


def test_the_page_says_when_a_phrase_was_not_looked_for_everywhere(client, search_bounds):
    on_postgresql()
    for n in range(6):
        make_paper(title=f"Deep residual learning {n}")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE search_document")
    html = client.get(SEARCH, {"q": '"deep residual"'}).content.decode()
    assert "search-phrase-bounded" not in html
    search_bounds(PHRASE_CANDIDATES=2)
    html = client.get(SEARCH, {"q": '"deep residual"'}).content.decode()
    assert "A phrase is looked for in the first 2 documents that have all its words" in html
    # Without quotes, every document with the words is found.
    html = client.get(SEARCH, {"q": "deep residual"}).content.decode()
    assert "search-phrase-bounded" not in html and "6 results" in html
