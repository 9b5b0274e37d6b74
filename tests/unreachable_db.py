"""A default database that is really not there, for the health check and the 503 page.

The connection is a real Django connection whose server is missing: PostgreSQL on a
loopback port nobody listens on (connection refused, as when the server is stopped), or
SQLite in a directory that does not exist (unable to open the file). It stands in for
the default connection while the test runs; the test database itself is untouched.
"""

import copy
import socket
from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.postgresql.base import DatabaseWrapper as PostgreSQLWrapper
from django.db.backends.sqlite3.base import DatabaseWrapper as SQLiteWrapper

KINDS = ("postgresql", "sqlite")


def _closed_port():
    # Bound and released: nothing listens there afterwards.
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def unreachable_connection(kind, tmp_path):
    settings_dict = copy.deepcopy(connections[DEFAULT_DB_ALIAS].settings_dict)
    if kind == "postgresql":
        settings_dict.update(
            ENGINE="django.db.backends.postgresql",
            NAME="shortscience",
            USER="shortscience",
            PASSWORD="",
            HOST="127.0.0.1",
            PORT=str(_closed_port()),
            OPTIONS={"connect_timeout": 5},
        )
        return PostgreSQLWrapper(settings_dict, DEFAULT_DB_ALIAS)
    settings_dict.update(
        ENGINE="django.db.backends.sqlite3",
        NAME=str(tmp_path / "missing" / "db.sqlite3"),
        OPTIONS={},
    )
    return SQLiteWrapper(settings_dict, DEFAULT_DB_ALIAS)


@contextmanager
def database_away(wrapper):
    """Serve requests with `wrapper` as the default connection."""
    original = connections[DEFAULT_DB_ALIAS]
    connections[DEFAULT_DB_ALIAS] = wrapper
    try:
        yield wrapper
    finally:
        connections[DEFAULT_DB_ALIAS] = original
        wrapper.close()
