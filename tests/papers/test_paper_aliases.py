"""A paper's other names: aliases, arXiv ids and DOIs, unique and redirecting."""

import importlib

import pytest
from django.apps import apps
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from papers import services
from papers.models import Paper, PaperAlias
from tests.factories import make_paper

pytestmark = pytest.mark.django_db


def get(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return response, len(queries)


# The database's word on it ----------------------------------------------------------


def test_identifiers_are_stored_bare():
    paper = make_paper(arxiv_id=" arXiv:1608.06993v5 ", doi="https://doi.org/10.1109/CVPR.2017.243")
    paper.refresh_from_db()
    assert (paper.arxiv_id, paper.doi) == ("1608.06993", "10.1109/CVPR.2017.243")


@pytest.mark.parametrize("other", ["1608.06993", "1608.06993v2", "arXiv:1608.06993"])
def test_one_arxiv_id_one_paper(other):
    make_paper(arxiv_id="1608.06993")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_paper(arxiv_id=other)


def test_old_style_arxiv_ids_are_unique_whatever_their_case():
    make_paper(arxiv_id="math.GT/0309136")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_paper(arxiv_id="math.gt/0309136v2")


@pytest.mark.parametrize(
    "other",
    ["10.1109/cvpr.2017.243", "doi:10.1109/CVPR.2017.243", "https://doi.org/10.1109/CVPR.2017.243"],
)
def test_one_doi_one_paper(other):
    make_paper(doi="10.1109/CVPR.2017.243")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_paper(doi=other)


def test_papers_without_identifiers_do_not_clash():
    make_paper(arxiv_id="", doi="")
    make_paper(arxiv_id="", doi="")
    assert Paper.objects.count() == 2


@pytest.mark.parametrize(
    "change", [{"arxiv_id": "arXiv:1608.06993"}, {"doi": "https://doi.org/10.1/x"}]
)
def test_prefixed_identifiers_are_refused_even_behind_save(change):
    paper = make_paper()
    with pytest.raises(IntegrityError), transaction.atomic():
        Paper.objects.filter(pk=paper.pk).update(**change)


def test_alias_keys_are_unique_whatever_their_case():
    paper = make_paper()
    PaperAlias.objects.create(paper=paper, key="journals/corr/HuangLW16a")
    with pytest.raises(IntegrityError), transaction.atomic():
        PaperAlias.objects.create(paper=make_paper(), key="JOURNALS/corr/huanglw16a")


# Redirects ----------------------------------------------------------------------------


@pytest.fixture
def densenet():
    paper = make_paper("conf/cvpr/HuangLMW17", arxiv_id="1608.06993", doi="10.1109/CVPR.2017.243")
    PaperAlias.objects.create(paper=paper, key="journals/corr/HuangLW16a")
    return paper


@pytest.mark.parametrize(
    "name",
    [
        "journals/corr/HuangLW16a",
        "JOURNALS/CORR/huanglw16a",
        "1608.06993",
        "1608.06993v2",
        "arXiv:1608.06993",
        "journals/corr/1608.06993",
        "journals/corr/abs-1608-06993",
        "10.48550/arXiv.1608.06993",
        "10.1109/CVPR.2017.243",
        "10.1109/cvpr.2017.243",
        "doi:10.1109/CVPR.2017.243",
    ],
)
def test_other_names_redirect_to_the_canonical_page(client, densenet, name):
    response, queries = get(client, f"/paper/{name}/")
    assert response.status_code == 301
    assert response["Location"] == "/paper/conf/cvpr/HuangLMW17/"
    assert queries <= 2  # the key, then every other name at once


def test_doi_with_characters_no_key_may_hold(client):
    doi = "10.1002/(SICI)1097-4636(199706)35:4<423::AID-JBM3>3.0.CO;2-Q"
    paper = make_paper("journals/jbmr/Old97", doi=doi)
    encoded = "10.1002/(SICI)1097-4636(199706)35:4%3C423::AID-JBM3%3E3.0.CO;2-Q"
    response = client.get(f"/paper/{encoded}/")
    assert response.status_code == 301
    assert response["Location"] == paper.get_absolute_url()


def test_unknown_doi_is_not_known_rather_than_malformed(client):
    response = client.get("/paper/10.1002/(SICI)1097%3C423%3E/")
    assert response.status_code == 404
    assert "This paper is not known here" in response.content.decode()


def test_a_key_beats_an_alias_of_another_paper(client):
    owner = make_paper("conf/x/Same")
    PaperAlias.objects.create(paper=make_paper("conf/x/Other"), key="conf/x/SAME")
    response = client.get("/paper/conf/x/Same/")
    assert response.status_code == 200
    assert response.context["paper"] == owner


def test_redirect_query_count_does_not_grow_with_aliases(client, densenet):
    _, one = get(client, "/paper/journals/corr/HuangLW16a/")
    for n in range(30):
        paper = make_paper(arxiv_id=f"1701.{n:05d}", doi=f"10.1000/{n}")
        PaperAlias.objects.create(paper=paper, key=f"old/key/{n}")
    response, thirty = get(client, "/paper/old/key/29/")
    assert response.status_code == 301
    assert thirty == one == 2


@pytest.mark.parametrize(
    ("query", "location"),
    [
        ("bibtexKey=journals/corr/HuangLW16a&a=ada", "/paper/conf/cvpr/HuangLMW17/#ada"),
        ("bibtexKey=journals/corr/1608.06993", "/paper/conf/cvpr/HuangLMW17/"),
        ("bibtexKey=10.1109/CVPR.2017.243", "/paper/conf/cvpr/HuangLMW17/"),
        ("bibtexKey=conf/cvpr/huanglmw17", "/paper/conf/cvpr/HuangLMW17/"),
    ],
)
def test_old_links_go_to_the_canonical_page_in_one_step(client, densenet, query, location):
    response = client.get(f"/paper?{query}")
    assert response.status_code == 301
    assert response["Location"] == location


# Adding with aliases ----------------------------------------------------------------------


def _fields(**overrides):
    fields = {
        "bibtex_key": "conf/cvpr/HuangLMW17",
        "title": "Densely Connected Convolutional Networks",
        "authors": "Gao Huang",
        "venue": "CVPR",
        "year": 2017,
        "abstract": "",
        "url": "",
        "arxiv_id": "",
        "doi": "",
    }
    return {**fields, **overrides}


def test_add_paper_keeps_other_keys_as_aliases():
    paper, created = services.add_paper(
        aliases=["journals/corr/1608.06993", "CONF/cvpr/HuangLMW17"], **_fields()
    )
    assert created
    assert list(paper.aliases.values_list("key", flat=True)) == ["journals/corr/1608.06993"]


@pytest.mark.parametrize(
    "overrides",
    [
        {"bibtex_key": "CONF/CVPR/HuangLMW17"},
        {"bibtex_key": "Other17", "arxiv_id": "arXiv:1608.06993v3"},
        {"bibtex_key": "Other17", "doi": "10.1109/cvpr.2017.243"},
        {"bibtex_key": "journals/corr/HuangLW16a"},
    ],
)
def test_add_paper_finds_the_paper_already_here(densenet, overrides):
    paper, created = services.add_paper(**_fields(**overrides))
    assert (paper, created) == (densenet, False)
    assert Paper.objects.count() == 1


def test_add_paper_that_loses_a_race_returns_the_winner(monkeypatch, densenet):
    checks = iter([None])
    real = services._existing
    # The first look finds nothing, as when the other user's insert is not yet committed.
    monkeypatch.setattr(services, "_existing", lambda *args: next(checks, None) or real(*args))
    paper, created = services.add_paper(**_fields(bibtex_key="Other17", arxiv_id="1608.06993"))
    assert (paper, created) == (densenet, False)


# The migration that brought the constraints ---------------------------------------------


def test_migration_normalizes_and_clears_repeats():
    migration = importlib.import_module("papers.migrations.0003_aliases_and_unique_identifiers")
    first = make_paper()
    second = make_paper()
    odd = make_paper()
    # Written past save(), as rows from before the migration were (in spellings the
    # constraints, which the migration adds after this step, let through here).
    Paper.objects.filter(pk=first.pk).update(arxiv_id="1608.06993v5", doi="10.1000/X")
    Paper.objects.filter(pk=second.pk).update(arxiv_id="1608.06993v2", doi="10.1000/x ")
    Paper.objects.filter(pk=odd.pk).update(arxiv_id="not an id")
    migration.normalize_identifiers(apps, None)
    rows = dict(Paper.objects.values_list("pk", "arxiv_id"))
    assert rows == {first.pk: "1608.06993", second.pk: "", odd.pk: ""}
    assert Paper.objects.get(pk=first.pk).doi == "10.1000/X"
    assert Paper.objects.get(pk=second.pk).doi == ""
