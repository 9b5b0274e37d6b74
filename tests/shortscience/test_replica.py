"""Reads go to the replica where that is safe (shortscience/replica.py).

The suite normally runs without a replica. The checks that need the "replica" alias are
in tests/replica_checks.py, which `test_with_a_replica_alias` runs in a second pytest
process under tests.replica_settings, where the alias is a second real connection to
the test database (TEST MIRROR).
"""

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from papers.models import Paper
from shortscience import replica
from shortscience.env import FIXED_OPTIONS
from shortscience.replica import PIN_COOKIE, PRIMARY, REPLICA, ReplicaRouter
from tests.factories import make_summary, make_user

BASE_DIR = Path(__file__).resolve().parents[2]
HAS_REPLICA = replica.replica_configured()

# Data the replica connection must see is committed, as on a real replica.
replica_db = pytest.mark.django_db(transaction=True, databases=[PRIMARY, REPLICA])


# Settings


def load_settings(monkeypatch, **env):
    """shortscience/settings.py executed afresh with `env` (None removes a variable)."""
    for name, value in env.items():
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    spec = importlib.util.spec_from_file_location(
        "settings_under_test", BASE_DIR / "shortscience" / "settings.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_replica_url_adds_the_replica_alias(monkeypatch):
    loaded = load_settings(
        monkeypatch,
        DATABASE_URL="postgres://app:pw@db1.internal:5432/shortscience",
        DATABASE_REPLICA_URL="postgres://app:pw@db2.internal:5433/shortscience?connect_timeout=2",
        DATABASE_REPLICA_PIN_SECONDS="7",
    )
    assert set(loaded.DATABASES) == {"default", "replica"}
    replica_db = loaded.DATABASES["replica"]
    assert (replica_db["HOST"], replica_db["PORT"]) == ("db2.internal", 5433)
    # Without JIT, as the primary (see database_from_url).
    assert replica_db["OPTIONS"] == {"connect_timeout": 2, "options": FIXED_OPTIONS}
    assert loaded.DATABASES["default"]["OPTIONS"] == {"options": FIXED_OPTIONS}
    # The test runner must not try to create a database on a read-only server.
    assert replica_db["TEST"] == {"MIRROR": "default"}
    assert loaded.REPLICA_PIN_SECONDS == 7


def test_without_replica_url_there_is_one_database(monkeypatch):
    loaded = load_settings(
        monkeypatch, DATABASE_URL="postgres://app@db1/shortscience", DATABASE_REPLICA_URL=None
    )
    assert set(loaded.DATABASES) == {"default"}


def test_replica_url_is_checked(monkeypatch):
    with pytest.raises(ImproperlyConfigured, match="needs DATABASE_URL"):
        load_settings(monkeypatch, DATABASE_URL=None, DATABASE_REPLICA_URL="postgres://a@h/db")
    with pytest.raises(ImproperlyConfigured, match="DATABASE_REPLICA_URL must be a postgres"):
        load_settings(
            monkeypatch, DATABASE_URL="postgres://a@h/db", DATABASE_REPLICA_URL="mysql://a@h/db"
        )


# Without a replica (the suite's usual settings)


@pytest.mark.skipif(HAS_REPLICA, reason="this run has a replica")
@pytest.mark.django_db
def test_without_a_replica_nothing_changes(client):
    own = ReplicaRouter()
    paper = Paper(title="x")
    assert own.db_for_read(Paper) is None
    assert own.db_for_write(Paper) is None
    assert own.allow_relation(paper, paper) is None
    assert own.allow_migrate("default", "papers") is None
    summary = make_summary()
    client.force_login(make_user())
    response = client.post(reverse("summaries:comment", args=[summary.pk]), {"body": "Hm."})
    assert response.status_code == 302
    assert PIN_COOKIE not in response.cookies


@pytest.mark.skipif(HAS_REPLICA, reason="this run has a replica")
def test_with_a_replica_alias():
    """tests/replica_checks.py, in pytest under tests.replica_settings."""
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "--ds",
            "tests.replica_settings",
            str(BASE_DIR / "tests" / "replica_checks.py"),
        ],
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=600,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    passed = re.search(r"(\d+) passed", output)
    assert passed and int(passed.group(1)) >= 19, output
    assert "failed" not in output and "skipped" not in output, output
