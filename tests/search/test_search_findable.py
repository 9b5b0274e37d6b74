"""Search finds what researchers type: a paper's identifier or link, a short surname, a
venue or year alone, whole words on SQLite.

Every assertion holds on SQLite (the fallback) and on PostgreSQL (full-text search),
unless it says which database it is about and why.
"""

import re
from urllib.parse import quote

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

import search.models
from papers.lookup import paper_name
from papers.models import PaperAlias
from search.text import Term, contains_word, highlight_terms, parse_query
from tests.factories import make_comment, make_paper, make_summary
from tests.markup.adversarial import CASES as ADVERSARIAL_CASES
from tests.search.test_search import count_line, get, result_links, results
from tests.utils import queries_for

pytestmark = pytest.mark.django_db
SEARCH = reverse("search:results")


def search_response(client, q, **params):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(SEARCH, {"q": q, **params})
    return response, len(queries)


@pytest.fixture
def resnet():
    paper = make_paper(
        "conf/cvpr/HeZRS16",
        title="Deep Residual Learning for Image Recognition",
        authors="Kaiming He, Xiangyu Zhang, Shaoqing Ren, Jian Sun",
        arxiv_id="1512.03385",
        doi="10.1109/CVPR.2016.90",
    )
    PaperAlias.objects.create(paper=paper, key="He2016Deep")
    return paper


# Identifiers ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    ["1512.03385", "1512.03385v2", "arXiv:1512.03385", "arxiv:1512.03385v1",
     "arXiv: 1512.03385", "https://arxiv.org/abs/1512.03385", "arxiv.org/abs/1512.03385v3",
     "https://arxiv.org/pdf/1512.03385.pdf", "http://export.arxiv.org/abs/1512.03385",
     "10.1109/CVPR.2016.90", "10.1109/cvpr.2016.90", "doi:10.1109/CVPR.2016.90",
     "https://doi.org/10.1109/CVPR.2016.90", "https://dx.doi.org/10.1109/CVPR.2016.90",
     "conf/cvpr/HeZRS16", "CONF/CVPR/hezrs16", "He2016Deep", "he2016deep",
     "journals/corr/1512.03385", "http://testserver/paper/conf/cvpr/HeZRS16/",
     "testserver/paper/He2016Deep/", "/paper/conf/cvpr/HeZRS16/",
     "http://127.0.0.1:8000/paper/1512.03385/", "  1512.03385  "],
)  # fmt: skip
def test_an_identifier_of_a_paper_here_goes_to_its_page_in_one_query(client, resnet, query):
    response, queries = search_response(client, query)
    assert response.status_code == 302
    assert response["Location"] == resnet.get_absolute_url()
    assert queries == 1


def test_an_old_style_arxiv_id_goes_to_the_paper(client):
    paper = make_paper(title="Old physics", arxiv_id="hep-th/9901001")
    for query in ("hep-th/9901001", "arXiv:hep-th/9901001v2", "arxiv.org/abs/hep-th/9901001"):
        response, _ = search_response(client, query)
        assert response["Location"] == paper.get_absolute_url(), query


def test_a_key_wins_over_another_papers_arxiv_id(client):
    by_arxiv_id = make_paper(title="Holds the id", arxiv_id="1608.06993")
    by_key = make_paper("1608.06993x1", title="Named so")
    response, _ = search_response(client, "1608.06993x1")
    assert response["Location"] == by_key.get_absolute_url()
    response, _ = search_response(client, "1608.06993")
    assert response["Location"] == by_arxiv_id.get_absolute_url()


