"""Spelling suggestions (search.suggest): "Did you mean", results for a corrected query,
where the words come from and what they cost.

The page's behaviour holds on both databases: PostgreSQL looks words up by trigrams in
search_word, SQLite compares the latest papers' words with difflib. Tests of the word
table itself run on PostgreSQL only (it stays empty elsewhere).
"""

import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from search import services
from search.models import Word
from search.suggest import Suggestion, _rewrite, suggest, words_to_check
from search.text import parse_query
from summaries.models import Comment, Summary
from tests.factories import make_comment, make_paper, make_summary
from tests.utils import queries_for

pytestmark = pytest.mark.django_db
SEARCH = reverse("search:results")


def on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("the word table is filled on PostgreSQL only")


def get(client, q, **params):
    response = client.get(SEARCH, {"q": q, **params})
    assert response.status_code == 200
    return response.content.decode()


def result_links(html):
    return re.findall(r'<h2[^>]*><a href="([^"]+)"', html)


def suggestion_line(html):
    match = re.search(r'<p class="search-suggestion[^"]*">(.*?)</p>', html, re.S)
    return match and match.group(1)


def text_of(fragment):
    return unescape(re.sub(r"<[^>]+>", "", fragment))


def link_params(fragment, index=0):
    href = unescape(re.findall(r'href="([^"]+)"', fragment)[index])
    parts = urlsplit(href)
    assert parts.path == SEARCH
    return {key: values[0] for key, values in parse_qs(parts.query).items()}


# The page --------------------------------------------------------------------------


def test_a_misspelt_word_that_finds_nothing_shows_the_corrected_results(client):
    paper = make_paper(title="Attention is all you need")
    make_paper(title="Residual learning")
    html = get(client, "atention")
    line = suggestion_line(html)
    assert text_of(line) == "Showing results for attention. Search instead for atention."
    assert "<strong>attention</strong>" in line
    assert link_params(line, 0) == {"q": "attention"}
    assert link_params(line, 1) == {"q": "atention", "verbatim": "1"}
    assert result_links(html) == [paper.get_absolute_url()]
    assert "1 result" in html
    # The box keeps what was typed.
    assert 'value="atention"' in html


def test_search_instead_searches_the_words_as_typed(client):
    make_paper(title="Attention is all you need")
    html = get(client, "atention", verbatim="1")
    assert "No results for “atention”" in html
    assert suggestion_line(html) is None and result_links(html) == []


def test_a_misspelt_surname_suggests_the_author(client):
    paper = make_paper(title="Deep belief nets", authors="Geoffrey Hinton, Simon Osindero")
    html = get(client, "Hinten")
    assert text_of(suggestion_line(html)).startswith("Showing results for Hinton.")
    assert result_links(html) == [paper.get_absolute_url()]


def test_a_swap_of_two_letters_suggests_the_word_not_a_shorter_one(client):
    for n in range(3):
        make_paper(title=f"Net present value {n}")
    paper = make_paper(title="Graph network")
    html = get(client, "netwrok")
    assert text_of(suggestion_line(html)).startswith("Showing results for network.")
    assert result_links(html) == [paper.get_absolute_url()]


def test_few_results_offer_the_suggestion_without_replacing_them(client):
    make_paper(title="Attention is all you need")
    typo = make_paper(title="Notes", abstract="An atention span, misspelt.")
    html = get(client, "atention")
    line = suggestion_line(html)
    assert text_of(line) == "Did you mean: attention?"
    assert link_params(line) == {"q": "attention"}
    assert result_links(html) == [typo.get_absolute_url()]


def test_enough_results_get_no_suggestion(client):
    for n in range(3):
        make_paper(title=f"Notes {n}", abstract="An atention span.")
    make_paper(title="Attention is all you need")
    html = get(client, "atention")
    assert suggestion_line(html) is None
    assert len(result_links(html)) == 3


def test_only_unknown_words_are_replaced_and_the_syntax_is_kept(client):
    paper = make_paper(title="Attention is all you need", authors="Ashish Vaswani")
    html = get(client, '"atention is all" vaswani -Convolutoin')
    line = suggestion_line(html)
    # The excluded word is not corrected: excluding a typo excludes nothing.
    assert link_params(line) == {"q": '"attention is all" vaswani -Convolutoin'}
    assert result_links(html) == [paper.get_absolute_url()]


def test_the_suggestion_links_keep_the_filters_and_start_on_page_one(client):
    make_paper(title="Attention is all you need", venue="NeurIPS", year=2017)
    make_paper(title="Attention elsewhere", venue="ICML", year=2017)
    html = get(client, "atention", venue="neurips", year="2017", page="2")
    line = suggestion_line(html)
    assert link_params(line, 0) == {"q": "attention", "venue": "neurips", "year": "2017"}
    assert link_params(line, 1) == {
        "q": "atention",
        "venue": "neurips",
        "year": "2017",
        "verbatim": "1",
    }


def test_no_suggestion_when_the_suggestion_finds_nothing_either(client):
    make_paper(title="Attention is all you need", venue="NeurIPS")
    html = get(client, "atention", venue="ICML")
    assert suggestion_line(html) is None
    assert "No results for “atention” in ICML" in html


def test_stop_words_are_never_suggested(client):
    make_paper(title="The network of the world")
    html = get(client, "teh")
    assert suggestion_line(html) is None
    assert "No results for “teh”" in html


