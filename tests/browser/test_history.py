"""A summary's history: edit it, find the "edited" link, compare two versions."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from summaries import services
from tests.browser.checks import BLOCKING_IMPACTS, axe_violations, describe, run_vnu
from tests.browser.helpers import field, log_in
from tests.factories import make_summary, make_user

pytestmark = pytest.mark.browser

# The same words after each version's first sentence lift every version over the
# summary floor (settings.SUMMARY_MIN_LENGTH) and leave the changes in that sentence.
REST = (
    " The rest of the summary stays as it was from one version to the next, so "
    "that only the first sentence changes."
)
FIRST = "Attention replaces recurrence entirely." + REST
SECOND = "Attention replaces recurrence in the encoder." + REST
THIRD = "Self-attention replaces recurrence in the encoder and decoder." + REST


def edited_twice(**fields):
    summary = make_summary(author=make_user("ada"), body=FIRST, **fields)
    for body in (SECOND, THIRD):
        services.save_summary(
            paper=summary.paper,
            author=summary.author,
            body=body,
            is_private=summary.is_private,
            is_anonymous=summary.is_anonymous,
        )
    return summary


def compare_first_and_last(page, live_server, summary):
    """From the summary's page: the "edited" link, then versions 1 and 3 compared."""
    page.goto(f"{live_server.url}{summary.get_absolute_url()}")
    page.get_by_role("link", name=re.compile(r"^edited ")).click()
    expect(page).to_have_url(f"{live_server.url}{reverse('summaries:history', args=[summary.pk])}")
    expect(page.get_by_role("heading", level=1)).to_have_text("History of the summary by ada")
    # The form starts on the latest change.
    expect(page.get_by_label("Compare from version 2")).to_be_checked()
    expect(page.get_by_label("Compare to version 3")).to_be_checked()

    page.get_by_label("Compare from version 1").check()
    page.get_by_role("button", name="Compare selected versions").click()

    # The form sends the radio buttons in the order of the rows: "to" may come first.
    diff_path = re.escape(reverse("summaries:diff", args=[summary.pk]))
    expect(page).to_have_url(re.compile(rf"{diff_path}\?(?=.*\bfrom=1\b)(?=.*\bto=3\b)"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Changes from version 1 to version 3")
    expect(page.get_by_text("6 words added, 2 removed.")).to_be_visible()
    changes = page.locator("pre.diff-text")
    expect(changes.locator("del")).to_have_text(["Attention", "entirely."])
    expect(changes.locator("ins")).to_have_text(["Self-attention", "in the encoder and decoder."])
    return changes


def test_edit_twice_then_compare_the_first_and_last_versions(live_server, page):
    summary = make_summary(author=make_user("ada"), body=FIRST)
    log_in(page, live_server, "ada")
    for body in (SECOND, THIRD):
        page.goto(f"{live_server.url}{reverse('summaries:edit', args=[summary.pk])}")
        field(page, "Summary").fill(body)
        page.get_by_role("button", name="Save").click()
        expect(page.get_by_role("status")).to_have_text("Summary saved.")
    assert [r.body for r in summary.revisions.order_by("number")] == [FIRST, SECOND]

    changes = compare_first_and_last(page, live_server, summary)

    # Highlighted: on a background of their own, struck through or underlined.
    styles = changes.evaluate(
        """(pre) => ["ins", "del"].map((tag) => {
            const style = getComputedStyle(pre.querySelector(tag));
            return [style.backgroundColor, style.textDecorationLine];
        }).concat([[getComputedStyle(pre).backgroundColor, ""]])"""
    )
    (ins_bg, ins_line), (del_bg, del_line), (pre_bg, _) = styles
    assert len({ins_bg, del_bg, pre_bg}) == 3, styles
    assert (ins_line, del_line) == ("underline", "line-through")


def test_history_and_diff_work_without_javascript(live_server, js_disabled_page):
    summary = edited_twice()

    compare_first_and_last(js_disabled_page, live_server, summary)

    js_disabled_page.get_by_text("Text of version 1").click()
    expect(js_disabled_page.get_by_text(FIRST, exact=True)).to_be_visible()


def test_a_bad_choice_of_versions_says_what_is_wrong(live_server, page):
    summary = edited_twice()
    page.goto(f"{live_server.url}{reverse('summaries:history', args=[summary.pk])}")
    page.get_by_label("Compare from version 3").check()
    page.get_by_role("button", name="Compare selected versions").click()

    expect(page.get_by_role("alert")).to_have_text("Choose two different versions to compare.")
    page.get_by_label("Compare from version 1").check()
    page.get_by_role("button", name="Compare selected versions").click()
    expect(page.locator("pre.diff-text ins").first).to_have_text("Self-attention")


@pytest.fixture
def scheme_page(browser):
    contexts = []

    def make(scheme):
        # axe is injected through the DevTools protocol; see test_accessibility.py.
        context = browser.new_context(bypass_csp=True, color_scheme=scheme)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def test_axe_finds_nothing_serious_in_either_colour_mode(live_server, scheme_page, axe_source):
    summary = edited_twice()
    pages = {
        "history": reverse("summaries:history", args=[summary.pk]),
        "diff": f"{reverse('summaries:diff', args=[summary.pk])}?from=1&to=3",
        "bad diff": f"{reverse('summaries:diff', args=[summary.pk])}?from=2&to=2",
    }
    highlight = {}
    for scheme in ("light", "dark"):
        page = scheme_page(scheme)
        for name, path in pages.items():
            page.goto(f"{live_server.url}{path}")
            expect(page.locator("html")).to_have_attribute("data-bs-theme", scheme)
            found = axe_violations(page, axe_source)
            blocking = [v for v in found if v["impact"] in BLOCKING_IMPACTS]
            assert not blocking, f"axe on the {name} page ({scheme}):\n{describe(blocking)}"
            if name == "diff":
                highlight[scheme] = page.locator("pre.diff-text ins").first.evaluate(
                    "(el) => getComputedStyle(el).backgroundColor"
                )
    # The marks follow the colour mode rather than keeping light colours on a dark page.
    assert highlight["light"] != highlight["dark"], highlight


@pytest.mark.django_db
def test_history_and_diff_pages_are_valid_html(client, tmp_path):
    summary = edited_twice(is_anonymous=True)
    services.save_summary(
        paper=summary.paper,
        author=summary.author,
        body=f"{THIRD}\n\nA <b>tag</b> & a new paragraph,\nover two lines.",
        is_private=False,
        is_anonymous=True,
    )
    diff = reverse("summaries:diff", args=[summary.pk])
    paths = {
        "history.html": reverse("summaries:history", args=[summary.pk]),
        "diff.html": f"{diff}?from=1&to=4",
        "bad-diff.html": f"{diff}?from=1&to=9",
        "one-version.html": reverse("summaries:history", args=[make_summary().pk]),
    }
    for filename, path in paths.items():
        response = client.get(path)
        assert response.status_code in (200, 400), (filename, response.status_code)
        (tmp_path / filename).write_text(response.content.decode())

    errors = run_vnu(tmp_path / filename for filename in paths)

    assert not errors, {name: [m["message"] for m in found] for name, found in errors.items()}
