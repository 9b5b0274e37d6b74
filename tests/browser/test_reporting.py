"""Reporting a summary, and a moderator hiding it from the queue in the admin."""

import re

import pytest
from playwright.sync_api import expect

from moderation.models import Report
from summaries.models import Summary
from tests.browser.checks import BLOCKING_IMPACTS, axe_violations, describe, run_vnu
from tests.browser.helpers import field, log_in
from tests.factories import PASSWORD, make_summary, make_user

pytestmark = pytest.mark.browser


def summary_article(page, anchor):
    return page.locator(f"article.summary[id='{anchor}']")


def test_report_a_summary_then_a_moderator_hides_it(live_server, js_disabled_page, page, browser):
    summary = make_summary(author=make_user("ada"), body="Cheap watches at example.org.")
    paper_url = f"{live_server.url}{summary.paper.get_absolute_url()}"
    make_user("reader")
    make_user("moderator", is_staff=True, is_superuser=True)

    # The reader, without JavaScript: plain links, a form post and a redirect.
    reader = js_disabled_page
    log_in(reader, live_server, "reader")
    reader.goto(paper_url)
    summary_article(reader, "ada").get_by_role("link", name="Report this summary").click()
    expect(reader.get_by_role("heading", name="Report a summary", level=1)).to_be_visible()
    expect(reader.locator(".report-excerpt")).to_have_text("Cheap watches at example.org.")
    reader.get_by_role("group", name="What is wrong with it?").get_by_label(
        "Spam or advertising"
    ).check()
    field(reader, "Details").fill("The whole text is an advertisement.")
    reader.get_by_role("button", name="Send the report").click()

    expect(reader).to_have_url(f"{paper_url}#ada")
    expect(reader.get_by_role("status")).to_have_text(
        "Thank you. The moderators will look at your report."
    )
    report = Report.objects.get()
    assert (report.summary, report.reason) == (summary, "spam")
    assert report.details == "The whole text is an advertisement."

    # The moderator, in the admin's queue.
    page.goto(f"{live_server.url}/admin/login/?next=/admin/moderation/report/")
    page.locator("#id_username").fill("moderator")
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    row = page.locator("#result_list tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Cheap watches at example.org.")
    expect(row).to_contain_text("Open")
    row.get_by_role("checkbox").check()
    page.get_by_label("Action:").select_option(label="Hide the reported content")
    page.get_by_role("button", name="Go").click()
    expect(page.locator(".messagelist")).to_contain_text("Hid 1 summary; 1 report resolved.")
    expect(row).to_contain_text("Hidden by moderator")
    assert Summary.objects.get().is_hidden

    # Any reader: the summary is gone from the paper page.
    stranger = browser.new_context()
    try:
        other = stranger.new_page()
        other.goto(paper_url)
        expect(other.get_by_text("Nobody has summarized this paper yet.")).to_be_visible()
        expect(other.get_by_text("Cheap watches")).to_have_count(0)
        assert other.goto(f"{live_server.url}{summary.get_absolute_url()}").status == 404
    finally:
        stranger.close()


def test_logged_out_reader_is_sent_to_log_in_and_back(live_server, js_disabled_page):
    page = js_disabled_page
    summary = make_summary(author=make_user("ada"))
    make_user("reader")
    page.goto(f"{live_server.url}{summary.get_absolute_url()}")

    summary_article(page, "ada").get_by_role("link", name="Report this summary").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next="))
    field(page, "Username or e-mail").fill("reader")
    field(page, "Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    expect(page.get_by_role("heading", name="Report a summary", level=1)).to_be_visible()
    page.get_by_label("Something else").check()
    page.get_by_role("button", name="Send the report").click()
    expect(page).to_have_url(f"{live_server.url}{summary.get_absolute_url()}#ada")
    assert Report.objects.get().reason == "other"


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_report_page_passes_axe(live_server, browser, scheme, axe_source):
    summary = make_summary(author=make_user("ada"))
    make_user("reader")
    context = browser.new_context(bypass_csp=True, color_scheme=scheme)
    try:
        page = context.new_page()
        log_in(page, live_server, "reader")
        page.goto(f"{live_server.url}/report/summary/{summary.pk}/")
        # The form as it comes back from a post without a reason, with its error shown:
        # the browser would refuse to send it, so its check is switched off first.
        page.evaluate(
            "document.querySelectorAll('[name=reason]').forEach(el => el.required = false)"
        )
        page.get_by_role("button", name="Send the report").click()
        expect(page.locator("#div_id_reason")).to_contain_text("This field is required.")
        blocking = [v for v in axe_violations(page, axe_source) if v["impact"] in BLOCKING_IMPACTS]
        assert not blocking, describe(blocking)
    finally:
        context.close()


@pytest.mark.django_db
def test_report_page_is_valid_html(client, tmp_path):
    summary = make_summary()
    client.force_login(make_user())
    pages = {
        "form.html": client.get(f"/report/summary/{summary.pk}/"),
        "errors.html": client.post(f"/report/summary/{summary.pk}/", {"body": "x"}),
    }
    for name, response in pages.items():
        (tmp_path / name).write_text(response.content.decode())

    errors = run_vnu(tmp_path / name for name in pages)

    assert not errors, errors