@pytest.mark.parametrize(
    ("query", "addable"),
    [("1706.03762", "1706.03762"), ("arXiv:1706.03762v5", "arXiv:1706.03762v5"),
     ("https://arxiv.org/abs/1706.03762", "https://arxiv.org/abs/1706.03762"),
     ("10.1145/3065386", "10.1145/3065386"), ("doi:10.1145/3065386", "doi:10.1145/3065386"),
     ("https://doi.org/10.1145/3065386", "https://doi.org/10.1145/3065386"),
     ("conf/nips/VaswaniSPUJGKP17", "conf/nips/VaswaniSPUJGKP17"),
     ("http://testserver/paper/1706.03762/", "1706.03762")],
)  # fmt: skip
def test_an_identifier_the_site_lacks_says_so_and_offers_to_add_it(client, resnet, query, addable):
    response, queries = search_response(client, query)
    assert response.status_code == 200
    html = response.content.decode()
    assert f"has no paper named “{query}” yet" in html
    add = f'href="{reverse("papers:add")}?text={quote(addable, safe="")}"'
    assert add in html
    assert results(html) == [] and count_line(html) is None
    assert queries == 1  # the lookup; no search for a name


def test_a_link_to_a_missing_page_of_the_site_that_no_source_knows_offers_no_adding(client):
    response, _ = search_response(client, "http://testserver/paper/MyOwnKey2020/")
    html = response.content.decode()
    assert "has no paper named" in html
    assert "search-add-paper" not in html


def test_a_word_that_only_looks_like_a_key_is_searched_for(client):
    paper = make_paper(title="Embeddings with word2vec", abstract="Skip-gram.")
    html = get(client, "word2vec")
    assert result_links(html) == [paper.get_absolute_url()]
    assert "has no paper named" not in html
    # One lookup (no paper has that key), then the search's two queries, and (one
    # result: few) the words looked up for a spelling suggestion.
    assert queries_for(client, f"{SEARCH}?q=word2vec") == 4


@pytest.mark.parametrize(
    "query",
    ["dropout", "residual networks", "ResNet", "Kaiming He", "He", "2016", "1512", "OR",
     '"deep residual"', "-dropout", "https://example.org/paper/x/", "the",
     "@article{x, title={y}}", "/search?q=x", "arxiv: deep learning", "10.1109"],
)  # fmt: skip
def test_a_query_that_is_not_a_name_is_never_looked_up(query):
    assert paper_name(query, hosts={"testserver"}) is None


def test_words_cost_no_lookup(client, resnet):
    make_summary(paper=resnet, body="Residual learning, explained.")
    make_summary(paper=resnet, body="Residual learning, again.")
    # The search and its page (three results: enough not to look for a suggestion).
    assert queries_for(client, f"{SEARCH}?q=residual") == 2
    # With a filter, PostgreSQL estimates the sizes of both sides first (search.plans).
    filtered = 3 if connection.vendor == "postgresql" else 2
    assert queries_for(client, f"{SEARCH}?q=residual+learning&venue=NeurIPS") == filtered


# Short surnames ---------------------------------------------------------------------------


def test_a_surname_that_is_a_stop_word_finds_the_authors_papers(client, resnet):
    make_paper(title="Unrelated", authors="Ada Lovelace", abstract="Then he went home.")
    summary = make_summary(paper=make_paper(title="Other"), body="As He et al. showed.")
    make_comment(summary, body="He said so.")
    for query in ("He", "he", "HE"):
        html = get(client, query)
        # Only the paper with He among its authors: a "he" in a text is a stop word.
        assert result_links(html) == [resnet.get_absolute_url()], query


def test_short_surnames_are_found_on_their_own_and_with_other_words(client):
    ng = make_paper(title="On spectral clustering", authors="Andrew Y. Ng, Michael Jordan")
    li = make_paper(title="ImageNet", authors="Jia Deng, Fei-Fei Li")
    he = make_paper(title="Mask R-CNN", authors="Kaiming He, Ross Girshick")
    make_paper(title="Linear models", abstract="Lines, links and a lion.")
    assert result_links(get(client, "Ng")) == [ng.get_absolute_url()]
    assert result_links(get(client, "Li")) == [li.get_absolute_url()]
    assert result_links(get(client, "Li ImageNet")) == [li.get_absolute_url()]
    assert result_links(get(client, "Kaiming He")) == [he.get_absolute_url()]
    assert result_links(get(client, "He -mask")) == []
    assert result_links(get(client, "He Do")) == []  # every name must be there


