"""`bench/search.py`'s data builder writes its rows in SQL, past the models: each new
column the site adds must be written there too, or the benchmark stops at its first
INSERT. This builds a small catalogue with it and runs one round of its queries."""

import random

import pytest
from django.db import connection

from accounts.models import User
from papers.duplicates import normalize_title
from papers.models import Paper
from search.models import Document, Word

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_search_benchmark_builds_its_data_and_runs_its_queries(capsys):
    if connection.vendor != "postgresql":
        pytest.skip("the search benchmark writes PostgreSQL")
    from bench import search as search_bench

    search_bench.generate(papers=2_000, summaries=100, comments=50, users=10)

    assert User.objects.count() == 10
    assert Paper.objects.count() == 2_000
    # What the site would store for the titles it generates, so duplicates are found.
    for paper in Paper.objects.order_by("pk")[:50]:
        assert paper.normalized_title == normalize_title(paper.title)
    assert Document.objects.filter(kind=Document.Kind.PAPER).count() == 2_000

    # The words of the titles are there for spelling suggestions.
    title = Paper.objects.order_by("pk").first().title.lower()
    assert Word.objects.filter(word__in=[w for w in title.split() if len(w) > 2]).exists()

    search_bench.run_queries(1, random.Random(1))
    out = capsys.readouterr().out
    assert "searches" in out
    for kind in ("common phrase", "misspelt word", "venue filter", "both filters"):
        assert f"\n{kind} " in out, kind
