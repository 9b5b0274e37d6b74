from django.contrib.auth.models import AbstractUser
from django.db import models
from django.urls import reverse

from markup.render import RENDERER_VERSION, Refused, refusal_html, render


class User(AbstractUser):
    """The site's user, with the profile and notification preferences on the same row."""

    display_name = models.CharField(
        max_length=80, blank=True, help_text="Shown on your profile beside your username."
    )
    bio = models.TextField(
        blank=True, max_length=2000, help_text="A few lines about you. Markdown works."
    )
    bio_html = models.TextField(blank=True, editable=False)
    bio_renderer_version = models.PositiveIntegerField(default=0, editable=False)
    orcid = models.CharField(
        "ORCID iD", max_length=19, blank=True, help_text="Like 0000-0002-1825-0097."
    )
    notify_on_comment = models.BooleanField(
        "e-mail me about comments on my summaries", default=True
    )
    notify_on_reply = models.BooleanField(
        "e-mail me about replies in discussions I took part in", default=True
    )

    def save(self, *args, **kwargs):
        # The bio is user text like any other: rendered and sanitized once, here. Saves
        # of other fields only (the last login, on every log-in) leave it be.
        update_fields = kwargs.get("update_fields")
        if update_fields is None or "bio" in update_fields:
            for name, value in self.rendered_fields().items():
                setattr(self, name, value)
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "bio_html", "bio_renderer_version"}
        super().save(*args, **kwargs)

    def rendered_fields(self):
        """The stored HTML of the bio, as the current renderer makes it."""
        try:
            html = render(self.bio, flavor="comment") if self.bio else ""
        except Refused as error:  # the settings form refuses such a bio; the admin may not
            html = refusal_html(error)
        return {"bio_html": html, "bio_renderer_version": RENDERER_VERSION}

    def get_absolute_url(self):
        return reverse("accounts:profile", args=[self.username])

    @property
    def shown_name(self):
        return self.display_name or self.username
