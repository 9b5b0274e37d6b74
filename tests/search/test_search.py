"""The search page, /search?q=: results, snippets, filters, pages, privacy, query counts.

Every assertion holds on SQLite (the fallback) and on PostgreSQL (full-text search): the
texts use whole words that both find, and ranking is only compared where both rank.
"""

import re
from html import unescape
from urllib.parse import parse_qs

import pytest
from django.db import connection
from django.test.signals import template_rendered
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

import search.models
import search.snippets
import search.suggest
from summaries.models import Summary
from tests.factories import make_comment, make_paper, make_summary, make_user
from tests.utils import queries_for

pytestmark = pytest.mark.django_db
SEARCH = reverse("search:results")


def get(client, q=None, **params):
    if q is not None:
        params["q"] = q
    response = client.get(SEARCH, params)
    assert response.status_code == 200
    return response.content.decode()


def results(html):
    """The result cards of a page, as HTML strings, in order."""
    return re.findall(r'<li class="card[^"]*search-result.*?</li>', html, re.S)


def result_links(html):
    return [re.search(r'<h2[^>]*><a href="([^"]+)"', card).group(1) for card in results(html)]


def count_line(html):
    match = re.search(r'class="search-count[^"]*"[^>]*>([^<]*)<', html)
    return match and match.group(1)


def test_without_a_query_asks_for_one(client):
    make_paper(title="Anything at all")
    html = get(client)
    assert "Type a query" in html
    assert results(html) == [] and count_line(html) is None
    assert "<title>Search · ShortScience</title>" in html


def test_finds_papers_by_title_authors_and_abstract(client):
    by_title = make_paper(title="Residual networks")
    by_author = make_paper(authors="Grace Hopper, Ada Lovelace")
    by_abstract = make_paper(abstract="A compiler for residual streams.")
    make_paper(title="Unrelated", abstract="Nothing to see.")

    assert set(result_links(get(client, "residual"))) == {
        by_title.get_absolute_url(),
        by_abstract.get_absolute_url(),
    }
    assert result_links(get(client, "Hopper")) == [by_author.get_absolute_url()]


def test_finds_summaries_and_comments_linking_to_them(client):
    paper = make_paper(title="Batch normalization")
    summary = make_summary(paper=paper, author=make_user("ada"), body="Whitening activations.")
    comment = make_comment(summary, body="Whitening is costly.")

    html = get(client, "whitening")
    assert count_line(html) == "2 results"
    cards = dict(zip(result_links(html), results(html), strict=True))
    summary_card = cards[f"/summaries/{summary.pk}/"]
    comment_card = cards[comment.get_absolute_url()]
    assert ">Summary<" in summary_card and "Batch normalization" in summary_card
    assert 'href="/user/ada/"' in summary_card
    assert ">Comment<" in comment_card and "Batch normalization" in comment_card
    assert (
        'href="/venue/NeurIPS/">NeurIPS</a> 2020' in summary_card
        and "Ada Lovelace, Alan Turing" in summary_card
    )


def test_result_shows_kind_title_and_highlighted_snippet(client):
    paper = make_paper(title="Dropout for residual nets", abstract="Dropout prevents overfitting.")
    card = results(get(client, "overfitting"))[0]
    assert ">Paper<" in card
    assert f'<a href="{paper.get_absolute_url()}">Dropout for residual nets</a>' in card
    assert "<mark>overfitting</mark>" in card


def test_title_matches_are_highlighted(client):
    make_paper(title="Dropout for residual nets")
    card = results(get(client, "dropout"))[0]
    assert "<mark>Dropout</mark> for residual nets</a>" in card


def test_snippets_and_titles_are_escaped(client):
    make_paper(
        title='<script>alert("t")</script> Dropout',
        abstract="Dropout <img src=x onerror=alert(1)> & more dropout.",
    )
    make_summary(body='<b onmouseover="alert(2)">Dropout</b> & "quotes".')
    html = get(client, "dropout")
    assert len(results(html)) == 2
    assert "<script>alert" not in html and "<img src=x" not in html and "<b on" not in html
    assert "&lt;script&gt;alert(&quot;t&quot;)&lt;/script&gt;" in html
    assert "&amp; more" in html
    # Nothing but <mark> is added to the text.
    for card in results(html):
        snippet = re.search(r'class="search-snippet[^"]*">(.*?)</p>', card, re.S).group(1)
        assert set(re.findall(r"</?(\w+)", snippet)) == {"mark"}


