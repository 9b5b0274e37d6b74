"""A search's queries on PostgreSQL are compiled once for each shape (search.queries):
searches that differ only in their words, filters' values or page share statements."""

import pytest
from django.db import connection
from django.urls import reverse

from search import queries
from tests.factories import make_paper

pytestmark = pytest.mark.django_db

SEARCH = reverse("search:results")


@pytest.fixture(autouse=True)
def compiled_afresh():
    if connection.vendor != "postgresql":
        pytest.skip("the compiled statements are PostgreSQL's")
    queries._candidates.cache_clear()
    queries._page.cache_clear()


def shapes():
    return queries._candidates.cache_info().currsize, queries._page.cache_info().currsize


def test_searches_of_one_shape_share_their_statements(client):
    for title in ("Dropout", "Batch normalization", "Layer normalization", "Adam"):
        make_paper(title=title, venue="ICLR", year=2015)
    for query in ("dropout", "batch normalization", "normalization -batch", "adam"):
        assert client.get(SEARCH, {"q": query}).status_code == 200
    # One shape of candidates; a page's shape depends on its texts' lengths only.
    assert shapes() == (1, 1)
    for venue in ("ICLR", "NeurIPS"):
        client.get(SEARCH, {"q": "normalization", "venue": venue})
    assert shapes() == (2, 1)
    client.get(SEARCH, {"q": '"batch normalization"'})
    assert shapes() == (3, 1)


def test_each_search_finds_its_own_words(client):
    make_paper(title="Dropout")
    make_paper(title="Quaternion networks")
    first = client.get(SEARCH, {"q": "dropout"}).content.decode()
    second = client.get(SEARCH, {"q": "quaternion"}).content.decode()
    assert "<mark>Dropout</mark>" in first and "Quaternion" not in first
    assert "<mark>Quaternion</mark>" in second and "Dropout" not in second
