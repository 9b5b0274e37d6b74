from django.apps import AppConfig
from django.db.backends.signals import connection_created


class SearchConfig(AppConfig):
    name = "search"

    def ready(self):
        from . import receivers  # noqa: F401

        connection_created.connect(_add_word_function, dispatch_uid="search.contains_word")


def _add_word_function(sender, connection, **kwargs):
    """SQLite has no word search (nor REGEXP): the fallback's whole-word match is a
    Python function on each connection (search.text.contains_word, see search.fallback)."""
    if connection.vendor == "sqlite":
        from .text import contains_word

        connection.connection.create_function(
            "search_contains_word", 2, contains_word, deterministic=True
        )
