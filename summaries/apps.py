from django.apps import AppConfig


class SummariesConfig(AppConfig):
    name = "summaries"

    def ready(self):
        from . import receivers  # noqa: F401
