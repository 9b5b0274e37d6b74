"""Chromium, Playwright and the live server work together."""

import pytest


@pytest.mark.browser
def test_admin_login_page_loads(live_server, page):
    page.goto(f"{live_server.url}/admin/login/")
    assert "Log in" in page.title()
