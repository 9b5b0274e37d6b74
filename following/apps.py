from django.apps import AppConfig


class FollowingConfig(AppConfig):
    name = "following"

    def ready(self):
        from . import receivers  # noqa: F401
