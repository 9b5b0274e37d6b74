"""One paper, one page: a paper that looks like one the site has, by title, first
author and year (papers.duplicates), is shown before a second page is made for it."""

import time

import pytest
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor

from papers.duplicates import first_surname, normalize_title, similar_paper
from papers.importing import Importer, Record
from papers.models import Paper

from .factories import make_paper
from .markup.adversarial import CASES, fill

pytestmark = pytest.mark.django_db

RESNET_TITLE = "Deep Residual Learning for Image Recognition"
RESNET_AUTHORS = "Kaiming He, Xiangyu Zhang, Shaoqing Ren, Jian Sun"


@pytest.fixture
def resnet():
    return make_paper(
        "conf/cvpr/HeZRS16", title=RESNET_TITLE, authors=RESNET_AUTHORS, venue="CVPR", year=2016
    )


# The normalisation


@pytest.mark.parametrize(
    "variant",
    [
        "Deep Residual Learning for Image Recognition",
        "deep residual learning for image recognition",
        "DEEP RESIDUAL LEARNING FOR IMAGE RECOGNITION.",
        "{D}eep {R}esidual {L}earning for {I}mage {R}ecognition",
        "Deep residual learning: for image recognition!",
        "  Deep   residual\tlearning for\nimage recognition ",
        "Deep Résidual Learning for Imâge Recognition",
        "Deep Re\u0301sidual Learning for Image Recognition",  # a combining accent
        r"\textbf{Deep} Residual Learning for Image Recognition",
    ],
)
def test_title_variants_normalise_alike(variant):
    assert normalize_title(variant) == "deep residual learning for image recognition"


@pytest.mark.parametrize(
    ("title", "normalized"),
    [
        (r"$\alpha$-GAN: Adversarial Learning", "alphagan adversarial learning"),
        ("α-GAN: Adversarial Learning", "alphagan adversarial learning"),
        ("Alpha-GAN: adversarial learning", "alphagan adversarial learning"),
        (r"$\Gamma$-Nets and $\varepsilon$", "gammanets and epsilon"),
        (r"Schr\"{o}dinger's Cat", "schrodingers cat"),
        ("Schrödinger’s cat", "schrodingers cat"),
        ("Non-local Neural Networks", "nonlocal neural networks"),
        ("Nonlocal neural networks", "nonlocal neural networks"),
        (r"Learning \& Reasoning", "learning reasoning"),
        ("ﬁne-tuning 𝛼", "finetuning alpha"),
        (r"Fran\c{c}ois's \o{}resund", "francoiss øresund"),
        ("Straße", "strasse"),
        ("???", ""),
    ],
)
def test_normalisation(title, normalized):
    assert normalize_title(title) == normalized


# Titles built to slow a scan down, at a summary's full length (200 times a title's):
# the normalisation is one pass per step, so each takes as long as any other text.
PATHOLOGICAL_TITLES = {
    "backslashes": fill("\\"),
    "one long command": "\\" + "a" * 99_999,
    "commands": fill("\\alpha"),
    "accents": fill('\\"'),
    "escapes and braces": fill("\\{\\}$"),
    "greek letters": fill("αβγ"),
    "combining marks": fill("e\u0301\u0302"),
    "dashes and apostrophes": fill("-'’"),
    "spaces": fill(" \t\n"),
}
# CPU seconds, a guard against denial of service generous for a loaded machine (as in
# tests/markup/test_adversarial.py); each case takes a few milliseconds.
GUARD = 2.0


@pytest.mark.parametrize(
    "text",
    [*PATHOLOGICAL_TITLES.values(), *CASES.values()],
    ids=[*PATHOLOGICAL_TITLES, *CASES],
)
def test_pathological_titles_normalise_quickly(text):
    start = time.process_time()
    normalized = normalize_title(text)
    first_surname([text])
    assert time.process_time() - start < GUARD
    assert len(normalized) <= Paper._meta.get_field("normalized_title").max_length
    assert not set("\\{}$") & set(normalized)


def test_normalised_titles_fit_their_column():
    # Greek letters written out are longer than their letters.
    assert len(normalize_title("α" * 500)) == Paper._meta.get_field("normalized_title").max_length


@pytest.mark.parametrize(
    ("names", "surname"),
    [
        (["Kaiming He", "Jian Sun"], "he"),
        (["Laurens van der Maaten"], "maaten"),
        (["L. J. P. Van der Maaten"], "maaten"),
        (["Ludwig van Beethoven"], "beethoven"),
        (["Wei Liu 0005"], "liu"),
        (["Martin Luther King Jr."], "king"),
        (["José Álvarez"], "alvarez"),
        (["others"], ""),
        ([], ""),
        ([""], ""),
    ],
)
def test_first_surname(names, surname):
    assert first_surname(names) == surname


