"""Keys are paths under /paper/: none may lead anywhere else on the site, or off it.

A browser resolves `.` and `..` parts (`/paper/a/../../admin/` is `/admin/`) and drops
tabs and newlines from an address (`/`, a tab, `//host/` is `//host/`, another site).
So keys refuse such parts, empty parts and any control or space character; the old
site's redirect answers a malformed name itself; and a citation links only to a paper's
page, by an address made with `reverse()` from a valid key.
"""

import re
from html import unescape
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from markup.math import normalize, protect
from papers.keys import is_valid_key, validate_bibtex_key
from papers.models import Paper
from papers.rendering import render_text
from summaries import demo_content
from tests.factories import make_paper, make_summary, make_user

DATA = Path(__file__).parents[1] / "data"

MALFORMED = [
    "a/../../accounts/settings",
    "a/../../accounts/password_change",
    "a/./b",
    "a/..",
    "a/.",
    "a//b",
    "a/",
    "a\tb",
    "a b",
    "conf/nips/RenHGS15\n",
    "conf/nips/Ren\x00HGS15",
    "../../admin",
    "./a",
]

# Keys of every form the site and its data use: DBLP keys, the old site's CoRR keys,
# hand-written BibTeX keys, arXiv ids in their spellings, DOIs.
WELL_FORMED = [
    "conf/nips/RenHGS15",
    "journals/corr/1608.06993",
    "journals/corr/abs-2002-01234",
    "DBLP:conf/cvpr/HuangLMW17",
    "Huang2017Densely",
    "10.1109/CVPR.2017.243",
    "arXiv:1608.06993",
    "1608.06993v2",
    "hep-th/9901001",
    "math.GT/0309136",
    "bench/Paper12",
    "a/.b",
    "a/..b",
    "a/b.",
]


@pytest.mark.parametrize("key", MALFORMED)
def test_malformed_keys_are_refused(key):
    assert not is_valid_key(key)
    with pytest.raises(ValidationError):
        validate_bibtex_key(key)


@pytest.mark.parametrize("key", WELL_FORMED)
def test_well_formed_keys_are_kept(key):
    assert is_valid_key(key)
    validate_bibtex_key(key)


@pytest.mark.parametrize("key", MALFORMED)
def test_a_paper_cannot_be_saved_under_a_malformed_key(key):
    paper = Paper(bibtex_key=key, title="A title", authors="A. Author")
    with pytest.raises(ValidationError) as refused:
        paper.full_clean(validate_unique=False, validate_constraints=False)
    assert "bibtex_key" in refused.value.message_dict


def _recorded_source_keys():
    """The DBLP keys in the recorded answers of tests/data/sources."""
    pattern = re.compile(r'key="([^"]+)"|"key":\s*"([^"]+)"')
    keys = set()
    for path in (DATA / "sources").rglob("*"):
        if path.is_file():
            keys |= {a or b for a, b in pattern.findall(path.read_text(errors="replace"))}
    return keys


def _demo_cited_keys():
    """Every key the demo texts cite, as written (valid or not)."""
    texts = [item["body"] for item in demo_content.SUMMARIES + demo_content.COMMENTS]
    texts += [paper.get("abstract") or "" for paper in demo_content.PAPERS]
    return {
        key
        for text in texts
        for citation in protect(normalize(text), "0" * 16).citations
        for key in citation.keys
    }


def test_no_key_in_the_demo_or_the_recorded_data_becomes_invalid():
    """The migrations hold no keys: the demo papers, the texts that cite them and the
    sources' recorded answers are the keys there are."""
    keys = {paper["bibtex_key"] for paper in demo_content.PAPERS}
    keys |= _demo_cited_keys() | _recorded_source_keys()
    assert len(keys) > 15
    assert sorted(key for key in keys if not is_valid_key(key)) == []
    for key in {paper["bibtex_key"] for paper in demo_content.PAPERS}:
        Paper(bibtex_key=key, title="T", authors="A").full_clean(
            validate_unique=False, validate_constraints=False
        )


