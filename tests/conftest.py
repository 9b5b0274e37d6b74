"""Shared fixtures: a clean cache per test, pages built without cached fragments, and the
local stand-ins for outside services. The browser tests' fixtures are in
tests/browser/conftest.py."""

import pytest


@pytest.fixture(autouse=True)
def _clean_cache():
    # The cache holds rate-limit counts keyed by user id, and ids come back after each
    # test's rollback: without this, one test's posts would count against the next.
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture
def no_fragments(settings):
    """Every page built, no fragment cached: only kept items (shortscience.kept) are
    reused. For `pytest.mark.usefixtures("no_fragments")`."""
    settings.FRAGMENT_CACHE_SECONDS = 0


# Local stand-ins for outside services: ORCID's and GitHub's OAuth servers and APIs
# (tests/oauth_server.py); the recorded arXiv, Crossref and DBLP answers
# (tests/sources_server.py).
from tests.oauth_server import oauth_providers, oauth_server  # noqa: E402, F401
from tests.sources_server import recorded_sources, sources_server  # noqa: E402, F401
