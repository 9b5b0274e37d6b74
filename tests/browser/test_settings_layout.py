"""The settings page on a phone: each group of choices takes the form's width."""

import pytest

from tests.browser.helpers import log_in
from tests.factories import make_user

pytestmark = pytest.mark.browser


def test_the_mail_choices_take_the_form_s_width_at_360px(live_server, browser):
    make_user("ada")
    context = browser.new_context(viewport={"width": 360, "height": 740})
    try:
        page = context.new_page()
        log_in(page, live_server, "ada")
        page.goto(f"{live_server.url}/accounts/settings/")
        section = page.locator("#mail-settings").bounding_box()
        choice = page.get_by_label("A weekly digest of my unread inbox").bounding_box()
        other = page.get_by_label("E-mail me about comments on my summaries").bounding_box()
        # Each control starts at the section's left edge, one under another: none is
        # squeezed beside the section's title (Bootstrap floats a fieldset's legend).
        assert abs(choice["x"] - other["x"]) <= 2
        assert choice["x"] - section["x"] <= 24
        assert choice["y"] < other["y"]
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
    finally:
        context.close()