def test_title_match_ranks_above_abstract_match(client):
    in_abstract = make_paper(title="Another paper", abstract="We also try dropout here.")
    in_title = make_paper(title="Dropout", abstract="A way to regularize networks.")
    assert result_links(get(client, "dropout")) == [
        in_title.get_absolute_url(),
        in_abstract.get_absolute_url(),
    ]


def test_all_words_must_match(client):
    both = make_paper(title="Residual dropout")
    make_paper(title="Residual only")
    assert result_links(get(client, "residual dropout")) == [both.get_absolute_url()]


def test_quoted_phrase_must_match_as_a_phrase(client):
    phrase = make_paper(abstract="A deep residual learning framework.")
    make_paper(abstract="Learning with residual connections.")
    assert result_links(get(client, '"residual learning"')) == [phrase.get_absolute_url()]


def test_or_and_minus(client):
    gan = make_paper(title="Adversarial generator")
    vae = make_paper(title="Variational autoencoder")
    both = make_paper(title="Adversarial autoencoder")
    assert set(result_links(get(client, "generator OR variational"))) == {
        gan.get_absolute_url(),
        vae.get_absolute_url(),
    }
    assert result_links(get(client, "adversarial -autoencoder")) == [gan.get_absolute_url()]
    assert set(result_links(get(client, "autoencoder"))) == {
        vae.get_absolute_url(),
        both.get_absolute_url(),
    }


def test_count_is_pluralized(client):
    make_paper(title="Dropout")
    assert count_line(get(client, "dropout")) == "1 result"
    for _ in range(11):
        make_paper(title="Dropout")
    assert count_line(get(client, "dropout")).startswith("12 results")


def test_no_results_says_so(client):
    make_paper(title="Dropout")
    html = get(client, "capsules")
    assert "No results for “capsules”" in html
    assert results(html) == [] and count_line(html) is None


def test_query_of_stop_words_or_exclusions_only_finds_nothing(client):
    make_paper(title="The paper")
    for query in ("the", "-dropout", "the -dropout", "-dropout OR paper"):
        html = get(client, query)
        assert "No results for" in html and results(html) == [], query


@pytest.mark.parametrize(
    "query",
    ['"', "'", '""', '"dropout', "dropout\"'", "-", "!", "&", "|", "!!", ":*", "dropout:*",
     "a <-> b", "(dropout", "dropout)", "\\", "%", "_", "OR", "dropout OR", "OR OR OR",
     "drop\x00out", "naïve café", "😀 dropout", "x" * 1000, "dropout " * 100, "é" * 300],
)  # fmt: skip
def test_malformed_queries_never_fail(client, query):
    make_paper(title="Dropout")
    html = get(client, query)
    assert "Search" in html


def test_nul_characters_are_dropped_from_the_query(client):
    make_paper(title="Dropout")
    assert count_line(get(client, "drop\x00out")) == "1 result"


def test_filters_by_venue_any_case_and_by_year(client):
    neurips = make_paper(title="Dropout", venue="NeurIPS", year=2014)
    icml = make_paper(title="Dropout", venue="ICML", year=2014)
    old = make_paper(title="Dropout", venue="NeurIPS", year=2012)
    summary = make_summary(paper=icml, body="More dropout.")

    assert set(result_links(get(client, "dropout", venue="neurips"))) == {
        neurips.get_absolute_url(),
        old.get_absolute_url(),
    }
    assert set(result_links(get(client, "dropout", year=2014))) == {
        neurips.get_absolute_url(),
        icml.get_absolute_url(),
        summary.get_absolute_url(),
    }
    assert result_links(get(client, "dropout", venue="NeurIPS", year=2012)) == [
        old.get_absolute_url()
    ]
    html = get(client, "dropout", venue="CVPR", year=2012)
    assert "No results for “dropout” in CVPR from 2012" in html
    assert 'value="CVPR"' in html and 'value="2012"' in html


