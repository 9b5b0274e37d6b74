"""A paper that looks like one the site has, as a user meets it: Google Scholar's BibTeX
for a paper filed under its DBLP key shows that paper, to go to or, with a reason,
to add this one anyway (papers.duplicates)."""

import pytest
from playwright.sync_api import expect

from papers.models import DistinctClaim, Paper
from tests.browser.checks import BLOCKING_IMPACTS, axe_violations, describe
from tests.browser.helpers import field, log_in, nav
from tests.factories import make_paper, make_user

pytestmark = pytest.mark.browser

LOOKUP_LABEL = "arXiv id, DOI, DBLP key or BibTeX entry"
REASON_LABEL = "How is your paper a different one?"
SCHOLAR_BIBTEX = """@inproceedings{he2016deep,
  title={Deep residual learning for image recognition},
  author={He, Kaiming and Zhang, Xiangyu and Ren, Shaoqing and Sun, Jian},
  booktitle={CVPR},
  year={2016}
}"""


@pytest.fixture
def resnet():
    return make_paper(
        "conf/cvpr/HeZRS16",
        title="Deep Residual Learning for Image Recognition",
        authors="Kaiming He, Xiangyu Zhang, Shaoqing Ren, Jian Sun",
        venue="CVPR",
        year=2016,
    )


@pytest.fixture
def adder(live_server, page):
    make_user("ada")
    log_in(page, live_server, "ada")
    return page


def paste_scholar_bibtex(page):
    nav(page).get_by_role("link", name="Add a paper").click()
    field(page, LOOKUP_LABEL).fill(SCHOLAR_BIBTEX)
    page.get_by_role("button", name="Look up").click()


def test_the_warning_leads_to_the_paper_here(live_server, adder, resnet, axe_source):
    page = adder
    paste_scholar_bibtex(page)

    warning = page.locator(".similar-paper")
    expect(warning).to_contain_text("This looks like a paper already here")
    expect(warning.get_by_role("link", name=resnet.title)).to_have_attribute(
        "href", resnet.get_absolute_url()
    )
    expect(warning.locator(".authors")).to_have_text(
        "Kaiming He, Xiangyu Zhang, Shaoqing Ren, Jian Sun"
    )
    expect(warning.locator(".venue")).to_have_text("CVPR 2016")
    # The details are there to add anyway, but going to the paper is the first choice.
    expect(field(page, "BibTeX key")).to_have_value("he2016deep")
    expect(page.get_by_role("button", name="Add paper")).to_have_count(0)
    blocking = [v for v in axe_violations(page, axe_source) if v["impact"] in BLOCKING_IMPACTS]
    assert not blocking, describe(blocking)

    warning.get_by_role("link", name="Go to that paper").click()

    expect(page).to_have_url(f"{live_server.url}{resnet.get_absolute_url()}")
    expect(page.get_by_role("heading", level=1)).to_have_text(resnet.title)
    assert Paper.objects.count() == 1


def test_adding_anyway_takes_a_reason(live_server, adder, resnet):
    page = adder
    paste_scholar_bibtex(page)
    field(page, "Venue").fill("CVPR Workshops")

    # Without a reason: asked for one, nothing typed lost.
    page.get_by_role("button", name="Add anyway").click()
    expect(page.locator(".similar-paper")).to_be_visible()
    expect(page.get_by_text("Say how your paper differs")).to_be_visible()
    expect(field(page, "Venue")).to_have_value("CVPR Workshops")
    assert Paper.objects.count() == 1

    reason = "The workshop paper, with other experiments."
    field(page, REASON_LABEL).fill(reason)
    page.get_by_role("button", name="Add anyway").click()

    expect(page).to_have_url(f"{live_server.url}/paper/he2016deep/")
    expect(page.get_by_role("status")).to_contain_text("Paper added.")
    claim = DistinctClaim.objects.get()
    assert (claim.paper.bibtex_key, claim.similar_to, claim.reason) == (
        "he2016deep",
        resnet,
        reason,
    )
    assert claim.paper.venue == "CVPR Workshops"