# The match rule


def test_save_keeps_the_normalised_title(resnet):
    assert resnet.normalized_title == "deep residual learning for image recognition"
    resnet.title = "Deep Residual Learning, revised"
    resnet.save(update_fields=["title"])
    resnet.refresh_from_db()
    assert resnet.normalized_title == "deep residual learning revised"


@pytest.mark.parametrize("year", [2015, 2016, 2017, None])
def test_same_title_author_and_close_year_match(resnet, year):
    names = ["K. He", "X. Zhang"]
    assert similar_paper(title="{D}eep residual learning", authors=names, year=year) is None
    assert similar_paper(title=RESNET_TITLE.upper(), authors=names, year=year) == resnet


@pytest.mark.parametrize("year", [2014, 2018])
def test_two_years_apart_do_not_match(resnet, year):
    assert similar_paper(title=RESNET_TITLE, authors=["Kaiming He"], year=year) is None


def test_another_first_author_does_not_match(resnet):
    # The same names in another order: a different first author.
    assert (
        similar_paper(title=RESNET_TITLE, authors=["Xiangyu Zhang", "Kaiming He"], year=2016)
        is None
    )


def test_surnames_match_with_or_without_particles():
    paper = make_paper(
        title="Visualizing Data using t-SNE",
        authors="Laurens van der Maaten, Geoffrey Hinton",
        year=2008,
    )
    for name in ["L. van der Maaten", "Laurens Van Der Maaten", "Laurens Maaten"]:
        assert (
            similar_paper(title="Visualizing data using t-SNE", authors=[name], year=2008) == paper
        )


def test_a_paper_without_a_year_matches_on_title_and_author():
    paper = make_paper(title="An old report", authors="Ada Lovelace", year=None)
    assert similar_paper(title="An Old Report", authors=["A. Lovelace"], year=1843) == paper


def test_the_match_is_one_query(resnet, django_assert_num_queries):
    for n in range(30):
        make_paper(title=RESNET_TITLE, authors=f"Someone Else{n}", year=2016)
    with django_assert_num_queries(1):
        assert similar_paper(title=RESNET_TITLE, authors=["Kaiming He"], year=2016) == resnet
    with django_assert_num_queries(1):
        assert similar_paper(title="Another title", authors=["Kaiming He"], year=2016) is None
    with django_assert_num_queries(0):
        assert similar_paper(title="...", authors=["Kaiming He"], year=2016) is None


def test_the_match_is_an_index_lookup():
    # The column's index, as the planner reports it; PostgreSQL's told not to scan,
    # which on a table this small it would rather do.
    query = Paper.objects.filter(normalized_title="deep residual learning")
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL enable_seqscan = off")
        plan = query.explain()
    assert "normalized_title" in plan
    assert "index" in plan.lower()


# Imports write the column without save(): COPY on PostgreSQL, bulk_create elsewhere


def test_imported_papers_are_matched_later():
    fields = {"title": "{D}eep Residual Learning", "authors": "Kaiming He", "year": 2016}
    Importer(index=False).import_batch([Record("f", 1, "conf/cvpr/HeZRS16", fields)])
    paper = Paper.objects.get()
    assert paper.normalized_title == "deep residual learning"
    assert similar_paper(title="Deep residual learning", authors=["K. He"], year=2016) == paper

    changed = {**fields, "title": "Deep Residual Learning, Again"}
    Importer(index=False).import_batch([Record("f", 2, "conf/cvpr/HeZRS16", changed)])
    paper.refresh_from_db()
    assert paper.normalized_title == "deep residual learning again"


@pytest.mark.django_db(transaction=True)
def test_the_migration_fills_the_column_for_papers_there():
    executor = MigrationExecutor(connection)
    executor.migrate([("papers", "0007_paper_normalized_title_distinct_claim")])
    try:
        old = executor.loader.project_state(
            [("papers", "0007_paper_normalized_title_distinct_claim")]
        )
        OldPaper = old.apps.get_model("papers", "Paper")
        OldPaper.objects.create(bibtex_key="a", title="{A} Title", authors="A B")
        OldPaper.objects.create(bibtex_key="b", title="Another, Title", authors="A B")
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
    assert dict(Paper.objects.values_list("bibtex_key", "normalized_title")) == {
        "a": "a title",
        "b": "another title",
    }
