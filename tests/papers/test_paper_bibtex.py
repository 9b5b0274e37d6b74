"""A paper's BibTeX entry: written from the stored details, on the page and as a .bib."""

import bibtexparser
import pytest
from django.urls import reverse

from papers.models import PaperAlias
from papers.sources.bibtex import format_entry
from tests.factories import make_paper

pytestmark = pytest.mark.django_db


def test_conference_paper_entry_reads_back():
    paper = make_paper(
        "conf/cvpr/HuangLMW17",
        title="Densely Connected Convolutional Networks",
        authors="Gao Huang, Zhuang Liu, Laurens van der Maaten, Kilian Q. Weinberger",
        venue="CVPR",
        year=2017,
        arxiv_id="1608.06993",
        doi="10.1109/CVPR.2017.243",
    )
    entry = format_entry(paper)
    assert entry.startswith("@inproceedings{conf/cvpr/HuangLMW17,\n")
    library = bibtexparser.parse_string(entry)
    (parsed,) = library.entries
    fields = {name: field.value for name, field in parsed.fields_dict.items()}
    assert fields == {
        "title": "Densely Connected Convolutional Networks",
        "author": "Gao Huang and Zhuang Liu and Laurens van der Maaten and Kilian Q. Weinberger",
        "booktitle": "CVPR",
        "year": "2017",
        "eprint": "1608.06993",
        "archivePrefix": "arXiv",
        "doi": "10.1109/CVPR.2017.243",
        "url": "https://arxiv.org/abs/1608.06993",
    }


@pytest.mark.parametrize(
    ("venue", "arxiv_id", "starts"),
    [
        ("IEEE Transactions on Pattern Analysis", "", "@article{"),
        ("arXiv", "1608.06993", "@misc{"),
        ("", "", "@misc{"),
    ],
)
def test_entry_type_follows_the_venue(venue, arxiv_id, starts):
    paper = make_paper(venue=venue, arxiv_id=arxiv_id)
    assert format_entry(paper).startswith(starts)


def test_special_characters_are_escaped_and_unbalanced_braces_dropped():
    paper = make_paper(title="Sizes & 100% of {cases", authors="A. B", venue="", year=None)
    entry = format_entry(paper)
    assert r"title  = {Sizes \& 100\% of cases}," in entry
    assert "year" not in entry
    assert bibtexparser.parse_string(entry).entries[0]["title"] == r"Sizes \& 100\% of cases"


def test_paper_page_shows_the_entry_a_copy_button_and_the_download(client):
    paper = make_paper("conf/cvpr/HuangLMW17", title="Dense <nets>")
    html = client.get(paper.get_absolute_url()).content.decode()
    assert "@inproceedings{conf/cvpr/HuangLMW17," in html
    assert "title     = {Dense &lt;nets&gt;}," in html
    assert 'data-copy-target="bibtex-entry"' in html and 'id="bibtex-entry"' in html
    assert 'href="/bibtex/conf/cvpr/HuangLMW17.bib"' in html
    assert "js/bibtex.js" in html


def test_bib_download(client):
    paper = make_paper("conf/cvpr/HuangLMW17")
    url = reverse("papers:bibtex", args=[paper.bibtex_key])
    assert url == "/bibtex/conf/cvpr/HuangLMW17.bib"
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/x-bibtex; charset=utf-8"
    assert response["Content-Disposition"] == ('attachment; filename="conf_cvpr_HuangLMW17.bib"')
    assert response.content.decode() == paper.bibtex_entry


def test_bib_of_an_alias_or_other_case_redirects_to_the_canonical_file(client):
    paper = make_paper("conf/cvpr/HuangLMW17", arxiv_id="1608.06993")
    PaperAlias.objects.create(paper=paper, key="journals/corr/HuangLW16a")
    for name in ["CONF/cvpr/huanglmw17", "journals/corr/HuangLW16a", "1608.06993v2"]:
        response = client.get(f"/bibtex/{name}.bib")
        assert response.status_code == 301
        assert response["Location"] == "/bibtex/conf/cvpr/HuangLMW17.bib"


def test_bib_of_an_unknown_paper_is_a_404(client):
    assert client.get("/bibtex/conf/x/Nobody.bib").status_code == 404
