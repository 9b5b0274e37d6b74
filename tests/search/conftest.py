import pytest

from search import queries


@pytest.fixture
def search_bounds(monkeypatch):
    """Sets search.queries' bounds (MAX_RESULTS, PHRASE_CANDIDATES) for a test. The
    compiled statements hold them in their SQL: they are compiled again with the test's
    bounds, and again after it."""

    def set_bounds(**bounds):
        for name, value in bounds.items():
            monkeypatch.setattr(queries, name, value)
        queries._candidates.cache_clear()

    yield set_bounds
    queries._candidates.cache_clear()
