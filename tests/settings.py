"""Settings for the test suite: the real settings with the slow or stateful parts swapped."""

import os
import tempfile
from pathlib import Path

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production")

from shortscience.settings import *  # noqa: E402,F403

STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Uploaded figures go to a folder of the run's own, never the checkout's media/; the
# figures tests give each test a fresh one.
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="shortscience-test-media-"))
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Serve static files from the source folders, as in development: no collectstatic in tests.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
# No test may reach the real services: unless a test points these at the recorded
# answers (tests/sources_server.py), every lookup is refused at once on the loopback.
ARXIV_API_URL = "http://127.0.0.1:9/arxiv/api/query"
CROSSREF_API_URL = "http://127.0.0.1:9/crossref/works"
DBLP_URL = "http://127.0.0.1:9/dblp"
# The test client and the live server speak plain http, like `make run`; production's
# HTTPS redirect and secure-only cookies would turn every page into a redirect.
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
# Background tasks run as they are enqueued, in the test's own process and transaction
# (mail on commit, as the site sends it). tests/summaries/test_tasks.py runs the
# database backend and its worker, as deployed.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