def test_stop_words_among_other_words_stay_dropped(client):
    paper = make_paper(title="Attention is all you need", authors="Ashish Vaswani")
    you = make_paper(title="Other things", authors="Yang You")
    assert result_links(get(client, "attention is all you need")) == [paper.get_absolute_url()]
    # Alone, "you" is a name: the title's "you" is not one.
    assert result_links(get(client, "You")) == [you.get_absolute_url()]


def test_a_name_query_costs_what_a_search_does(client, resnet):
    assert queries_for(client, f"{SEARCH}?q=He") == 2


def test_a_name_is_in_the_vector_word_for_word_on_postgresql(resnet):
    """The english config drops "he"; the names' simple part keeps it, at the lowest
    weight. The fallback has no vector (it reads `names` itself)."""
    document = search.models.Document.objects.get(kind="paper", object_id=resnet.pk)
    assert document.names == resnet.authors
    if connection.vendor == "postgresql":
        # Weight D, the default, is the one PostgreSQL does not print.
        assert re.search(r"'he':\d+(?: |$)", document.search_vector)
    else:
        assert document.search_vector is None


def test_documents_other_than_papers_have_no_names(resnet):
    summary = make_summary(paper=resnet, body="Kaiming He wrote it.")
    make_comment(summary, body="He did.")
    names = search.models.Document.objects.exclude(kind="paper").values_list("names", flat=True)
    assert list(names) == ["", ""]


# Filters alone ------------------------------------------------------------------------------


def test_a_venue_alone_lists_its_papers_newest_first(client):
    old = make_paper(title="Old one", venue="ICML", year=2012)
    new = make_paper(title="New one", venue="ICML", year=2019)
    undated = make_paper(title="Undated", venue="icml", year=None)
    make_paper(title="Elsewhere", venue="NeurIPS", year=2019)
    make_summary(paper=new, body="A summary is not a paper.")
    html = get(client, venue="ICML")
    assert result_links(html) == [
        new.get_absolute_url(),
        old.get_absolute_url(),
        undated.get_absolute_url(),
    ]
    assert count_line(html) == "3 papers in ICML, newest first"
    assert "Type a query" not in html


def test_a_year_alone_and_both_filters_list_papers(client):
    a = make_paper(title="A", venue="ICML", year=2019)
    b = make_paper(title="B", venue="NeurIPS", year=2019)
    make_paper(title="C", venue="ICML", year=2018)
    assert result_links(get(client, year=2019)) == [b.get_absolute_url(), a.get_absolute_url()]
    assert result_links(get(client, venue="icml", year=2019)) == [a.get_absolute_url()]
    html = get(client, venue="CVPR", year=2019)
    assert "No papers in CVPR from 2019." in html and results(html) == []


def test_a_listing_is_paginated_bounded_and_costs_two_queries(client, monkeypatch, search_bounds):
    for n in range(12):
        make_paper(title=f"Paper {n}", venue="ICLR", year=2000 + n)
    first = get(client, venue="ICLR")
    assert len(results(first)) == 10
    assert count_line(first) == "12 papers in ICLR, newest first, page 1 of 2"
    second = get(client, venue="ICLR", page=2)
    assert len(results(second)) == 2
    assert "Paper 0" in second and "Paper 11" in first
    assert queries_for(client, f"{SEARCH}?venue=ICLR") == 2
    assert queries_for(client, f"{SEARCH}?venue=ICLR&page=2") == 2

    search_bounds(MAX_RESULTS=3)
    monkeypatch.setattr("search.views.MAX_RESULTS", 3)
    html = get(client, venue="ICLR")
    assert count_line(html) == "3+ papers in ICLR, newest first"
    assert "Only the first 3 papers found are listed" in html


