"""Correcting a paper's title: a reader suggests it, a moderator accepts it, and the
paper's page and history show the new title."""

import pytest
from playwright.sync_api import expect

from papers.models import PaperCorrection
from tests.browser.helpers import field, log_in
from tests.factories import make_paper, make_user

pytestmark = pytest.mark.browser


def test_suggest_a_correction_then_a_moderator_accepts_it(live_server, js_disabled_page, page):
    paper = make_paper("conf/test/Attention17", title="Attention Is All You Ned", year=2017)
    paper_url = f"{live_server.url}{paper.get_absolute_url()}"
    make_user("reader")
    make_user("moderator", is_staff=True)

    # The reader, without JavaScript: a link, a form pre-filled with the details, a post.
    reader = js_disabled_page
    log_in(reader, live_server, "reader")
    reader.goto(paper_url)
    reader.get_by_role("link", name="Suggest a correction").click()
    expect(reader.get_by_role("heading", name="Suggest a correction", level=1)).to_be_visible()
    expect(field(reader, "Title")).to_have_value("Attention Is All You Ned")
    field(reader, "Title").fill("Attention Is All You Need")
    field(reader, "What is wrong, and where can it be checked?").fill("A typo: see arXiv.")
    reader.get_by_role("button", name="Send correction").click()
    expect(reader.get_by_role("status")).to_have_text(
        "Thank you: a moderator will look at your correction."
    )
    expect(reader.locator(".correction-status")).to_contain_text("Waiting for a moderator.")
    correction = PaperCorrection.objects.get()

    # The moderator, in the queue: the change marked word by word, then Accept.
    log_in(page, live_server, "moderator")
    page.goto(f"{live_server.url}/papers/corrections/")
    review = page.locator(".correction-review")
    expect(review).to_have_count(1)
    expect(review.locator("pre.diff-text del")).to_have_text("Ned")
    expect(review.locator("pre.diff-text ins")).to_have_text("Need")
    expect(review).to_contain_text("A typo: see arXiv.")
    review.get_by_role("button", name=f"Accept correction {correction.pk}").click()
    expect(page.get_by_role("status")).to_have_text(
        "Correction accepted: “Attention Is All You Need” is updated."
    )
    expect(page.get_by_text("No corrections are waiting.")).to_be_visible()

    # Anyone: the paper's page has the new title, and its history says how it came.
    reader.goto(paper_url)
    expect(reader.get_by_role("heading", level=1)).to_have_text("Attention Is All You Need")
    reader.get_by_role("link", name="History").click()
    entry = reader.locator(".paper-revision")
    expect(entry).to_have_count(1)
    expect(entry.get_by_role("heading")).to_contain_text(
        "Suggested by reader, accepted by a moderator"
    )
    expect(entry.locator("del")).to_have_text("Ned")
    expect(entry.locator("ins")).to_have_text("Need")
    reader.goto(f"{live_server.url}/papers/corrections/{correction.pk}/")
    expect(reader.locator(".correction-status")).to_contain_text("Accepted")
