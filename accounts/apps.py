from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"

    def ready(self):
        from allauth.socialaccount.signals import social_account_added

        from .adapter import orcid_connected

        social_account_added.connect(orcid_connected, dispatch_uid="accounts.orcid_connected")
