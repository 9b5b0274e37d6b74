"""Adding papers as a user does it, against the recorded arXiv, Crossref and DBLP
answers (tests/sources_server.py); and a paper's other names leading to its page."""

import re

import pytest
from playwright.sync_api import expect

from papers.models import Paper, PaperAlias
from tests.browser.helpers import field, log_in, nav
from tests.factories import make_paper, make_user

pytestmark = pytest.mark.browser

LOOKUP_LABEL = "arXiv id, DOI, DBLP key or BibTeX entry"

BIBTEX = """@inproceedings{vaswani2017attention,
  title={Attention is All you Need},
  author={Vaswani, Ashish and Shazeer, Noam and Parmar, Niki},
  booktitle={Advances in Neural Information Processing Systems},
  year={2017},
  eprint={1706.03762},
  archivePrefix={arXiv}
}"""


@pytest.fixture
def adder(live_server, page):
    make_user("ada")
    log_in(page, live_server, "ada")
    return page


def look_up(page, text):
    nav(page).get_by_role("link", name="Add a paper").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a paper")
    field(page, LOOKUP_LABEL).fill(text)
    page.get_by_role("button", name="Look up").click()


def add_it(page):
    page.get_by_role("button", name="Add paper").click()
    expect(page.get_by_role("status")).to_contain_text("Paper added.")


def test_add_by_arxiv_id(live_server, adder, recorded_sources):
    # DBLP knows the paper's published version: it is added under DBLP's key for it.
    page = adder
    look_up(page, "https://arxiv.org/abs/1608.06993v5")

    expect(page.get_by_role("heading", level=1)).to_have_text("Check the details")
    expect(page.locator(".paper-source")).to_have_text("arXiv")
    expect(field(page, "Title")).to_have_value("Densely Connected Convolutional Networks")
    expect(field(page, "BibTeX key")).to_have_value("conf/cvpr/HuangLMW17")
    expect(field(page, "Venue")).to_have_value("CVPR")
    expect(page.locator(".published-version")).to_contain_text(
        "DBLP lists this paper as published in CVPR 2017"
    )
    add_it(page)

    expect(page).to_have_url(f"{live_server.url}/paper/conf/cvpr/HuangLMW17/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Densely Connected Convolutional Networks"
    )
    expect(page.get_by_role("link", name="PDF")).to_have_attribute(
        "href", "https://arxiv.org/pdf/1608.06993"
    )
    expect(page.locator("details.abstract")).to_contain_text("feed-forward fashion")
    assert recorded_sources.requests == [
        "/arxiv/api/query?id_list=1608.06993&max_results=1",
        "/dblp/search/publ/api?q=Densely+Connected+Convolutional+Networks&format=json&h=30",
    ]

    # The old site's key for the arXiv paper still leads there.
    page.goto(f"{live_server.url}/paper/journals/corr/1608.06993/")
    expect(page).to_have_url(f"{live_server.url}/paper/conf/cvpr/HuangLMW17/")


def test_add_by_arxiv_id_with_dblp_down(live_server, adder, settings, recorded_sources):
    # DBLP not answering costs the better key, not the paper, and says nothing.
    settings.DBLP_URL = "http://127.0.0.1:9/dblp"
    page = adder
    look_up(page, "1608.06993")

    expect(field(page, "BibTeX key")).to_have_value("journals/corr/1608.06993")
    expect(page.locator(".published-version")).to_have_count(0)
    add_it(page)

    expect(page).to_have_url(f"{live_server.url}/paper/journals/corr/1608.06993/")


def test_add_by_doi_after_correcting_a_detail(live_server, adder, recorded_sources):
    page = adder
    look_up(page, "https://doi.org/10.1038/nature14539")

    expect(page.locator(".paper-source")).to_have_text("Crossref")
    expect(field(page, "Venue")).to_have_value("Nature")
    field(page, "Venue").fill("Nature 521")
    add_it(page)

    expect(page).to_have_url(f"{live_server.url}/paper/LeCun2015Deep/")
    heading = page.locator(".paper-heading")
    expect(heading.locator(".venue")).to_have_text("Nature 521 2015")
    expect(page.get_by_role("link", name="doi:10.1038/nature14539")).to_be_visible()
    assert Paper.objects.get().doi == "10.1038/nature14539"


def test_add_by_dblp_link(live_server, adder, recorded_sources):
    page = adder
    look_up(page, "https://dblp.org/rec/conf/cvpr/HuangLMW17.html")

    expect(page.locator(".paper-source")).to_have_text("DBLP")
    expect(field(page, "Authors")).to_have_value(
        "Gao Huang, Zhuang Liu, Laurens van der Maaten, Kilian Q. Weinberger"
    )
    add_it(page)

    expect(page).to_have_url(f"{live_server.url}/paper/conf/cvpr/HuangLMW17/")
    expect(page.locator(".paper-heading .venue")).to_have_text("CVPR 2017")


