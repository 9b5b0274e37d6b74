from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from markup.render import RENDERER_VERSION, Refused, refusal_html, render
from shortscience.rendered import RenderedText
from shortscience.text import strip_controls

from . import names

USERNAME_MAX_LENGTH = 150
# A skeleton is at most seven times as long as its name: a Hangul syllable becomes up
# to three jamo, and a jamo's prototype up to three (tests/accounts/test_usernames.py checks
# every character a username may hold).
SKELETON_MAX_LENGTH = 7 * USERNAME_MAX_LENGTH


class UsernameSkeletonField(models.CharField):
    """The skeleton of the row's username (accounts.names), set whenever the row is
    written through the models: by save(), and by bulk_create, which calls each
    field's pre_save() but no save()."""

    def pre_save(self, model_instance, add):
        stored = getattr(model_instance, self.attname)
        value = names.skeleton_to_store(model_instance.username, stored, model_instance.pk)
        setattr(model_instance, self.attname, value)
        return value


# The columns accounts.counts keeps, which no save() of a user writes.
COUNT_FIELDS = ("public_summary_count", "public_comment_count")


class User(RenderedText, AbstractUser):
    """The site's user, with the profile and notification preferences on the same row."""

    RENDERED_FROM = ("bio",)
    RENDERER_VERSION_FIELD = "bio_renderer_version"

    username_validator = names.UsernameValidator()

    username = models.CharField(
        _("username"),
        max_length=USERNAME_MAX_LENGTH,
        unique=True,
        help_text=_("Required. 150 characters or fewer. Letters, digits and @/./+/-/_ only."),
        validators=[username_validator],
        error_messages={"unique": _("A user with that username already exists.")},
    )
    # One account per skeleton: no name can be taken again under a look-alike spelling
    # ("Ada", "аda" with a Cyrillic а), whichever code creates the account. NULL only
    # in rows written in SQL, past the models (the benchmark's generated users).
    username_skeleton = UsernameSkeletonField(
        max_length=SKELETON_MAX_LENGTH,
        null=True,
        editable=False,
        help_text="What the username and its look-alikes come down to (accounts.names).",
    )
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
    # Set when the person deleted their account (accounts.services.delete_account): the
    # row stays, scrubbed and inactive, for what it wrote that was kept without a name.
    deleted_at = models.DateTimeField(null=True, blank=True, editable=False)
    # What the profile counts: the person's summaries and comments that it lists
    # (Summary.objects.on_profile, Comment.objects.on_profile). Kept by accounts.counts
    # wherever those change, so that a profile does not count hundreds of rows on each
    # view; a full save() of the user leaves them be (see save()).
    public_summary_count = models.PositiveIntegerField(default=0, editable=False)
    public_comment_count = models.PositiveIntegerField(default=0, editable=False)

    class Meta(AbstractUser.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["username_skeleton"],
                name="accounts_user_username_skeleton_unique",
                violation_error_message=names.TAKEN_MESSAGE,
            ),
        ]

    def save(self, *args, **kwargs):
        # The bio is user text like any other: rendered and sanitized once, when it
        # changes (shortscience.rendered). Saves of other fields only (the last login,
        # on every log-in) leave it be.
        update_fields = self.render_for_save(kwargs.get("update_fields"))
        if update_fields is None or "display_name" in update_fields:
            # However it is set (the settings form, the admin, a script), a name that
            # pages print holds no direction override (shortscience.text).
            self.display_name = strip_controls(self.display_name)
        if update_fields is not None and "username" in update_fields:
            update_fields = {*update_fields, "username_skeleton"}
        if update_fields is None and not self._state.adding:
            # The counts are written by accounts.counts alone: a user loaded before a
            # recount (a settings form, a log-in) must not write back what it read.
            update_fields = {
                field.name
                for field in self._meta.concrete_fields
                if not field.primary_key and field.name not in COUNT_FIELDS
            }
        if update_fields is not None:
            kwargs["update_fields"] = update_fields
        super().save(*args, **kwargs)
        self.note_saved()

    def clean(self):
        super().clean()
        # The admin's forms come here; sign-up forms ask names.validate_username_available
        # first, which refuses reserved names as well. An account that keeps the
        # set-apart skeleton of its name (names.set_apart) is left be.
        if not self.username:
            return
        skeleton = names.username_skeleton(self.username)
        stored = names.skeleton_to_store(self.username, self.username_skeleton, self.pk)
        if stored == skeleton and names.skeleton_is_taken(skeleton, exclude_pk=self.pk):
            raise ValidationError({"username": ValidationError(names.TAKEN_MESSAGE, code="taken")})

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
    def can_post(self):
        """Whether the user may post summaries, comments, votes and reports, and add
        papers: once their primary e-mail address is verified (accounts.posting)."""
        from allauth.account.models import EmailAddress

        return EmailAddress.objects.filter(user=self, primary=True, verified=True).exists()

    @property
    def shown_name(self):
        return self.display_name or self.username

    # What a list of summaries or comments prints of their authors: a byline linking to
    # the profile, a deleted account's placeholder, the API's author object.
    BYLINE_FIELDS = ("id", "username", "display_name", "deleted_at")

    @classmethod
    def not_in_byline(cls, relation):
        """The columns a list does not load of the author it joins through `relation`
        ("author"), for QuerySet.defer(): all but BYLINE_FIELDS. The password hash and
        the address are not read for a page that shows a name, and a card's query
        loads 33 columns rather than 49 (0.2 ms of the homepage's 2.2)."""
        return [
            f"{relation}__{field.name}"
            for field in cls._meta.concrete_fields
            if field.name not in cls.BYLINE_FIELDS
        ]
