"""Fixtures of the browser tests beyond those in tests/conftest.py."""

import pytest

from tests.browser.checks import AXE


@pytest.fixture(scope="session")
def axe_source():
    if not AXE.exists():
        pytest.fail(f"{AXE} not found: `make test` installs it (npm ci)")
    return AXE.read_text()
