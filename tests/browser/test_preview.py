"""The preview beside the summary form follows the text as it is typed."""

import pytest
from playwright.sync_api import expect

from summaries.models import Summary
from tests.browser.helpers import field, log_in
from tests.factories import make_paper, make_user

pytestmark = pytest.mark.browser


def test_preview_refreshes_while_typing(live_server, page):
    paper = make_paper()
    make_user("ada")
    log_in(page, live_server, "ada")
    page.goto(f"{live_server.url}/summaries/write/{paper.bibtex_key}/")

    field(page, "Summary").press_sequentially("Loss $\\mathcal{L} = a_i * b_i$ **bold**", delay=5)

    preview = page.locator("#preview")
    expect(preview.locator(".katex")).to_have_count(1)
    expect(preview.locator("strong")).to_have_text("bold")
    assert not Summary.objects.exists()


def test_preview_button_works_without_javascript(live_server, browser):
    paper = make_paper()
    make_user("ada")
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        log_in(page, live_server, "ada")
        page.goto(f"{live_server.url}/summaries/write/{paper.bibtex_key}/")
        field(page, "Summary").fill("Display: $$\\sum_{i=1}^n x_i$$")
        page.get_by_role("button", name="Preview").click()
        expect(page.locator("#preview .katex-display")).to_have_count(1)
        expect(field(page, "Summary")).to_have_value("Display: $$\\sum_{i=1}^n x_i$$")
        assert not Summary.objects.exists()
    finally:
        context.close()
