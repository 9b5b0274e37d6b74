"""A session's user, read by accounts.backends through a compiled statement, and the
migration that renamed the backends sessions made before them name."""

import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db

migration = importlib.import_module("accounts.migrations.0007_sessions_name_accounts_backends")
SETTINGS_URL = reverse("accounts:settings")
OLD_BACKEND = "allauth.account.auth_backends.AuthenticationBackend"


def user_queries(client, url=SETTINGS_URL):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    table = connection.ops.quote_name(User._meta.db_table)
    return response, [
        query["sql"] for query in captured if query["sql"].startswith(f"SELECT {table}.")
    ]


def test_a_logged_in_request_reads_its_user_once_through_the_statement(client):
    ada = make_user("ada")
    client.force_login(ada)
    client.get(SETTINGS_URL)
    response, queries = user_queries(client)
    assert response.status_code == 200
    assert response.context["user"].pk == ada.pk
    assert response.context["user"].username == "ada"
    # One query for the session's user, and not the ORM's get(), which asks for at
    # most 21 rows to say how many matched.
    assert len(queries) == 1
    assert "LIMIT" not in queries[0]


@pytest.mark.parametrize(
    "backend", ["accounts.backends.ModelBackend", "accounts.backends.AuthenticationBackend"]
)
def test_each_backend_finds_the_user_of_its_sessions(client, backend):
    ada = make_user("ada")
    client.force_login(ada, backend=backend)
    response = client.get(SETTINGS_URL)
    assert response.status_code == 200
    assert response.context["user"] == ada


def test_a_deactivated_user_is_logged_out(client):
    ada = make_user("ada")
    client.force_login(ada)
    User.objects.filter(pk=ada.pk).update(is_active=False)
    response = client.get(SETTINGS_URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_a_removed_user_is_logged_out(client):
    ada = make_user("ada")
    client.force_login(ada)
    ada.delete()
    response = client.get(reverse("summaries:home"))
    assert not response.context["user"].is_authenticated


def test_logging_in_with_a_password_still_works(client):
    make_user("ada")
    assert client.login(username="ada", password=PASSWORD)
    assert client.session[BACKEND_SESSION_KEY] == settings.AUTHENTICATION_BACKENDS[0]
    assert client.get(SETTINGS_URL).status_code == 200


# The migration ---------------------------------------------------------------------


def migrate(forwards=True):
    editor = SimpleNamespace(connection=connection)
    if forwards:
        migration.rename_backends(apps, editor)
    else:
        migration.name_old_backends(apps, editor)


def test_a_session_made_before_the_backends_stays_logged_in(client):
    ada = make_user("ada")
    client.force_login(ada, backend=OLD_BACKEND)
    # Its backend is no longer listed: Django logs it out...
    assert not client.get(reverse("summaries:home")).context["user"].is_authenticated
    # ...unless the migration has renamed it.
    migrate()
    assert client.session[BACKEND_SESSION_KEY] == "accounts.backends.AuthenticationBackend"
    response = client.get(SETTINGS_URL)
    assert response.status_code == 200
    assert response.context["user"] == ada


def test_the_migration_leaves_other_sessions_as_they_were(client):
    ada = make_user("ada")
    client.force_login(ada, backend="accounts.backends.ModelBackend")
    migrate()
    assert client.session[BACKEND_SESSION_KEY] == "accounts.backends.ModelBackend"
    assert client.get(SETTINGS_URL).status_code == 200


def test_the_migration_goes_back(client):
    ada = make_user("ada")
    client.force_login(ada, backend="accounts.backends.ModelBackend")
    migrate(forwards=False)
    assert client.session[BACKEND_SESSION_KEY] == "django.contrib.auth.backends.ModelBackend"
    migrate()
    assert client.session[BACKEND_SESSION_KEY] == "accounts.backends.ModelBackend"
    assert client.get(SETTINGS_URL).context["user"] == ada
