"""The API in Chromium: its docs page draws from the site's own files under the
Content-Security-Policy, a script on another origin may call it (CORS), and a token made
on the settings page works."""

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import field, log_in
from tests.browser.test_csp import RECORD_VIOLATIONS
from tests.factories import make_paper, make_summary, make_user

pytestmark = pytest.mark.browser


def test_the_docs_page_lists_the_endpoints_under_the_policy(live_server, page):
    console = []
    page.on("console", lambda message: console.append(message.text))
    page.add_init_script(RECORD_VIOLATIONS)
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(f"{live_server.url}/api/docs")
    expect(page.get_by_text("/api/lookup").first).to_be_visible()
    expect(page.get_by_text("/api/papers/{name}").first).to_be_visible()
    assert page.evaluate("window.cspViolations") == []
    assert not [text for text in console if "Content Security Policy" in text]
    # Nothing from another origin: no CDN.
    assert all(url.startswith(live_server.url) or url.startswith("data:") for url in requests)


def other_origin(live_server):
    """The same server under its other loopback name: another origin to the browser.
    Its pages would carry the site's own policy (connect-src 'self'), so the script runs
    in a static file, which has none, as an extension's page has none of ours."""
    if "//localhost:" in live_server.url:
        return live_server.url.replace("//localhost:", "//127.0.0.1:")
    return live_server.url.replace("//127.0.0.1:", "//localhost:")


def test_a_page_on_another_origin_reads_the_api(live_server, page):
    make_summary(make_paper(arxiv_id="1706.03762"), body="A summary " * 20)
    # A page of another origin fetches the API, as a browser extension's script would.
    page.goto(f"{other_origin(live_server)}/static/img/favicon.svg")
    answer = page.evaluate(
        """async (url) => {
            const response = await fetch(url + "/api/lookup?id=1706.03762");
            return [response.status, await response.json()];
        }""",
        live_server.url,
    )
    status, data = answer
    assert status == 200
    assert data["results"][0]["public_summary_count"] == 1


def test_a_token_made_on_the_settings_page_reads_the_export(live_server, page):
    make_user("tokenuser")
    log_in(page, live_server, "tokenuser")
    page.goto(f"{live_server.url}/accounts/settings/")
    page.get_by_role("link", name="Access tokens").click()
    expect(page.get_by_text("You have no tokens in use.")).to_be_visible()
    field(page, "What is it for?").fill("Backup script")
    page.get_by_role("button", name="Make a token").click()
    token = page.locator("#new-token").input_value()
    assert token.startswith("ss_")
    expect(page.get_by_text("You have 1 token in use.")).to_be_visible()
    # From another origin, with the token in the header: the preflight lets it through.
    page.goto(f"{other_origin(live_server)}/static/img/favicon.svg")
    status, username = page.evaluate(
        """async ([url, token]) => {
            const response = await fetch(url + "/api/me/export", {
                headers: {Authorization: "Bearer " + token},
            });
            return [response.status, (await response.json()).user.username];
        }""",
        [live_server.url, token],
    )
    assert (status, username) == (200, "tokenuser")
