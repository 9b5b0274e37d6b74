"""A new arXiv paper takes DBLP's key of its published version where DBLP knows it beyond
doubt, keeping `journals/corr/<id>` as another name; DBLP down, slow or confused costs
that key and nothing else. Against recorded DBLP search answers (tests/sources_server.py)."""

import logging
import time

import pytest

from papers.models import Paper
from papers.sources import PaperMetadata, SourceError, dblp
from tests.factories import make_paper, make_user

pytestmark = pytest.mark.django_db

ADD = "/papers/add/"
DETAILS = "/papers/add/details/"
ARXIV_REQUEST = "/arxiv/api/query?id_list=1608.06993&max_results=1"
DBLP_REQUEST = "/dblp/search/publ/api?q=Densely+Connected+Convolutional+Networks&format=json&h=30"


def arxiv_paper(title, authors, year, arxiv_id="2002.01234", doi=""):
    return PaperMetadata(
        source="arXiv", title=title, authors=authors, year=year, arxiv_id=arxiv_id, doi=doi
    )


DENSENET = arxiv_paper(
    "Densely Connected Convolutional Networks",
    ["Gao Huang", "Zhuang Liu", "Laurens van der Maaten", "Kilian Q. Weinberger"],
    2016,
    arxiv_id="1608.06993",
)


# The client and its matching rules.


def test_finds_the_published_version_and_the_preprints_key(recorded_sources):
    versions = dblp.search_versions(DENSENET)
    # Not the CoRR record, nor the other paper whose longer title has the same words.
    assert versions.published.key == "conf/cvpr/HuangLMW17"
    assert (versions.published.venue, versions.published.year) == ("CVPR", 2017)
    assert versions.published.doi == "10.1109/CVPR.2017.243"
    assert versions.preprint_key == "journals/corr/HuangLW16a"
    assert recorded_sources.requests == [DBLP_REQUEST]


def test_titles_match_whatever_their_case_accents_and_punctuation(recorded_sources):
    # A title spelled differently still searches for the same words, and matches.
    paper = arxiv_paper(
        "Densely connected convolutional networks!",
        ["Gáo Huang"],
        2016,
        arxiv_id="1608.06993",
    )
    assert dblp.search_versions(paper).published.key == "conf/cvpr/HuangLMW17"


def test_two_published_versions_leave_the_arxiv_key(recorded_sources):
    # The same title at ICML and in JMLR: which one is "the" paper is the user's call.
    paper = arxiv_paper("Graph Attention Pooling", ["Marta Rossi", "Jan Kowalski"], 2020)
    versions = dblp.search_versions(paper)
    assert versions.published is None
    assert versions.preprint_key == "journals/corr/abs-2002-01234"


def test_the_doi_arxiv_gives_wins_over_a_title(recorded_sources):
    paper = arxiv_paper(
        "Sparse Codes for Images",
        ["João Gonçalves", "René Schröder"],
        2018,
        doi="10.1109/tpami.2019.0000001",
    )
    assert dblp.search_versions(paper).published.key == "journals/pami/GoncalvesS19"


def test_the_same_title_by_another_first_author_is_another_paper(recorded_sources):
    paper = arxiv_paper("Sparse Codes for Images", ["João Gonçalves", "Li Wei"], 2018)
    assert dblp.search_versions(paper).published is None


@pytest.mark.parametrize(("year", "expected"), [(1999, "journals/siamnum/Holm98"), (2015, None)])
def test_a_title_match_needs_nearly_the_same_year(recorded_sources, year, expected):
    # One hit and one author, each written by DBLP as an object rather than a list.
    paper = arxiv_paper("A Note on Sparse Recovery", ["Ingrid Holm"], year)
    published = dblp.search_versions(paper).published
    assert (published.key if published else None) == expected


def test_no_hits(recorded_sources):
    versions = dblp.search_versions(arxiv_paper("Nothing Like This", ["A B"], 2020))
    assert versions == dblp.Versions(published=None, preprint_key="")


def test_query_holds_plain_words_only():
    # DBLP's query syntax gives meaning to | $ * and -.
    assert dblp.search_words("$L_1$-norm | sparse* coding: a study") == (
        "L_1 norm sparse coding a study"
    )


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"<html>busy</html>", "could not be read"),
        (b'{"result": {"status": {"@code": "200"}}}', "could not be read"),
        (b'{"result": {"status": {"@code": "500"}, "hits": {}}}', r"error \(500\)"),
    ],
)
def test_unreadable_or_failed_answers_are_errors(body, message):
    with pytest.raises(SourceError, match=message):
        dblp.parse_search(body)


def test_search_waits_less_than_the_lookup_the_user_asked_for(
    settings, sources_server, monkeypatch
):
    settings.DBLP_URL = f"{sources_server.url}/slow/dblp"
    settings.PAPER_SOURCES_TIMEOUT = 5
    monkeypatch.setattr(dblp, "SEARCH_TIMEOUT", 0.3)
    started = time.monotonic()
    with pytest.raises(SourceError, match=r"^DBLP did not answer within 0\.3 seconds\.$"):
        dblp.search_versions(DENSENET)
    assert time.monotonic() - started < 1.2  # the server would have taken 1.5 s