# The old site's redirect


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name", ["../../admin", "a/../../admin", "a/./b", "..%2F..%2Fadmin", "a/%09/x", "a//b"]
)
def test_the_old_sites_link_answers_a_malformed_key_itself(client, name):
    response = client.get(f"/paper?bibtexKey={name}&a=someone")
    assert response.status_code == 404
    assert "Location" not in response
    assert response.context["malformed"] is True
    assert "That is not a paper key" in response.content.decode()


@pytest.mark.django_db
def test_the_old_sites_link_still_leads_to_papers_and_unknown_keys(client):
    paper = make_paper("conf/nips/RenHGS15", doi="10.1109/CVPR.2017.243")
    for name in ["conf/nips/RenHGS15", "CONF/nips/renhgs15", "10.1109/CVPR.2017.243"]:
        response = client.get("/paper", {"bibtexKey": name})
        assert (response.status_code, response["Location"]) == (301, paper.get_absolute_url())
    response = client.get("/paper", {"bibtexKey": "journals/corr/1608.06993", "a": "ada"})
    assert response.status_code == 301
    assert response["Location"] == "/paper/journals/corr/1608.06993/#ada"


@pytest.mark.django_db
def test_an_unknown_doi_that_is_no_key_is_answered_without_a_redirect(client):
    response = client.get("/paper", {"bibtexKey": "10.1002/(SICI)1097-0258(19980815)17:15"})
    assert response.status_code == 404
    assert response.context["malformed"] is False


@pytest.mark.django_db
def test_no_paper_can_be_added_under_a_key_that_leaves_its_page(client):
    client.force_login(make_user())
    response = client.post(
        reverse("papers:add_details"),
        {"title": "T", "authors": "A B", "bibtex_key": "a/../../accounts/settings"},
    )
    assert response.status_code == 400
    assert "cannot hold" in response.content.decode()
    assert not Paper.objects.exists()


# Citations


def hrefs(html):
    return [unescape(href) for href in re.findall(r'href="([^"]*)"', html)]


def stays_on_the_site(href):
    """How a browser reads the address: tabs and newlines dropped, and leading or
    trailing controls and spaces. Then a path (not `//host`, not `/\\host`) or a
    fragment."""
    followed = re.sub(r"[\t\n\r]", "", href).strip("".join(map(chr, range(33))))
    return followed.startswith("#") or (
        followed.startswith("/") and followed[1:2] not in ("/", "\\", "")
    )


@pytest.mark.django_db
def test_a_cite_with_dot_parts_links_nowhere():
    html = render_text(r"See \cite{a/../../accounts/password_change}.", flavor="summary")
    assert "<a " not in html
    assert 'class="citation citation-invalid"' in html


@pytest.mark.django_db
def test_a_link_dressed_as_a_citation_does_not_leave_the_site():
    paper = make_paper("conf/nips/RenHGS15")
    body = (
        'A forged one: <a class="citation" href="/&#9;/evil.example/paper">[evil]</a>, '
        'another <a class="citation citation-unknown" href="/&#10;/evil.example/">[x]</a>, '
        'a plain one <a href="/&Tab;/evil.example/">here</a>.\n\n'
        "A real one: \\cite{conf/nips/renhgs15}, an unknown one \\cite{conf/icml/Ghost99}, "
        "a footnote[^1].\n\n[^1]: The note."
    )
    summary = make_summary(paper=make_paper(), body=body)
    found = hrefs(summary.body_html)
    assert paper.get_absolute_url() in found
    assert reverse("papers:detail", args=["conf/icml/Ghost99"]) in found
    assert any(href.startswith("#") for href in found)
    assert [href for href in found if not stays_on_the_site(href)] == []
    assert "evil.example" not in summary.body_html
    # The forged links' text stays.
    assert "[evil]" in summary.body_html and "here" in summary.body_html
