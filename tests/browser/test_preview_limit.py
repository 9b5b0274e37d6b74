"""A live preview refused by its rate limit says so, keeps the text, and comes back."""

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from tests.browser.helpers import field, log_in
from tests.factories import make_paper, make_user

pytestmark = pytest.mark.browser


def test_refused_preview_says_it_paused_and_resumes(live_server, page, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "preview": (1, 60)}
    paper = make_paper()
    make_user("ada")
    log_in(page, live_server, "ada")
    # The page's timers run on a clock the test moves: the minute's wait takes no time.
    page.clock.install()
    page.goto(f"{live_server.url}/summaries/write/{paper.bibtex_key}/")
    summary = field(page, "Summary")
    preview = page.locator("#preview")

    summary.press_sequentially("**first**", delay=5)
    page.clock.run_for(500)
    expect(preview.locator("strong")).to_have_text("first")

    summary.press_sequentially(" *second*", delay=5)
    page.clock.run_for(500)
    paused = preview.locator(".preview-paused")
    expect(paused).to_have_text(
        "Preview paused: too many previews in a minute. "
        "Your text is safe; the preview resumes shortly."
    )
    expect(preview.locator("strong")).to_have_text("first")  # the last preview stays
    expect(summary).to_have_value("**first** *second*")

    cache.clear()  # the limit's window is over
    page.clock.run_for(61_000)
    expect(preview.locator("em")).to_have_text("second")
    expect(paused).to_have_count(0)
