import pytest
from django.core.exceptions import ImproperlyConfigured

from shortscience.settings import database_from_url, envbool


def test_database_url_with_host_and_port():
    db = database_from_url("postgres://ada:s%40cret@db.example:5433/papers?sslmode=require")
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert (db["USER"], db["PASSWORD"]) == ("ada", "s@cret")
    assert (db["HOST"], db["PORT"], db["NAME"]) == ("db.example", 5433, "papers")
    assert db["OPTIONS"] == {"sslmode": "require", "options": "-c jit=off"}


def test_database_url_turns_jit_off_keeping_its_own_options():
    db = database_from_url("postgres://ada@db/papers?options=-c%20statement_timeout%3D5000")
    assert db["OPTIONS"]["options"] == "-c jit=off -c statement_timeout=5000"
    replica = database_from_url("postgres://ada@replica/papers", "DATABASE_REPLICA_URL")
    assert replica["OPTIONS"]["options"] == "-c jit=off"


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
