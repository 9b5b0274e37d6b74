"""The site's rules inside django-allauth: who may take a username, and which address a
request comes from."""

import unicodedata

from allauth.account.adapter import DefaultAccountAdapter

from shortscience.clientip import client_ip

from . import names


class AccountAdapter(DefaultAccountAdapter):
    def clean_username(self, username, shallow=False):
        # In NFKC form, as Django's own forms store names ("Ａｄａ" is "Ada"); then the
        # model's validators and the same name in another case (allauth's checks), and
        # the site's rule (accounts.names): reserved names, and names that look like a
        # taken one.
        username = unicodedata.normalize("NFKC", username)
        username = super().clean_username(username, shallow=shallow)
        if not shallow:
            names.validate_username_available(username)
        return username

    def get_client_ip(self, request):
        # The address allauth's throttles count by: the site's one reading of it, the
        # same as its own limits (shortscience.ratelimit).
        return client_ip(request)