def test_an_invalid_year_alone_still_asks_for_a_query(client):
    make_paper(title="Dropout", year=2014)
    html = get(client, year="fourteen")
    assert "Enter a whole number." in html and "Type a query" in html
    assert results(html) == []


# Whole words ------------------------------------------------------------------------------


def test_a_word_matches_whole_words_only(client):
    ren = make_paper(title="Faster R-CNN", authors="Shaoqing Ren, Kaiming He")
    make_paper(title="Seen differently", abstract="We render it differently.")
    html = get(client, "Ren")
    assert result_links(html) == [ren.get_absolute_url()]
    assert "diffe<mark>" not in html


def test_a_phrase_matches_whole_words_only(client):
    phrase = make_paper(abstract="Deep residual learning works.")
    make_paper(abstract="Deep residual learningless works.")
    assert result_links(get(client, '"residual learning"')) == [phrase.get_absolute_url()]


def test_an_excluded_word_excludes_whole_words_only(client):
    kept = make_paper(title="Networks", abstract="Seen differently.")
    make_paper(title="Networks", abstract="By Ren.")
    assert result_links(get(client, "networks -ren")) == [kept.get_absolute_url()]


@pytest.mark.parametrize(
    ("text", "word", "found"),
    [("Ren, Shaoqing", "ren", True), ("differently", "ren", False), ("REN", "Ren", True),
     ("rendering", "ren", False), ("a_ren", "ren", False), ("x ren_", "ren", False),
     ("diffe ren", "ren", True), ("renren ren", "ren", True), ("", "ren", False),
     (None, "ren", False), ("deep residual nets", "residual nets", True),
     ("deep residual netsx", "residual nets", False), ("GPT-3 works", "gpt-3", True),
     ("Çağlar Gülçehre", "gülçehre", True), ("ab", "", False)],
)  # fmt: skip
def test_contains_word(text, word, found):
    assert contains_word(text, word) is found


def test_contains_word_on_pathological_texts_is_correct():
    """Texts made to defeat a naive scan: a near-miss at every position. The cost is
    linear in the text (times the word's length at most), so these run at once."""
    many = "a" * 1_000_000
    assert not contains_word(many, "a" * 199)
    assert contains_word(many + " " + "a" * 199, "a" * 199)
    near = "ba " * 300_000
    assert not contains_word(near, "a ba ba x")
    assert contains_word(near + "a ba ba x", "a ba ba x")


def test_highlight_marks_whole_words_only():
    html = highlight_terms("Ren renders differently; ren.", [Term("ren")])
    assert html == "<mark>Ren</mark> renders differently; <mark>ren</mark>."


def test_a_query_of_stop_words_is_a_name_query():
    assert parse_query("He").is_name_query
    assert parse_query("He -mask").is_name_query
    assert not parse_query("He mask").is_name_query
    assert not parse_query("OR").is_name_query
    assert not parse_query("-he").is_name_query
    assert not parse_query('"he"').is_name_query  # a phrase is words
    assert [t.text for t in parse_query("He Do").names] == ["He", "Do"]


@pytest.mark.parametrize("name", sorted(ADVERSARIAL_CASES))
def test_whole_words_on_the_adversarial_texts(name):
    """The markup's adversarial corpus, as stored text for the fallback's scan and the
    highlighter: each agrees with a plain whole-word pattern, in one pass."""
    text = ADVERSARIAL_CASES[name]
    for word in ("a", "x", "aaa", "a a", "1", "nothing"):
        expected = re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text, re.IGNORECASE)
        assert contains_word(text, word) is bool(expected), word
        snippet = highlight_terms(text, [Term(word)], max_chars=240)
        assert ("<mark>" in snippet) is bool(expected), word
