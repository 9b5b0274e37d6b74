"""The backends that log people in and find the user of each request's session:
Django's and allauth's, with that user read through a statement compiled once per
process (shortscience.prepared).

Django finds a session's user with `User.objects.get(pk=...)`, a queryset built and
compiled anew on every request a logged-in user makes: 0.29 ms of Python, where the
same query through a compiled statement takes 0.08 ms (in process, on the benchmark's
data). Logging in is each backend's own, unchanged.

A session names the backend that logged it in, and Django finds its user only through
a backend that AUTHENTICATION_BACKENDS names: sessions made before these backends were
renamed to them (accounts migration 0007).
"""

from allauth.account import auth_backends
from django.contrib.auth import backends
from django.db import models

from shortscience.prepared import Param, Statement


def _users_by_pk():
    from .models import User

    return User._default_manager.filter(pk=Param("pk", models.IntegerField()))


_SESSION_USER = Statement(_users_by_pk)


class _SessionUser:
    def get_user(self, user_id):
        """The user with this id, if they may log in (as Django's ModelBackend has it),
        else None."""
        found = _SESSION_USER.instances(pk=user_id)
        if not found or not self.user_can_authenticate(found[0]):
            return None
        return found[0]


class ModelBackend(_SessionUser, backends.ModelBackend):
    """Django's backend: log-in by username and password, as the admin's form does."""


class AuthenticationBackend(_SessionUser, auth_backends.AuthenticationBackend):
    """allauth's backend: log-in by username or e-mail address."""
