"""The test settings with a read replica, for tests/shortscience/test_replica.py.

"replica" is a second connection to the test database (TEST MIRROR), as settings.py
configures it when DATABASE_REPLICA_URL is set: a replica without lag, which sees what
the primary has committed and nothing else. Tests that read through it commit their
data (transaction=True).
"""

from tests.settings import *  # noqa: F403

_primary = DATABASES["default"]  # noqa: F405
if _primary["ENGINE"] == "django.db.backends.postgresql":
    # test_replica.py starts this run from inside the main suite, whose test database
    # is still there: this one gets its own.
    _primary = {**_primary, "TEST": {"NAME": f"test_{_primary['NAME']}_replica"}}

DATABASES = {"default": _primary, "replica": {**_primary, "TEST": {"MIRROR": "default"}}}
