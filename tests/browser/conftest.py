"""The browser tests' fixtures: one Chromium per run, a fresh context per test, and axe.

Here rather than in tests/conftest.py, so that running other test files does not import
Playwright.
"""

import os
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from tests.browser.checks import AXE
from tests.chromium import CHROMIUM, CHROMIUM_ARGS

# Playwright's sync API keeps an event loop running in the main thread, so Django would
# otherwise refuse the test's own database work (fixtures, flushes) as unsafe in async code.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

# Fail a stuck step in seconds rather than after Playwright's default 30 s per action.
ACTION_TIMEOUT_MS = 15_000


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} not found: install Debian's chromium (`make test` does, as root)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _new_page(browser, **context_options):
    context = browser.new_context(**context_options)
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    return context, context.new_page()


@pytest.fixture
def page(browser):
    context, page = _new_page(browser)
    yield page
    context.close()


@pytest.fixture
def js_disabled_page(browser):
    """A page with scripts off, for checking that pages work without JavaScript."""
    context, page = _new_page(browser, java_script_enabled=False)
    yield page
    context.close()


@pytest.fixture(scope="session")
def axe_source():
    if not AXE.exists():
        pytest.fail(f"{AXE} not found: `make test` installs it (npm ci)")
    return AXE.read_text()