def test_words_of_private_or_hidden_texts_are_never_suggested(client):
    make_summary(body="Zyxomorphic widgets all around.", is_private=True)
    hidden = make_summary(body="Quorbulent gadgets all around.")
    Summary.objects.filter(pk=hidden.pk).update(is_hidden=True)
    services.index_summary(Summary.objects.get(pk=hidden.pk))
    comment = make_comment(make_summary(), body="Frobnicated thoughts.")
    Comment.objects.filter(pk=comment.pk).update(is_hidden=True)
    services.index_comment(Comment.objects.get(pk=comment.pk))
    for typo in ("zyxomorphik", "quorbulant", "frobnikated"):
        html = get(client, typo)
        assert suggestion_line(html) is None, typo
        assert f"No results for “{typo}”" in html
    assert "zyxomorphic" not in get(client, "zyxomorphik").lower()
    if connection.vendor == "postgresql":
        assert not Word.objects.filter(
            word__in=["zyxomorphic", "quorbulent", "frobnicated", "widgets"]
        ).exists()
    # Even a public summary's words are not suggested: only titles and names are.
    make_summary(body="Glimmerwort in public.")
    assert suggestion_line(get(client, "glimmerwurt")) is None


def test_unknown_words_with_nothing_close_get_no_suggestion(client):
    make_paper(title="Attention is all you need")
    assert suggestion_line(get(client, "qqqqzzzz")) is None


# Cost ------------------------------------------------------------------------------


def test_suggestions_cost_a_constant_number_of_queries(client):
    make_paper(title="Attention is all you need")
    make_paper(title="Attention in graphs", authors="Petar Velickovic")
    for n in range(3):
        make_paper(title=f"Dropout {n}")
    url = f"{SEARCH}?q="
    # Enough results: the search and its page, as before.
    assert queries_for(client, url + "dropout") == 2
    # Nothing, no suggestion: the search and one look-up of every word at once.
    assert queries_for(client, url + "qqqqzzzz") == 2
    assert queries_for(client, url + "qqqqzzzz+wwwwxxxx+yyyyvvvv") == 2
    # Corrected: the search, the words, the suggestion's search, its page.
    assert queries_for(client, url + "atention") == 4
    assert queries_for(client, url + "atention+graps+velikovic") == 4
    # Few results: the search, the words, the page.
    make_paper(title="Notes", abstract="An atention span.")
    assert queries_for(client, url + "atention") == 3
    # Searched as typed: no look-up.
    assert queries_for(client, url + "atention&verbatim=1") == 2


def test_a_query_of_many_words_looks_up_a_bounded_number():
    words = words_to_check(parse_query(" ".join(f"wordnumber{n}" for n in range(30))))
    assert words == [f"wordnumber{n}" for n in range(8)]


# Parts -----------------------------------------------------------------------------


def test_words_to_check_skip_stop_words_short_words_numbers_and_exclusions():
    parsed = parse_query('the GAN 2017 "self-supervised atention" x1 wav2vec -typo OR sparce')
    assert words_to_check(parsed) == ["gan", "self", "supervised", "atention", "wav2vec", "sparce"]


def test_rewrite_keeps_the_case_typed_and_marks_the_corrections():
    suggestion = _rewrite(
        "Hinten ATENTION atention-based atentions", {"hinten": "hinton", "atention": "attention"}
    )
    assert suggestion == Suggestion(
        "Hinton ATTENTION attention-based atentions",
        (
            ("Hinton", True),
            (" ", False),
            ("ATTENTION", True),
            (" ", False),
            ("attention", True),
            ("-based atentions", False),
        ),
    )


def test_suggest_without_words_costs_nothing(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert suggest("the -gan", parse_query("the -gan")) is None


# The word table (PostgreSQL) ---------------------------------------------------------


def test_words_of_titles_and_names_are_added_as_papers_are_written():
    on_postgresql()
    paper = make_paper(title="Capsule networks", authors="Sara Sabour, Geoffrey Hinton")
    words = set(Word.objects.values_list("word", flat=True))
    assert {"capsule", "networks", "sara", "sabour", "geoffrey", "hinton"} <= words
    paper.title = "Dynamic routing between capsules"
    paper.save()
    assert Word.objects.filter(word__in=["dynamic", "routing", "capsules"]).count() == 3
    # Words of one or two letters, numbers and stop-word-only names are kept out of it.
    make_paper(title="A 3D ViT of 2017", authors="Kaiming He")
    assert not Word.objects.filter(word__in=["a", "3d", "2017", "he"]).exists()
    assert Word.objects.filter(word="vit").exists()


def test_refresh_words_drops_words_no_paper_has_and_counts_the_others():
    on_postgresql()
    paper = make_paper(title="Capsule networks", authors="Sara Sabour")
    make_paper(title="Graph networks", authors="Peter Battaglia")
    paper.title = "Dynamic routing"
    paper.save()
    assert Word.objects.filter(word="capsule").exists()
    assert services.refresh_words() == Word.objects.count()
    assert not Word.objects.filter(word="capsule").exists()
    assert Word.objects.get(word="networks").documents == 1
    assert Word.objects.get(word="dynamic").documents == 1
    make_paper(title="Graph attention", authors="Petar Velickovic")
    services.refresh_words()
    assert Word.objects.get(word="graph").documents == 2


def test_reindex_rebuilds_the_words_too(capsys):
    make_paper(title="Capsule networks")
    paper_words = Word.objects.filter(word="capsule")
    if connection.vendor == "postgresql":
        Word.objects.all().delete()
        call_command("reindex", "--words")
        assert "Kept" in capsys.readouterr().out and paper_words.exists()
        Word.objects.all().delete()
        call_command("reindex")
        assert paper_words.exists()
    else:
        call_command("reindex", "--words")
        assert "Kept 0 words" in capsys.readouterr().out
        assert not Word.objects.exists()
