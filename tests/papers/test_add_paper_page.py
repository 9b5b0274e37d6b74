"""The add-a-paper pages: look up, check the details, add; or enter them by hand."""

import re
from html import unescape
from urllib.parse import urlencode

import pytest
from django.urls import reverse

from papers.models import Paper, PaperAlias
from tests.factories import make_paper, make_user

pytestmark = pytest.mark.django_db

ADD = "/papers/add/"
DETAILS = "/papers/add/details/"


@pytest.fixture
def user_client(client):
    client.force_login(make_user("ada"))
    return client


def lookup(client, text):
    return client.post(ADD, {"text": text})


def details_of(response):
    """The pre-filled details form's initial values, as the page prints them."""
    form = response.context["form"]
    return {name: form[name].value() for name in form.fields}


def test_urls():
    assert reverse("papers:add") == ADD
    assert reverse("papers:add_details") == DETAILS


@pytest.mark.parametrize("url", [ADD, DETAILS])
def test_only_for_logged_in_users(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_lookup_form(user_client):
    html = user_client.get(ADD).content.decode()
    assert 'name="text"' in html
    assert f'href="{DETAILS}"' in html  # entering by hand is always on offer


def test_arxiv_lookup_prefills_the_details(user_client, recorded_sources):
    response = lookup(user_client, "https://arxiv.org/abs/1608.06993v5")
    assert response.status_code == 200
    assert response.templates[0].name == "papers/add_details.html"
    values = details_of(response)
    assert values["title"] == "Densely Connected Convolutional Networks"
    assert values["authors"] == (
        "Gao Huang, Zhuang Liu, Laurens van der Maaten, Kilian Q. Weinberger"
    )
    assert values["arxiv_id"] == "1608.06993"
    # DBLP knows the published version (tests/papers/test_dblp_lookup.py has the details):
    # its key, venue, year and DOI, with the old site's key kept as another name.
    assert values["bibtex_key"] == values["source_key"] == "conf/cvpr/HuangLMW17"
    assert (values["venue"], values["year"], values["doi"]) == (
        "CVPR",
        2017,
        "10.1109/CVPR.2017.243",
    )
    assert values["other_keys"] == "journals/corr/1608.06993 journals/corr/HuangLW16a"
    assert "arXiv" in response.content.decode()
    assert not Paper.objects.exists()  # nothing is added before the user confirms


def test_doi_lookup_makes_a_free_key(user_client, recorded_sources):
    make_paper("Lecun2015Deep")
    values = details_of(lookup(user_client, "doi:10.1038/nature14539"))
    assert values["title"] == "Deep learning"
    assert values["doi"] == "10.1038/nature14539"
    assert values["bibtex_key"] == "LeCun2015Deepa"  # taken whatever its case
    assert values["abstract"].startswith("Deep learning allows computational models")


def test_dblp_lookup_keeps_dblp_key(user_client, recorded_sources):
    values = details_of(lookup(user_client, "https://dblp.org/rec/conf/cvpr/HuangLMW17.html"))
    assert values["bibtex_key"] == "conf/cvpr/HuangLMW17"
    assert values["doi"] == "10.1109/CVPR.2017.243"
    assert values["venue"] == "CVPR"


def test_bibtex_is_read_without_any_service(user_client):
    values = details_of(
        lookup(user_client, "@article{DBLP:journals/x/Y20, title={A title}, author={B, A}}")
    )
    assert (values["title"], values["authors"], values["bibtex_key"]) == (
        "A title",
        "A B",
        "journals/x/Y20",
    )


def test_confirming_adds_the_paper(user_client):
    response = user_client.post(
        DETAILS,
        {
            "title": " Densely Connected Convolutional Networks ",
            "authors": "Gao Huang,  Zhuang Liu,",
            "venue": "arXiv",
            "year": "2016",
            "abstract": "Dense *connections*.",
            "url": "arxiv.org/abs/1608.06993",
            "arxiv_id": "arXiv:1608.06993v5",
            "doi": "",
            "bibtex_key": "journals/corr/1608.06993",
            "source_key": "journals/corr/1608.06993",
            "source": "arXiv",
        },
        follow=True,
    )
    paper = Paper.objects.get()
    assert response.redirect_chain == [(paper.get_absolute_url(), 302)]
    assert paper.title == "Densely Connected Convolutional Networks"
    assert paper.authors == "Gao Huang, Zhuang Liu"
    assert (paper.year, paper.arxiv_id, paper.url) == (
        2016,
        "1608.06993",
        "https://arxiv.org/abs/1608.06993",
    )
    assert "<em>connections</em>" in paper.abstract_html
    assert "Paper added." in response.content.decode()
    assert not PaperAlias.objects.exists()


def test_a_changed_key_keeps_the_sources_key_as_alias(user_client, client):
    user_client.post(
        DETAILS,
        {
            "title": "T",
            "authors": "A B",
            "bibtex_key": "HuangDense17",
            "source_key": "conf/cvpr/HuangLMW17",
        },
    )
    paper = Paper.objects.get()
    assert paper.bibtex_key == "HuangDense17"
    assert [a.key for a in paper.aliases.all()] == ["conf/cvpr/HuangLMW17"]
    response = client.get("/paper/conf/cvpr/HuangLMW17/")
    assert response["Location"] == "/paper/HuangDense17/"


def test_manual_entry_form_is_empty(user_client):
    response = user_client.get(DETAILS)
    assert response.status_code == 200
    assert details_of(response)["title"] is None
    assert "Enter a paper" in response.content.decode()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("bibtex_key", "not a key", "letters, digits"),
        ("bibtex_key", "a//b", "cannot hold"),
        ("arxiv_id", "10.1109/CVPR.2017.243", "Not an arXiv id"),
        ("doi", "1608.06993", "Not a DOI"),
        ("year", "20017", "less than or equal to 2100"),
        ("title", "", "This field is required"),
    ],
)
def test_invalid_details_are_handed_back(user_client, field, value, message):
    data = {"title": "T", "authors": "A B", "bibtex_key": "Key20", field: value}
    response = user_client.post(DETAILS, data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Paper.objects.exists()


@pytest.mark.parametrize(
    "text",
    [
        "1608.06993v3",
        "https://arxiv.org/pdf/1608.06993",
        "https://doi.org/10.1109/cvpr.2017.243",
        "conf/cvpr/HuangLMW17",
        "journals/corr/HuangLW16a",
    ],
)
def test_a_known_paper_is_found_without_asking_anyone(user_client, text):
    paper = make_paper("conf/cvpr/HuangLMW17", arxiv_id="1608.06993", doi="10.1109/CVPR.2017.243")
    PaperAlias.objects.create(paper=paper, key="journals/corr/HuangLW16a")
    # tests/settings.py points the services at a closed port: any request would fail.
    response = lookup(user_client, text)
    assert response.status_code == 302
    assert response["Location"] == paper.get_absolute_url()
    follow = user_client.get(response["Location"])
    assert "is already here" in follow.content.decode()


def test_a_paper_known_by_what_the_source_says_is_found(user_client, recorded_sources):
    # Looked up by DBLP key; DBLP gives the DOI, which a paper here already has.
    paper = make_paper("Huang2017Densely", doi="10.1109/CVPR.2017.243")
    response = lookup(user_client, "conf/cvpr/HuangLMW17")
    assert response["Location"] == paper.get_absolute_url()


def test_confirming_a_known_paper_goes_to_it(user_client):
    paper = make_paper("conf/cvpr/HuangLMW17", doi="10.1109/CVPR.2017.243")
    data = {"title": "T", "authors": "A B", "bibtex_key": "New17", "doi": "10.1109/cvpr.2017.243"}
    response = user_client.post(DETAILS, data)
    assert response["Location"] == paper.get_absolute_url()
    assert Paper.objects.count() == 1


def test_unrecognised_text_is_refused(user_client):
    response = lookup(user_client, "Densely connected networks by Huang")
    assert response.status_code == 400
    assert "is not an arXiv id, a DOI, a DBLP key or a BibTeX entry" in response.content.decode()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1608.06993", "arXiv could not be reached."),
        ("10.1038/nature14539", "Crossref could not be reached."),
        ("conf/cvpr/HuangLMW17", "DBLP could not be reached."),
    ],
)
def test_unreachable_service_says_so_and_offers_the_alternatives(user_client, text, message):
    response = lookup(user_client, text)
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert "paste the paper's BibTeX entry instead" in html
    # Both links to the form by hand carry what was typed.
    by_hand = f"{DETAILS}?{urlencode({'text': text})}"
    assert f'<a href="{by_hand}">enter its details by hand</a>' in html
    assert html.count(f'href="{by_hand}"') == 2
    assert response.context["form"]["text"].value() == text  # kept for another try


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            " arXiv:1608.06993v2 ",
            {
                "arxiv_id": "1608.06993",
                "url": "https://arxiv.org/abs/1608.06993",
                "bibtex_key": "journals/corr/1608.06993",
                "doi": None,
            },
        ),
        (
            "https://doi.org/10.1038/nature14539",
            {
                "arxiv_id": None,
                "url": "https://doi.org/10.1038/nature14539",
                "bibtex_key": None,
                "doi": "10.1038/nature14539",
            },
        ),
        (
            "conf/cvpr/HuangLMW17",
            {"arxiv_id": None, "url": None, "bibtex_key": "conf/cvpr/HuangLMW17", "doi": None},
        ),
    ],
)
def test_form_by_hand_after_an_unreachable_lookup_has_what_was_typed(user_client, text, expected):
    # tests/settings.py points the services at a closed port: every lookup fails.
    response = lookup(user_client, text)
    by_hand = re.search(
        r'<a href="([^"]+)">enter its details by hand</a>', response.content.decode()
    )
    response = user_client.get(unescape(by_hand.group(1)))
    assert response.status_code == 200
    values = details_of(response)
    assert {name: values[name] for name in expected} == expected
    assert values["title"] is None
    html = response.content.decode()
    assert "Filled in from" in html
    for value in filter(None, expected.values()):
        assert f'value="{value}"' in html
    # Completed and posted, it adds the paper under what was typed.
    data = {name: value for name, value in expected.items() if value}
    data.setdefault("bibtex_key", "Huang2017")
    response = user_client.post(DETAILS, {"title": "T", "authors": "A B", **data})
    paper = Paper.objects.get()
    assert response["Location"] == paper.get_absolute_url()
    assert paper.bibtex_key == data["bibtex_key"]


