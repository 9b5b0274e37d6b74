"""Checking a reading list in Chromium: paste ids, read the coverage, follow the links,
filter to the papers without a summary; with and without scripts, on a phone."""

import pytest
from playwright.sync_api import expect

from tests.factories import make_paper, make_summary, make_user

pytestmark = pytest.mark.browser

THREE_IDS = "arXiv:1608.06993v2\nhttps://doi.org/10.1109/5.726791\n1706.03762"


@pytest.fixture
def papers():
    densenet = make_paper(
        "conf/cvpr/HuangLMW17",
        title="Densely Connected Convolutional Networks",
        arxiv_id="1608.06993",
    )
    transformer = make_paper(
        "conf/nips/VaswaniSPUJGKP17", title="Attention Is All You Need", arxiv_id="1706.03762"
    )
    summary = make_summary(paper=densenet, author=make_user("ada"))
    return densenet, transformer, summary


def rows(page):
    return page.locator("li.coverage-row")


def paste_and_check(page, live_server, text):
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="Check a reading list").click()
    expect(page).to_have_title("Check a reading list · ShortScience")
    page.get_by_label("Your list").fill(text)
    page.get_by_role("button", name="Check the list").click()
    expect(page).to_have_title("Reading list checked · ShortScience")


@pytest.mark.parametrize("scripts", [True, False], ids=["with scripts", "without scripts"])
def test_paste_three_ids_and_see_the_coverage_and_links(
    live_server, page, js_disabled_page, papers, scripts
):
    page = page if scripts else js_disabled_page
    densenet, transformer, summary = papers
    paste_and_check(page, live_server, THREE_IDS)

    expect(page.locator("#coverage-headline")).to_have_text("1 of 3 papers has a summary.")
    expect(rows(page)).to_have_count(3)
    first, second, third = rows(page).all()
    expect(
        first.get_by_role("link", name="Densely Connected Convolutional Networks")
    ).to_have_attribute("href", densenet.get_absolute_url())
    expect(first.get_by_role("link", name="by ada")).to_have_attribute(
        "href", summary.get_absolute_url()
    )
    expect(second.get_by_role("link", name="add it")).to_have_attribute(
        "href", "/papers/add/?text=https%3A%2F%2Fdoi.org%2F10.1109%2F5.726791"
    )
    expect(third.get_by_role("link", name="write one")).to_have_attribute(
        "href", f"/summaries/write/{transformer.bibtex_key}/"
    )
    # The list stays in the box, to change and check again.
    expect(page.get_by_label("Your list")).to_have_value(THREE_IDS)

    # The filter is a link to an anchor: site.css hides the rest while it is the target.
    page.get_by_role("link", name="Show only those without a summary (2)").click()
    expect(first).to_be_hidden()
    expect(second).to_be_visible()
    expect(third).to_be_visible()
    page.get_by_role("link", name="Show the whole list").click()
    expect(first).to_be_visible()

    third.get_by_role("link", name="write one").click()
    expect(page).to_have_url(
        f"{live_server.url}/accounts/login/?next=/summaries/write/{transformer.bibtex_key}/"
    )


def test_an_uploaded_file_is_checked(live_server, page, papers, tmp_path):
    bib = tmp_path / "library.bib"
    bib.write_text(
        "@article{huang2016densely,\n  title = {Densely Connected},\n  eprint = {1608.06993}\n}\n"
    )
    page.goto(f"{live_server.url}/papers/coverage/")
    page.get_by_label("Or choose a file").set_input_files(bib)
    page.get_by_role("button", name="Check the list").click()

    expect(page.locator("#coverage-headline")).to_have_text("The paper has a summary.")
    expect(rows(page).first).to_contain_text("@article{huang2016densely")
    expect(page.get_by_label("Your list")).to_have_value(bib.read_text())


@pytest.mark.parametrize("width", [360, 1280])
def test_the_answer_fits_the_screen(live_server, browser, papers, width):
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    long_line = "https://doi.org/10.1000/" + "an-unbroken-suffix-" * 10
    paste_and_check(page, live_server, f"{THREE_IDS}\n{long_line}")

    expect(rows(page)).to_have_count(4)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    for button in ("Check the list", "Download the answer as CSV"):
        box = page.get_by_role("button", name=button).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width
    context.close()


def test_the_answer_downloads_as_csv(live_server, page, papers):
    page.goto(f"{live_server.url}/papers/coverage/")
    page.get_by_label("Your list").fill(THREE_IDS)
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the answer as CSV").click()

    assert download.value.suggested_filename == "reading-list.csv"
    lines = download.value.path().read_text().splitlines()
    assert len(lines) == 4 and "has summaries" in lines[1] and "not on the site" in lines[2]