# Adding a paper.


@pytest.fixture
def user_client(client):
    client.force_login(make_user("ada"))
    return client


def details_of(response):
    form = response.context["form"]
    return {name: form[name].value() for name in form.fields}


def test_an_arxiv_paper_dblp_knows_is_added_under_dblps_key(user_client, client, recorded_sources):
    response = user_client.post(ADD, {"text": "arXiv:1608.06993v5"})
    values = details_of(response)
    assert values["bibtex_key"] == "conf/cvpr/HuangLMW17"
    assert values["other_keys"] == "journals/corr/1608.06993 journals/corr/HuangLW16a"
    html = response.content.decode()
    assert "DBLP lists this paper as published in CVPR 2017" in html
    assert "<code>journals/corr/1608.06993</code> and <code>journals/corr/HuangLW16a</code>" in html
    assert recorded_sources.requests == [ARXIV_REQUEST, DBLP_REQUEST]

    response = user_client.post(DETAILS, {**values, "year": "2017", "source": "arXiv"})

    paper = Paper.objects.get()
    assert response["Location"] == "/paper/conf/cvpr/HuangLMW17/"
    assert (paper.venue, paper.year, paper.arxiv_id, paper.doi) == (
        "CVPR",
        2017,
        "1608.06993",
        "10.1109/CVPR.2017.243",
    )
    assert sorted(paper.aliases.values_list("key", flat=True)) == [
        "journals/corr/1608.06993",
        "journals/corr/HuangLW16a",
    ]
    for name in ("journals/corr/1608.06993", "journals/corr/HuangLW16a", "1608.06993"):
        assert client.get(f"/paper/{name}/")["Location"] == "/paper/conf/cvpr/HuangLMW17/"


def test_an_arxiv_paper_dblp_does_not_know_keeps_the_old_sites_key(user_client, recorded_sources):
    response = user_client.post(ADD, {"text": "cond-mat/0102536"})
    values = details_of(response)
    assert values["bibtex_key"] == "journals/corr/cond-mat/0102536"
    assert (values["venue"], values["other_keys"]) == ("arXiv", "")
    assert "lists this paper as published" not in response.content.decode()
    assert len(recorded_sources.requests) == 2  # DBLP was asked


@pytest.mark.parametrize("prefix", ["/status/500", "/malformed", "/slow", "/closed"])
def test_dblp_failing_falls_back_to_the_arxiv_key_without_a_word(
    user_client, settings, sources_server, recorded_sources, caplog, prefix
):
    if prefix == "/closed":
        settings.DBLP_URL = "http://127.0.0.1:9/dblp"  # nothing listens there
    else:
        settings.DBLP_URL = f"{sources_server.url}{prefix}/dblp"
    settings.PAPER_SOURCES_TIMEOUT = 0.3

    with caplog.at_level(logging.WARNING, logger="papers.sources"):
        response = user_client.post(ADD, {"text": "1608.06993"})

    assert response.status_code == 200
    assert response.templates[0].name == "papers/add_details.html"
    values = details_of(response)
    assert values["title"] == "Densely Connected Convolutional Networks"
    assert (values["bibtex_key"], values["venue"], values["year"], values["other_keys"]) == (
        "journals/corr/1608.06993",
        "arXiv",
        2016,
        "",
    )
    assert "source-error" not in response.content.decode()
    assert "DBLP not asked about arXiv:1608.06993" in caplog.text


def test_a_paper_here_under_the_doi_dblp_gives_is_found(user_client, recorded_sources):
    paper = make_paper("Huang2017Densely", doi="10.1109/CVPR.2017.243")
    response = user_client.post(ADD, {"text": "1608.06993"})
    assert response["Location"] == paper.get_absolute_url()
    assert Paper.objects.count() == 1


def test_a_paper_here_under_the_old_sites_key_is_found_without_asking(user_client):
    # No arXiv id stored, only the old key: tests/settings.py lets nothing be asked.
    paper = make_paper("Huang2017Densely")
    paper.aliases.create(key="journals/corr/1608.06993")
    response = user_client.post(ADD, {"text": "https://arxiv.org/abs/1608.06993"})
    assert response["Location"] == paper.get_absolute_url()


def test_other_keys_that_name_a_paper_here_lead_to_it(user_client):
    paper = make_paper("journals/corr/HuangLW16a")
    data = {
        "title": "T",
        "authors": "A B",
        "bibtex_key": "conf/cvpr/HuangLMW17",
        "other_keys": "journals/corr/1608.06993 journals/corr/HuangLW16a",
    }
    response = user_client.post(DETAILS, data)
    assert response["Location"] == paper.get_absolute_url()
    assert Paper.objects.count() == 1


def test_other_keys_that_are_not_keys_are_dropped(user_client):
    data = {"title": "T", "authors": "A B", "bibtex_key": "Key20", "other_keys": "a//b <x> ok/Key"}
    user_client.post(DETAILS, data)
    assert list(Paper.objects.get().aliases.values_list("key", flat=True)) == ["ok/Key"]
