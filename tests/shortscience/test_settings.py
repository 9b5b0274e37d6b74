import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from shortscience.env import FIXED_OPTIONS, database_from_url, envbool


def test_database_url_with_host_and_port():
    db = database_from_url("postgres://ada:s%40cret@db.example:5433/papers?sslmode=require")
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert (db["USER"], db["PASSWORD"]) == ("ada", "s@cret")
    assert (db["HOST"], db["PORT"], db["NAME"]) == ("db.example", 5433, "papers")
    assert db["OPTIONS"] == {"sslmode": "require", "options": FIXED_OPTIONS}


def test_database_url_turns_jit_off_keeping_its_own_options():
    db = database_from_url("postgres://ada@db/papers?options=-c%20statement_timeout%3D5000")
    assert db["OPTIONS"]["options"] == f"{FIXED_OPTIONS} -c statement_timeout=5000"
    replica = database_from_url("postgres://ada@replica/papers", "DATABASE_REPLICA_URL")
    assert replica["OPTIONS"]["options"] == FIXED_OPTIONS


def test_database_url_with_socket_directory_keeps_its_case():
    db = database_from_url("postgresql://ada@%2Ftmp%2FPgSocket/papers")
    assert db["HOST"] == "/tmp/PgSocket"
    assert not db["PORT"]


def test_database_url_must_be_postgres_and_name_a_database():
    with pytest.raises(ImproperlyConfigured):
        database_from_url("mysql://ada@host/db")
    with pytest.raises(ImproperlyConfigured):
        database_from_url("postgres://ada@host/")


def test_envbool_is_strict(monkeypatch):
    monkeypatch.setenv("SOME_FLAG", "yes")
    assert envbool("SOME_FLAG", False) is True
    monkeypatch.setenv("SOME_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured):
        envbool("SOME_FLAG", False)


# --- Every variable is documented --------------------------------------------------------------

ROOT = Path(__file__).resolve().parents[2]
# How many of a reader's arguments are names: envpair reads a client id and a secret.
READERS = {"getenv": 1, "envbool": 1, "envint": 1, "envlist": 1, "envpair": 2}


def environment_variables(path):
    """The names `path` reads from the environment: the literal arguments of its readers,
    and the names a loop over (variable, option) pairs hands to them."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name in READERS:
                args = node.args[: READERS[name]]
                names |= {arg.value for arg in args if isinstance(arg, ast.Constant)}
        elif isinstance(node, ast.For) and isinstance(node.iter, ast.Tuple):
            for pair in node.iter.elts:
                if isinstance(pair, ast.Tuple) and isinstance(pair.elts[0], ast.Constant):
                    names.add(pair.elts[0].value)
    return {name for name in names if isinstance(name, str) and name.isupper()}


def test_every_environment_variable_is_documented():
    docs = (ROOT / "README.md").read_text() + (ROOT / "docs" / "deploy.md").read_text()
    names = environment_variables(ROOT / "shortscience" / "settings.py")
    names |= environment_variables(ROOT / "shortscience" / "env.py")
    # The reader finds them all, the loop's too, or the check proves nothing.
    assert {"DEBUG", "SECRET_KEY", "DATABASE_URL", "ORCID_SECRET", "AWS_S3_REGION_NAME"} <= names
    assert len(names) > 40
    assert not {name for name in names if f"`{name}`" not in docs}


def _in_a_new_process(code, **environment):
    """Run `code` under the site's own settings in a process of its own; its output."""
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "CACHE_DIR")},
        "DJANGO_SETTINGS_MODULE": "shortscience.settings",
        "SECRET_KEY": "test",
        **environment,
    }
    setup = "import django; django.setup(); from django.core.cache import cache; "
    done = subprocess.run(
        [sys.executable, "-c", setup + code],
        env=env,
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


def test_a_cache_dir_is_shared_by_the_processes_of_one_machine(tmp_path):
    # What `make run` relies on: what its worker deletes, runserver no longer reads.
    folder = str(tmp_path / "cache")
    _in_a_new_process("cache.set('unread:1', 3)", CACHE_DIR=folder)
    assert _in_a_new_process("print(cache.get('unread:1'))", CACHE_DIR=folder) == "3"
    _in_a_new_process("cache.delete('unread:1')", CACHE_DIR=folder)
    assert _in_a_new_process("print(cache.get('unread:1'))", CACHE_DIR=folder) == "None"
    # Without it (nor REDIS_URL), each process has a cache of its own.
    _in_a_new_process("cache.set('unread:1', 3)")
    assert _in_a_new_process("print(cache.get('unread:1'))") == "None"
