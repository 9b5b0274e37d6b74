"""One paper, one page: a paper that looks like one the site has, by title, first
author and year (papers.duplicates), is shown before a second page is made for it."""

import time

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from papers.duplicates import first_surname, normalize_title, similar_paper
from papers.importing import Importer, Record
from papers.models import DistinctClaim, Paper
from tests.factories import make_paper, make_user
from tests.markup.adversarial import CASES, fill

pytestmark = pytest.mark.django_db

ADD = "/papers/add/"
DETAILS = "/papers/add/details/"
RESNET_TITLE = "Deep Residual Learning for Image Recognition"
RESNET_AUTHORS = "Kaiming He, Xiangyu Zhang, Shaoqing Ren, Jian Sun"
SCHOLAR_BIBTEX = (
    "@inproceedings{he2016deep, title={Deep residual learning for image recognition}, "
    "author={He, Kaiming and Zhang, Xiangyu and Ren, Shaoqing and Sun, Jian}, "
    "booktitle={CVPR}, year={2016}}"
)


@pytest.fixture
def resnet():
    return make_paper(
        "conf/cvpr/HeZRS16", title=RESNET_TITLE, authors=RESNET_AUTHORS, venue="CVPR", year=2016
    )


@pytest.fixture
def user_client(client):
    client.force_login(make_user("ada"))
    return client


def details(**overrides):
    """A by-hand details form for a second ResNet, under another key."""
    return {
        "title": "Deep residual learning for image recognition.",
        "authors": "K. He, X. Zhang",
        "venue": "CVPR",
        "year": "2016",
        "abstract": "Residual *blocks*.",
        "bibtex_key": "he2016deep",
        **overrides,
    }


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


# The add page


def test_details_like_a_paper_here_show_it_and_add_nothing(user_client, resnet):
    response = user_client.post(DETAILS, details())
    assert response.status_code == 200
    html = response.content.decode()
    assert "This looks like a paper already here" in html
    assert f'<a class="btn btn-primary go-to-similar" href="{resnet.get_absolute_url()}">' in html
    assert "Kaiming He, Xiangyu Zhang, Shaoqing Ren, Jian Sun" in html
    assert 'href="/venue/CVPR/">CVPR</a> 2016' in html
    assert "Add anyway" in html
    # Everything typed is in the form again.
    form = response.context["form"]
    assert form["abstract"].value() == "Residual *blocks*."
    assert form["bibtex_key"].value() == "he2016deep"
    assert response.context["distinct_form"]["similar_to"].value() == resnet.pk
    assert Paper.objects.count() == 1
    # "Go to that paper" is the paper's page.
    assert user_client.get(resnet.get_absolute_url()).status_code == 200


def test_adding_anyway_needs_a_reason(user_client, resnet):
    response = user_client.post(DETAILS, details(similar_to=resnet.pk, reason="  "))
    assert response.status_code == 400
    assert "Say how your paper differs" in response.content.decode()
    assert response.context["form"]["title"].value() == details()["title"]
    assert Paper.objects.count() == 1
    assert not DistinctClaim.objects.exists()


def test_adding_anyway_with_a_reason_keeps_it(user_client, resnet):
    reason = "The journal version, with new experiments."
    response = user_client.post(DETAILS, details(similar_to=resnet.pk, reason=reason))
    paper = Paper.objects.get(bibtex_key="he2016deep")
    assert response["Location"] == paper.get_absolute_url()
    claim = DistinctClaim.objects.get()
    assert (claim.paper, claim.similar_to, claim.reason) == (paper, resnet, reason)
    assert claim.user.username == "ada"


def test_a_reason_given_against_another_paper_is_asked_again(user_client, resnet):
    other = make_paper(title="Something else", authors="Kaiming He", year=2016)
    response = user_client.post(DETAILS, details(similar_to=other.pk, reason="Not that one."))
    assert response.status_code == 200
    assert response.context["similar"] == resnet
    distinct = response.context["distinct_form"]
    assert (distinct["similar_to"].value(), distinct["reason"].value()) == (
        resnet.pk,
        "Not that one.",
    )
    assert not DistinctClaim.objects.exists()


def test_a_too_long_reason_is_handed_back(user_client, resnet):
    reason = "x" * 501
    response = user_client.post(DETAILS, details(similar_to=resnet.pk, reason=reason))
    assert response.status_code == 400
    assert response.context["distinct_form"]["reason"].value() == reason
    assert not DistinctClaim.objects.exists()


def test_other_errors_keep_the_warning_and_the_reason(user_client, resnet):
    response = user_client.post(
        DETAILS, details(similar_to=resnet.pk, reason="Mine.", year="20016")
    )
    assert response.status_code == 400
    assert response.context["similar"] == resnet
    assert response.context["distinct_form"]["reason"].value() == "Mine."


def test_an_identifier_match_still_goes_straight_to_the_paper(user_client, resnet):
    resnet.doi = "10.1109/CVPR.2016.90"
    resnet.save()
    response = user_client.post(DETAILS, details(doi="10.1109/cvpr.2016.90"))
    assert response["Location"] == resnet.get_absolute_url()


def test_a_different_paper_is_added_without_a_word(user_client, resnet):
    response = user_client.post(DETAILS, details(authors="Someone Else", year="2016"))
    assert response.status_code == 302
    assert Paper.objects.count() == 2
    assert not DistinctClaim.objects.exists()


def test_scholar_bibtex_for_a_paper_here_is_caught(user_client, resnet):
    # Before, this made /paper/he2016deep/ beside conf/cvpr/HeZRS16.
    response = user_client.post(ADD, {"text": SCHOLAR_BIBTEX})
    assert response.status_code == 200
    assert response.context["similar"] == resnet
    assert response.context["form"]["bibtex_key"].value() == "he2016deep"
    html = response.content.decode()
    assert "This looks like a paper already here" in html
    assert f'href="{resnet.get_absolute_url()}"' in html

    # Posting the details as shown, without a reason, adds nothing.
    form = response.context["form"]
    shown = {name: form[name].value() or "" for name in form.fields}
    shown["similar_to"] = response.context["distinct_form"]["similar_to"].value()
    response = user_client.post(DETAILS, shown)
    assert response.status_code == 400
    assert not Paper.objects.filter(bibtex_key="he2016deep").exists()

    response = user_client.post(DETAILS, {**shown, "reason": "A workshop paper of the same name."})
    assert response.status_code == 302
    assert DistinctClaim.objects.get().paper.bibtex_key == "he2016deep"


def test_admin_lists_claims_with_both_papers(admin_client, resnet):
    paper = make_paper("he2016deep", title=RESNET_TITLE, authors=RESNET_AUTHORS, year=2016)
    DistinctClaim.objects.create(paper=paper, similar_to=resnet, reason="A reprint, with errata.")
    html = admin_client.get("/admin/papers/distinctclaim/").content.decode()
    assert "A reprint, with errata." in html
    assert f'href="{paper.get_absolute_url()}"' in html
    assert f'href="{resnet.get_absolute_url()}"' in html
    assert admin_client.get("/admin/papers/distinctclaim/add/").status_code == 403


def test_a_claim_names_two_papers_and_a_reason(resnet):
    paper = make_paper()
    for fields in [{"similar_to": paper, "reason": "x"}, {"similar_to": resnet, "reason": ""}]:
        with pytest.raises(IntegrityError), transaction.atomic():
            DistinctClaim.objects.create(paper=paper, **fields)


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