def test_invalid_year_is_reported_and_ignored(client):
    make_paper(title="Dropout", year=2014)
    html = get(client, "dropout", year="fourteen")
    assert "Enter a whole number." in html
    assert count_line(html) == "1 result"


def test_ten_a_page_and_links_keep_the_query_and_filters(client):
    for n in range(12):
        make_paper(title=f"Dropout {n}", venue="ICML")
    first = get(client, "dropout", venue="ICML")
    assert len(results(first)) == 10
    assert count_line(first) == "12 results, page 1 of 2"
    next_links = re.findall(r'href="/search\?([^"]*)" rel="next"', first)
    assert [parse_qs(unescape(link)) for link in next_links] == [
        {"q": ["dropout"], "venue": ["ICML"], "page": ["2"]}
    ]

    second = get(client, "dropout", venue="ICML", page=2)
    assert len(results(second)) == 2
    assert not set(result_links(first)) & set(result_links(second))
    assert "“dropout”, page 2 · Search · ShortScience</title>" in second
    assert get(client, "dropout", page="abc") and get(client, "dropout", page=99)


def test_page_title_and_meta(client):
    html = get(client, "dropout")
    assert "<title>“dropout” · Search · ShortScience</title>" in html
    assert '<meta name="robots" content="noindex">' in html
    assert '<meta name="description" content="Search papers, summaries and comments' in html
    assert 'value="dropout"' in html


def test_many_matches_are_capped_and_say_so(client, monkeypatch, search_bounds):
    search_bounds(MAX_RESULTS=3)
    monkeypatch.setattr("search.views.MAX_RESULTS", 3)
    for _ in range(5):
        make_paper(title="Dropout")
    html = get(client, "dropout")
    assert count_line(html) == "3+ results"
    assert "Only the best of the first 3 matches" in html
    assert len(results(html)) == 3


# Privacy ----------------------------------------------------------------------------


def test_private_summary_is_never_found_nor_counted(client):
    author = make_user("private_person")
    paper = make_paper(title="Some paper")
    make_summary(paper=paper, author=author, is_private=True, body="Secret zebra notes.")
    make_summary(paper=paper, body="A public zebra.")
    client.force_login(author)  # not even for its own author

    html = get(client, "zebra")
    assert count_line(html) == "1 result"
    assert "Secret" not in html and "notes" not in html
    assert "No results for “secret”" in get(client, "secret")


def test_comments_on_a_private_summary_are_never_found(client):
    summary = make_summary(is_private=True)
    make_comment(summary, author=summary.author, body="Private giraffe remark.")
    assert "No results for “giraffe”" in get(client, "giraffe")


def test_summary_made_private_disappears_from_results(client):
    summary = make_summary(body="Okapi facts.")
    make_comment(summary, body="Okapi comment.")
    assert count_line(get(client, "okapi")) == "2 results"
    summary.is_private = True
    summary.save()
    assert "No results for “okapi”" in get(client, "okapi")


def test_stale_document_of_a_private_summary_is_neither_shown_nor_counted(client):
    summary = make_summary(body="Okapi facts.")
    make_summary(body="Okapi elsewhere.")
    # A bulk update skips the signals, so the summary's document stays behind.
    Summary.objects.filter(pk=summary.pk).update(is_private=True)
    html = get(client, "okapi")
    assert count_line(html) == "1 result"
    assert "facts" not in html


def test_anonymous_summary_never_reveals_its_author(client):
    author = make_user("secretive")
    summary = make_summary(author=author, is_anonymous=True, body="Capybara insights.")
    make_comment(summary, body="Capybara reply.")

    html = get(client, "capybara")
    assert count_line(html) == "2 results"
    assert "Anonymous" in html
    assert "secretive" not in html
    assert "No results for “secretive”" in get(client, "secretive")


# Query counts -------------------------------------------------------------------------


