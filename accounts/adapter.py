"""The site's rules inside django-allauth: who may take a username, which address a
request comes from, and what a sign-in with ORCID or GitHub brings in."""

import logging
import unicodedata

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.utils import user_email, user_username
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialApp
from allauth.utils import generate_username_candidates
from django.core.exceptions import ValidationError
from django.http import Http404

from shortscience.clientip import client_ip

from . import names, orcid

logger = logging.getLogger(__name__)


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

    def generate_unique_username(self, txts, regex=None):
        # The name a sign-up with ORCID or GitHub gets when the provider's is taken or
        # there is none. allauth checks its candidates without the database beyond an
        # exact match, so a reserved name or a look-alike of a taken one would pass
        # and fail at the database's constraint: each candidate (the base, then the
        # base with random suffixes) goes through the site's whole rule instead.
        base = super().generate_unique_username(txts, regex)
        for candidate in [
            *generate_username_candidates(base),
            *generate_username_candidates("reader"),
        ]:
            try:
                return self.clean_username(candidate)
            except ValidationError:
                continue
        raise ValidationError("No free username could be made up.", code="no_username")

    def get_client_ip(self, request):
        # The address allauth's throttles count by: the site's one reading of it, the
        # same as its own limits (shortscience.ratelimit).
        return client_ip(request)


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """Sign-in with ORCID and GitHub (allauth.socialaccount), by the site's rules.

    Usernames a provider suggests go through AccountAdapter.clean_username (allauth's
    sign-up flows call it). An address a provider gives counts as verified only when
    the provider says so (GitHub's list of addresses does), so posting still waits for
    a verified address (accounts.posting).
    """

    def get_provider(self, request, provider, client_id=None):
        # A provider whose client id and secret are unset has no app (settings'
        # social_apps): its sign-in and callback pages do not exist, rather than fail.
        try:
            return super().get_provider(request, provider, client_id=client_id)
        except SocialApp.DoesNotExist:
            raise Http404(f"Sign-in with {provider} is not offered here.") from None

    def populate_user(self, request, sociallogin, data):
        user = super().populate_user(request, sociallogin, data)
        # A new account from ORCID starts with its ORCID iD: the one ORCID just proved.
        set_orcid_from(sociallogin, user)
        return user

    def save_user(self, request, sociallogin, form=None):
        user = sociallogin.user
        if form is None and not user_username(user):
            # The provider's name was taken (allauth's sign-up flow has just cleared
            # it): the account gets that name with a few characters after it rather
            # than one made from the first name alone.
            data = sociallogin.account.extra_data
            suggested = sociallogin.provider.extract_common_fields(data).get("username")
            txts = [suggested, user.first_name, user.last_name, user_email(user)]
            user_username(user, AccountAdapter().generate_unique_username(txts))
        # One address per account (ACCOUNT_CHANGE_EMAIL): the one it signs up with, not
        # every address the provider lists. It stays verified if the provider said so.
        email = (form.cleaned_data.get("email") if form else user_email(user)) or ""
        sociallogin.email_addresses = [
            address
            for address in sociallogin.email_addresses
            if email and address.email.lower() == email.lower()
        ]
        return super().save_user(request, sociallogin, form=form)

    def get_signup_form_initial_data(self, sociallogin):
        # When the provider brought no usable name (ORCID has none), the form suggests
        # one made from the person's name, as a sign-up without the form would get.
        initial = super().get_signup_form_initial_data(sociallogin)
        if not initial.get("username"):
            user = sociallogin.user
            txts = [user.first_name, user.last_name, initial.get("email")]
            initial["username"] = AccountAdapter().generate_unique_username(txts)
        return initial


def set_orcid_from(sociallogin, user):
    """Put the ORCID iD of an ORCID sign-in on `user` (not saved); any other provider's,
    or an iD that fails the checksum (not ORCID's doing, but never stored), leaves the
    user be. Returns whether it changed."""
    if sociallogin.account.provider != "orcid":
        return False
    try:
        value = orcid.normalize(sociallogin.account.uid)
    except ValidationError:
        logger.warning("ORCID sign-in with a malformed iD %r", sociallogin.account.uid)
        return False
    if user.orcid == value:
        return False
    user.orcid = value
    return True


def orcid_connected(request, sociallogin, **kwargs):
    """Receiver of allauth's social_account_added: ORCID connected to an existing
    account fills in (or corrects) its ORCID iD, which the sign-in has just proved."""
    user = sociallogin.user
    if set_orcid_from(sociallogin, user):
        user.save(update_fields=["orcid"])