def test_form_by_hand_ignores_text_that_is_no_identifier(user_client):
    for text in ["", "not a key at all", "@misc{x, title={T}}"]:
        response = user_client.get(DETAILS, {"text": text})
        assert response.status_code == 200
        assert all(value is None for value in details_of(response).values())
        assert "Filled in from" not in response.content.decode()


def test_bibtex_that_cannot_be_read_links_to_an_empty_form(user_client):
    html = lookup(user_client, "@article{x, title={unclosed}").content.decode()
    assert f'<a href="{DETAILS}">enter its details by hand</a>' in html


def test_service_errors_and_unknown_ids_say_so(user_client, settings, sources_server):
    for name, value in sources_server.settings_for("/status/500").items():
        setattr(settings, name, value)
    html = lookup(user_client, "1608.06993").content.decode()
    assert "arXiv answered with an error (HTTP 500)." in html
    for name, value in sources_server.settings_for().items():
        setattr(settings, name, value)
    html = lookup(user_client, "10.9999/nothing").content.decode()
    assert "Crossref does not know the DOI 10.9999/nothing." in html


def test_unreadable_bibtex_says_so(user_client):
    html = lookup(user_client, "@article{x, title={unclosed}").content.decode()
    assert "No BibTeX entry could be read" in html


def test_nav_and_not_found_page_link_here(user_client):
    assert f'href="{ADD}"' in user_client.get("/").content.decode()
    html = user_client.get("/paper/10.1000/x%3Cy%3E/").content.decode()
    assert f'href="{ADD}?text=10.1000/x%3Cy%3E"' in html
    response = user_client.get(f"{ADD}?text=10.1000/x%3Cy%3E")
    assert response.context["form"]["text"].value() == "10.1000/x<y>"
