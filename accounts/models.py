from django.contrib.auth.models import AbstractUser
from django.urls import reverse


class User(AbstractUser):
    """The site's user. A model of our own from the start, so profile fields can grow here."""

    def get_absolute_url(self):
        return reverse("accounts:profile", args=[self.username])
