"""Staff merge two pages of one paper in the browser: compare them, merge, land on the
kept page with both papers' summaries; the merged paper's address leads there; the log
undoes it. At a phone's width and a desktop's."""

import pytest
from playwright.sync_api import expect

from papers.models import Paper
from tests.browser.helpers import field, log_in
from tests.factories import make_paper, make_summary, make_user

pytestmark = pytest.mark.browser


@pytest.fixture
def pair():
    make_user("moderator", is_staff=True)
    kept = make_paper("conf/nips/Kept17", title="Deep things, kept")
    merged = make_paper("journals/corr/Dup17", title="Deep things, duplicate")
    make_summary(paper=kept, author=make_user("alice"), body=_text("Alice on the kept page."))
    make_summary(paper=merged, author=make_user("bob"), body=_text("Bob on the duplicate."))
    return kept, merged


def _text(start):
    return start + " It says what the paper does, how it was tested and why it matters." * 2


@pytest.mark.parametrize("width", [360, 1280])
def test_staff_merge_two_papers_and_undo(live_server, page, pair, width):
    kept, merged = pair
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, live_server, "moderator")
    page.goto(f"{live_server.url}/papers/merge/")
    expect(page).to_have_title("Merge two papers · ShortScience")
    field(page, "Paper to keep").fill("conf/nips/Kept17")
    field(page, "Paper to merge into it").fill("journals/corr/Dup17")
    page.get_by_role("button", name="Compare").click()

    expect(page.locator(".merge-kept")).to_contain_text("Deep things, kept")
    expect(page.locator(".merge-merged")).to_contain_text("Deep things, duplicate")
    expect(page.locator(".merge-plan")).to_contain_text("1 summary moves to the kept paper")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.get_by_role("button", name="Merge journals/corr/Dup17 into conf/nips/Kept17").click()

    expect(page).to_have_url(f"{live_server.url}{kept.get_absolute_url()}")
    expect(page.get_by_role("status")).to_contain_text("Merged journals/corr/Dup17")
    expect(page.get_by_text("Alice on the kept page.")).to_be_visible()
    expect(page.get_by_text("Bob on the duplicate.")).to_be_visible()

    page.goto(f"{live_server.url}{merged.get_absolute_url()}")
    expect(page).to_have_url(f"{live_server.url}{kept.get_absolute_url()}")

    page.goto(f"{live_server.url}/papers/merges/")
    expect(page).to_have_title("Merge log · ShortScience")
    page.get_by_role("button", name="Undo the merge of journals/corr/Dup17").click()
    expect(page.get_by_role("status")).to_contain_text("Undone: journals/corr/Dup17")
    assert Paper.objects.filter(bibtex_key="journals/corr/Dup17").exists()
    # A query string of its own: the browser remembers the permanent redirect it followed.
    page.goto(f"{live_server.url}{merged.get_absolute_url()}?again")
    expect(page.get_by_text("Bob on the duplicate.")).to_be_visible()
    expect(page.get_by_text("Alice on the kept page.")).to_have_count(0)