def test_add_by_bibtex_entry(live_server, adder, recorded_sources):
    page = adder
    look_up(page, BIBTEX)

    expect(page.locator(".paper-source")).to_have_text("BibTeX")
    expect(field(page, "arXiv id")).to_have_value("1706.03762")
    add_it(page)

    expect(page).to_have_url(f"{live_server.url}/paper/vaswani2017attention/")
    expect(page.locator(".paper-heading .authors")).to_have_text(
        "Ashish Vaswani, Noam Shazeer, Niki Parmar"
    )
    assert recorded_sources.requests == []  # BibTeX needs no service


def test_service_down_then_entered_by_hand(live_server, adder):
    # tests/settings.py leaves the services at a closed port: nothing answers.
    page = adder
    look_up(page, "1608.06993")

    alert = page.locator(".source-error")
    expect(alert).to_contain_text("arXiv could not be reached.")
    expect(field(page, LOOKUP_LABEL)).to_have_value("1608.06993")
    alert.get_by_role("link", name="enter its details by hand").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Enter a paper's details")
    field(page, "Title").fill("Densely Connected Convolutional Networks")
    field(page, "Authors").fill("Gao Huang, Zhuang Liu")
    field(page, "Year").fill("2016")
    field(page, "arXiv id").fill("arXiv:1608.06993v5")
    field(page, "BibTeX key").fill("journals/corr/1608.06993")
    add_it(page)

    expect(page).to_have_url(f"{live_server.url}/paper/journals/corr/1608.06993/")
    expect(page.get_by_role("link", name="arXiv:1608.06993")).to_be_visible()


def test_a_known_paper_is_not_added_twice(live_server, adder):
    paper = make_paper("conf/cvpr/HuangLMW17", arxiv_id="1608.06993")
    page = adder
    look_up(page, "arXiv:1608.06993v2")

    expect(page).to_have_url(f"{live_server.url}{paper.get_absolute_url()}")
    expect(page.get_by_role("status")).to_contain_text("is already here")
    assert Paper.objects.count() == 1


@pytest.mark.parametrize(
    "name",
    [
        "/paper/journals/corr/HuangLW16a/",
        "/paper/1608.06993v2/",
        "/paper/arXiv:1608.06993/",
        "/paper/10.1109/cvpr.2017.243/",
        "/paper?bibtexKey=journals/corr/1608.06993",
    ],
)
def test_other_names_land_on_the_canonical_page(live_server, page, name):
    paper = make_paper(
        "conf/cvpr/HuangLMW17",
        title="Densely Connected Convolutional Networks",
        arxiv_id="1608.06993",
        doi="10.1109/CVPR.2017.243",
    )
    PaperAlias.objects.create(paper=paper, key="journals/corr/HuangLW16a")

    page.goto(f"{live_server.url}{name}")

    expect(page).to_have_url(f"{live_server.url}/paper/conf/cvpr/HuangLMW17/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Densely Connected Convolutional Networks"
    )


def test_copy_bibtex_and_search_an_author(live_server, page):
    paper = make_paper("conf/cvpr/HuangLMW17", authors="Gao Huang, Zhuang Liu", venue="CVPR")
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page.goto(f"{live_server.url}{paper.get_absolute_url()}")

    page.locator("details.bibtex summary").click()
    copy = page.get_by_role("button", name="Copy")
    copy.click()

    expect(page.locator("details.bibtex").get_by_role("button", name="Copied")).to_be_visible()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.startswith("@inproceedings{conf/cvpr/HuangLMW17,")
    assert copied == paper.bibtex_entry

    link = page.locator(".paper-heading .authors").get_by_role("link", name="Zhuang Liu")
    expect(link).to_have_attribute("href", re.compile(r"^/search\?q=%22Zhuang%20Liu%22$"))


def test_without_javascript_no_copy_button_but_the_download(live_server, js_disabled_page):
    page = js_disabled_page
    paper = make_paper("conf/cvpr/HuangLMW17")
    page.goto(f"{live_server.url}{paper.get_absolute_url()}")
    page.locator("details.bibtex summary").click()
    expect(page.locator("#bibtex-entry")).to_contain_text("@inproceedings{conf/cvpr/HuangLMW17,")
    expect(page.get_by_role("button", name="Copy")).to_have_count(0)
    expect(page.get_by_role("link", name="Download .bib")).to_have_attribute(
        "href", "/bibtex/conf/cvpr/HuangLMW17.bib"
    )
