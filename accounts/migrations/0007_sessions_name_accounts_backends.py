"""Sessions made before accounts.backends name the backends it extends, which
AUTHENTICATION_BACKENDS no longer lists: Django would log them out. They are renamed
here, in the database, where the session engines that keep sessions there (db,
cached_db) hold them; cached_db's copy in the cache is dropped, to be read again."""

from importlib import import_module

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.core.cache import caches
from django.db import migrations
from django.utils import timezone

RENAMED = {
    "django.contrib.auth.backends.ModelBackend": "accounts.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend": (
        "accounts.backends.AuthenticationBackend"
    ),
}


def rename_backends(apps, schema_editor, renamed=RENAMED):
    engine = import_module(settings.SESSION_ENGINE).SessionStore
    if not issubclass(engine, DatabaseSessionStore):
        return
    Session = apps.get_model("sessions", "Session")
    sessions = Session.objects.using(schema_editor.connection.alias)
    for session in sessions.filter(expire_date__gt=timezone.now()).iterator():
        store = engine(session.session_key)
        data = store.decode(session.session_data)
        if (name := renamed.get(data.get(BACKEND_SESSION_KEY))) is None:
            continue
        data[BACKEND_SESSION_KEY] = name
        sessions.filter(pk=session.pk).update(session_data=store.encode(data))
        if cache_key := getattr(store, "cache_key", None):
            caches[settings.SESSION_CACHE_ALIAS].delete(cache_key)


def name_old_backends(apps, schema_editor):
    rename_backends(apps, schema_editor, {new: old for old, new in RENAMED.items()})


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0006_profile_counts"),
        ("sessions", "0001_initial"),
    ]

    operations = [migrations.RunPython(rename_backends, name_old_backends)]
