from django.apps import AppConfig


class FiguresConfig(AppConfig):
    name = "figures"

    def ready(self):
        from . import receivers  # noqa: F401
