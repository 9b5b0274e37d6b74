"""Length limits on the texts a page prints: forms say what is over and keep the text,
the database refuses the rest, and what comes from outside is shortened to fit."""

import json
import re
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from papers import sources
from papers.models import (
    ABSTRACT_MAX_LENGTH,
    AUTHORS_MAX_LENGTH,
    AUTHORS_SHOWN,
    Paper,
)
from papers.sources.base import PaperMetadata, fit, fit_authors, fit_text
from tests.factories import make_paper, make_user

pytestmark = pytest.mark.django_db

DETAILS = reverse("papers:add_details")
SETTINGS_URL = reverse("accounts:settings")


@pytest.fixture
def user_client(client):
    client.force_login(make_user("ada"))
    return client


def names(count):
    """`count` distinct author names of 12 characters each."""
    return [f"Author {n:05d}" for n in range(1, count + 1)]


def short_names(count):
    """`count` distinct names as short as they come, for a long list that fits."""
    return [f"N{n}" for n in range(1, count + 1)]


def words(length):
    """Text of about `length` characters, in words of five letters."""
    return ("lorem " * (length // 6 + 1))[:length].rstrip()


# Forms -----------------------------------------------------------------------------


def paper_data(**changes):
    return {"title": "T", "authors": "A B", "bibtex_key": "Key20", **changes}


@pytest.mark.parametrize(
    ("field", "limit", "what"),
    [
        ("title", 500, "The title"),
        ("venue", 200, "The venue"),
        ("authors", AUTHORS_MAX_LENGTH, "The author list"),
        ("abstract", ABSTRACT_MAX_LENGTH, "The abstract"),
    ],
)
def test_paper_form_names_the_limit_and_keeps_the_text(user_client, field, limit, what):
    value = "x" * (limit + 1)
    response = user_client.post(DETAILS, paper_data(**{field: value}))
    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors[field] == [
        f"{what} can be at most {limit} characters long (it has {limit + 1}). Please shorten it."
    ]
    assert form[field].value() == value
    html = response.content.decode()
    assert f"(it has {limit + 1})" in html
    # The browser must not cut a pasted text either.
    assert not re.search(rf'name="{field}"[^>]*maxlength', html)
    assert not Paper.objects.exists()


@pytest.mark.parametrize(
    ("field", "limit"),
    [("title", 500), ("venue", 200), ("authors", AUTHORS_MAX_LENGTH), ("abstract", 10_000)],
)
def test_paper_form_takes_a_text_of_exactly_the_limit(user_client, field, limit):
    response = user_client.post(DETAILS, paper_data(**{field: "x" * limit}))
    assert response.status_code == 302
    assert len(getattr(Paper.objects.get(), field)) == limit


def test_paper_form_refuses_a_doi_longer_than_it_stores(user_client):
    doi = "10.1234/" + "x" * 250
    response = user_client.post(DETAILS, paper_data(doi=f"https://doi.org/{doi}"))
    assert response.status_code == 400
    assert response.context["form"].errors["doi"] == [
        "The DOI can be at most 255 characters long (it has 258). Please shorten it."
    ]
    assert not Paper.objects.exists()


def test_display_name_names_the_limit_and_keeps_the_text(client):
    client.force_login(make_user("ada"))
    name = "Ada " * 20 + "L"  # 81 characters
    response = client.post(SETTINGS_URL, {"display_name": name, "bio": "Hi"})
    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors["display_name"] == [
        "Your display name can be at most 80 characters long (it has 81). Please shorten it."
    ]
    assert form["display_name"].value() == name
    assert 'maxlength="80"' not in response.content.decode()
    assert client.post(SETTINGS_URL, {"display_name": name[:80]}).status_code == 302


# The database ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "limit"), [("authors", AUTHORS_MAX_LENGTH), ("abstract", ABSTRACT_MAX_LENGTH)]
)
def test_database_refuses_longer_texts_however_written(field, limit):
    paper = make_paper(**{field: "y" * limit})
    with pytest.raises(IntegrityError), transaction.atomic():
        make_paper(**{field: "y" * (limit + 1)})
    # An update() skips save() and every form.
    with pytest.raises(IntegrityError), transaction.atomic():
        Paper.objects.filter(pk=paper.pk).update(**{field: "y" * (limit + 1)})
    assert len(getattr(Paper.objects.get(pk=paper.pk), field)) == limit


def test_model_validation_says_which_limit():
    paper = Paper(bibtex_key="Key20", title="T", authors="z" * (AUTHORS_MAX_LENGTH + 1))
    with pytest.raises(ValidationError) as error:
        paper.full_clean()
    assert f"The author list can be at most {AUTHORS_MAX_LENGTH} characters long." in str(
        error.value
    )


# Shortening --------------------------------------------------------------------------


def test_long_author_list_keeps_its_first_authors_whole_and_says_others():
    authors = names(3000)
    kept = fit_authors(authors)
    assert kept[-1] == "others"
    assert kept[:-1] == authors[: len(kept) - 1]
    stored = ", ".join(kept)
    assert len(stored) <= AUTHORS_MAX_LENGTH
    # Not one more name would have fit.
    assert len(stored) + len(authors[len(kept) - 1]) + 2 > AUTHORS_MAX_LENGTH
    assert fit_authors(authors[:10]) == authors[:10]


def test_one_name_longer_than_the_limit_is_cut_at_a_word():
    kept = fit_authors([words(6000), "B"])
    assert kept[0].endswith("…") and kept[-1] == "others"
    assert len(", ".join(kept)) <= AUTHORS_MAX_LENGTH


def test_text_is_cut_at_a_word_with_an_ellipsis():
    text = "one two three four"
    assert fit_text(text, 12) == "one two…"
    assert fit_text(text, len(text)) == text
    # A word that ends right at the limit is kept whole.
    assert fit_text(text, 9) == "one two…"
    # No space in the second half (a formula, a link): cut where it must be.
    assert fit_text("a " + "b" * 40, 20) == "a " + "b" * 17 + "…"


def test_sources_hand_back_details_that_fit():
    entry = (
        "@article{Atlas2012, title={Observation of a new particle}, author={"
        + " and ".join(names(600))
        + "}, abstract={"
        + words(12_000)
        + "}, year={2012}}"
    )
    metadata = sources.fetch(sources.identify(entry))
    assert metadata.shortened == ["authors", "abstract"]
    assert metadata.authors[0] == "Author 00001" and metadata.authors[-1] == "others"
    assert len(", ".join(metadata.authors)) <= AUTHORS_MAX_LENGTH
    assert len(metadata.abstract) <= ABSTRACT_MAX_LENGTH
    assert metadata.abstract.endswith("lorem…")


def test_fit_leaves_details_that_fit_as_they_are():
    metadata = PaperMetadata(source="arXiv", title="T", authors=["A B"], abstract="Short.")
    assert fit(metadata) is metadata


def test_adding_a_collaboration_paper_from_bibtex(user_client, client):
    entry = "@article{Atlas2012, title={A}, author={" + " and ".join(names(600)) + "}}"
    response = user_client.post(reverse("papers:add"), {"text": entry})
    assert response.status_code == 200
    assert "it has its first authors, then “others”" in response.content.decode()
    form = response.context["form"]
    details = {field.name: field.value() for field in form if field.value() is not None}
    assert user_client.post(DETAILS, details).status_code == 302
    paper = Paper.objects.get()
    assert paper.author_list[0] == "Author 00001" and paper.author_list[-1] == "others"
    # BibTeX's own idiom for the rest.
    bibtex = client.get(reverse("papers:bibtex", args=[paper.bibtex_key])).content.decode()
    assert re.search(r"author\s*= \{Author 00001 and .* and others\}", bibtex)


def import_file(path):
    out = StringIO()
    call_command("import_papers", str(path), stdout=out, stderr=StringIO())
    return out.getvalue().strip().splitlines()[-1]


def test_import_shortens_and_counts_what_is_too_long(tmp_path):
    path = tmp_path / "big.jsonl"
    records = [
        {
            "id": "1207.7214",
            "title": "Observation of a new particle",
            "authors_parsed": [[f"Surname{n}", "A.", ""] for n in range(3000)],
            "abstract": words(15_000),
        },
        {"id": "1207.7235", "title": "Another", "authors": "A. B", "abstract": words(100)},
    ]
    path.write_text("\n".join(json.dumps(record) for record in records))
    assert import_file(path) == (
        "2 created, 0 updated, 0 unchanged, 0 rejected, "
        "1 shortened (author list or abstract too long)"
    )
    big = Paper.objects.get(arxiv_id="1207.7214")
    assert big.author_list[:2] == ["A. Surname0", "A. Surname1"]
    assert big.author_list[-1] == "others"
    assert len(big.authors) <= AUTHORS_MAX_LENGTH
    assert big.abstract.endswith("lorem…") and len(big.abstract) <= ABSTRACT_MAX_LENGTH
    assert big.abstract_html.rstrip().endswith("lorem…</p>")
    # The same shortening each time: a second run finds nothing to change.
    assert import_file(path).startswith("0 created, 0 updated, 2 unchanged, 0 rejected")


@pytest.mark.django_db(transaction=True)
def test_migration_shortens_what_is_stored_already():
    """Rows written before the limits are shortened by the migration that adds them."""
    executor = MigrationExecutor(connection)
    before = [("papers", "0003_aliases_and_unique_identifiers")]
    after = [("papers", "0004_paper_text_length_limits")]
    executor.migrate(before)
    try:
        old = executor.loader.project_state(before).apps.get_model("papers", "Paper")
        old.objects.create(
            bibtex_key="Atlas2012",
            title="T",
            authors=", ".join(names(3000)),
            abstract=words(20_000),
            abstract_html="<p>long</p>",
        )
        executor.loader.build_graph()
        executor.migrate(after)
    finally:
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
    paper = Paper.objects.get()
    assert paper.author_list[0] == "Author 00001" and paper.author_list[-1] == "others"
    assert len(paper.authors) <= AUTHORS_MAX_LENGTH
    assert paper.abstract.endswith("…") and len(paper.abstract) <= ABSTRACT_MAX_LENGTH
    assert paper.abstract_html != "<p>long</p>"


# How many authors a page prints ----------------------------------------------------------


def authors_html(client, paper):
    html = client.get(paper.get_absolute_url()).content.decode()
    return re.search(r'<span class="authors">(.*?)</span>', html, re.DOTALL).group(1)


@pytest.mark.parametrize(
    ("count", "rest"),
    [
        (AUTHORS_SHOWN, ""),
        (AUTHORS_SHOWN + 1, "and 1 more author"),
        (AUTHORS_SHOWN + 2, "and 2 more authors"),
        (800, "and 770 more authors"),
    ],
)
def test_paper_page_prints_a_bounded_number_of_authors(client, count, rest):
    paper = make_paper(authors=", ".join(short_names(count)))
    assert paper.shown_authors.rest == rest
    html = authors_html(client, paper)
    assert html.count("<a ") == min(count, AUTHORS_SHOWN)
    assert f">N{AUTHORS_SHOWN}</a>" in html
    assert f">N{AUTHORS_SHOWN + 1}</a>" not in html
    if rest:
        assert html.endswith(f"</a> {rest}")
    else:
        assert html.endswith("</a>")


def test_the_number_of_the_rest_is_easy_to_read():
    paper = make_paper(authors=", ".join(["A"] * 1200))
    assert paper.shown_authors.rest == "and 1,170 more authors"


def test_a_list_ending_in_others_says_so_without_linking_it(client):
    paper = make_paper(authors="Ada Lovelace, Alan Turing, others")
    assert paper.shown_authors == (["Ada Lovelace", "Alan Turing"], "and others")
    html = authors_html(client, paper)
    assert html.count("<a ") == 2 and html.endswith("</a> and others")
    assert paper.short_author_list == ["Ada Lovelace", "Alan Turing", "et al."]
    shortened = make_paper(authors=", ".join([*short_names(40), "others"]))
    assert shortened.shown_authors.rest == "and over 10 more authors"


def test_paper_page_queries_do_not_grow_with_its_authors(client):
    few, many = make_paper(authors="A B"), make_paper(authors=", ".join(short_names(800)))
    counts = []
    for paper in (few, many):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(paper.get_absolute_url()).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