def test_results_take_two_queries_whatever_their_number(client):
    # Fewer results than search.suggest.SUGGEST_BELOW also look the words up for a
    # spelling suggestion: one query more (tests/search/test_search_suggest.py).
    for _ in range(search.suggest.SUGGEST_BELOW):
        make_summary(body="Dropout once.")
    url = f"{SEARCH}?q=dropout"
    one = queries_for(client, url)
    for n in range(29):
        summary = make_summary(paper=make_paper(title=f"Dropout {n}"), body="Dropout again.")
        make_comment(summary, body="Dropout comment.")
    assert count_line(get(client, "dropout")).startswith("90 results")
    # One query counts, one fetches the page with everything its cards print.
    assert one == queries_for(client, url) == 2
    assert queries_for(client, url + "&page=3") == 2


def test_no_results_and_no_query_cost_two_and_no_query(client):
    # The search, then its words looked up for a suggestion (none here).
    assert queries_for(client, f"{SEARCH}?q=nothing") == 2
    assert queries_for(client, SEARCH) == 0
    # "the" alone is looked for among authors' names (a surname such as "He" is a stop
    # word too): only a query with nothing to look for costs nothing.
    assert queries_for(client, f"{SEARCH}?q=-the") == 0


def test_a_result_page_loads_none_of_the_long_texts_it_does_not_print(client):
    summary = make_summary(body="Quaternions " + "and rotations, " * 5000)
    with CaptureQueriesContext(connection) as queries:
        html = get(client, "quaternions")
    assert result_links(html) == [summary.get_absolute_url()]
    page_query = queries.captured_queries[-1]["sql"]
    for column in ("body_html", "excerpt_html", "abstract_html", "bio_html", "search_vector"):
        assert f'."{column}"' not in page_query, column
    # Of the summary's author, the byline alone, as on every list of summaries.
    for column in ("password", "email", "bio", "last_login", "notify_on_comment"):
        assert f'"accounts_user"."{column}"' not in page_query, column
    assert '"accounts_user"."username"' in page_query


def test_a_snippet_is_drawn_from_the_start_of_a_long_text(client):
    """ts_headline parses what it is given: the snippet comes from the first
    HEADLINE_SOURCE_CHARS of a document, and a match further on still finds it."""
    start = "Opening words about rotations. "
    filler = "and more words, " * (search.snippets.HEADLINE_SOURCE_CHARS // 16 + 10)
    summary = make_summary(body=start + filler + " quaternions at the very end.")
    html = get(client, "quaternions")
    assert result_links(html) == [summary.get_absolute_url()]
    snippet = re.search(r'<p class="search-snippet[^>]*>(.*?)</p>', html, re.S).group(1)
    if connection.vendor == "postgresql":
        assert snippet.startswith("Opening words about rotations")
        assert "<mark>" not in snippet


def test_snippets_show_formulas_as_their_symbols_not_as_latex(client):
    make_summary(body=r"Adam with $\beta_1 = 0.9$ and **momentum** converges.")
    html = get(client, "momentum")
    snippet = unescape(re.search(r'<p class="search-snippet[^>]*>(.*?)</p>', html, re.S).group(1))
    assert "β_1=0.9" in snippet
    assert "$" not in snippet and "\\beta" not in snippet and "**" not in snippet


def test_a_result_is_rendered_once_its_marks_filled_in_for_each_query(client):
    summary = make_summary(body="Residual streams carry gradients through deep stacks.")
    rendered = []

    def seen(sender, template, **kwargs):
        if template.name == "search/_result.html":
            rendered.append(template.name)

    template_rendered.connect(seen)
    try:
        first = results(get(client, "residual"))
        second = results(get(client, "gradients"))
    finally:
        template_rendered.disconnect(seen)
    assert len(first) == len(second) == 1 and len(rendered) == 1
    assert "<mark>Residual</mark>" in first[0] and "<mark>gradients</mark>" not in first[0]
    assert "<mark>gradients</mark>" in second[0] and "<mark>Residual</mark>" not in second[0]
    assert f'href="/user/{summary.author.username}/"' in second[0]
