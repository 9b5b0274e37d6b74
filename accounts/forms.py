from allauth.account import forms as allauth_forms
from allauth.socialaccount import forms as social_forms
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Fieldset, Layout
from django import forms
from django.db import transaction
from django.forms.boundfield import BoundField

from following import preferences
from following.models import MAIL_CHOICES, Notification
from shortscience.forms import check_renders, limit_length
from shortscience.text import clean_line

from . import orcid, services
from .models import User


class _HoneypotBoundField(BoundField):
    def css_classes(self, extra_classes=None):
        # The class goes on the field's wrapper (label included), which crispy prints
        # with these classes: the whole field is kept out of sight, not just the input.
        return super().css_classes(["honeypot", *(extra_classes or [])])


class _HoneypotInput(forms.TextInput):
    def format_value(self, value):
        # Shown again empty: a person who filled it by mistake can simply resend.
        return None


class LoginForm(allauth_forms.LoginForm):
    """allauth's log-in form, its field named for what it takes."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["login"].label = "Username or e-mail"
        # The page links to the password reset under the form already.
        self.fields["password"].help_text = ""
        for field in self.fields.values():
            field.widget.attrs.pop("placeholder", None)


class SignupForm(allauth_forms.SignupForm):
    """allauth's sign-up form (username, e-mail, password twice; the username is checked
    by accounts.adapter) with the site's trap for scripts."""

    # A field people never see, which form-filling scripts fill like any other.
    website = forms.CharField(
        label="Leave this empty",
        required=False,
        widget=_HoneypotInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
        bound_field_class=_HoneypotBoundField,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].help_text = "For verifying and password resets. Never shown to others."
        # allauth's placeholders repeat the labels, which crispy prints already.
        for field in self.fields.values():
            field.widget.attrs.pop("placeholder", None)
        # The trap last, after the fields allauth adds in its __init__.
        self.fields["website"] = self.fields.pop("website")

    def clean(self):
        cleaned_data = super().clean()
        if self.cleaned_data.get("website"):
            # Said plainly but without naming the field, which would teach scripts
            # what to leave out.
            raise forms.ValidationError(
                "Your account could not be created. Please try again.", code="refused"
            )
        return cleaned_data


class SocialSignupForm(social_forms.SignupForm):
    """The last step of a sign-up with ORCID or GitHub, when the provider's details
    are not enough: a username that is free (accounts.adapter), and an e-mail address
    when the provider gave none (ORCID often gives none), which is then verified by
    mail before the account may post."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "email" in self.fields:
            self.fields[
                "email"
            ].help_text = "For verifying and password resets. Never shown to others."
        for field in self.fields.values():
            field.widget.attrs.pop("placeholder", None)


BIO_MAX_LENGTH = User._meta.get_field("bio").max_length


class SettingsForm(forms.ModelForm):
    bio = limit_length(
        forms.CharField(
            required=False,
            max_length=BIO_MAX_LENGTH,
            widget=forms.Textarea(attrs={"rows": 6}),
            help_text=f"A few lines about you, up to {BIO_MAX_LENGTH} characters. "
            "Markdown and $math$ work.",
        ),
        "Your bio",
    )
    orcid = forms.CharField(
        label="ORCID iD",
        required=False,
        max_length=100,
        help_text="Like 0000-0002-1825-0097, or its link on orcid.org.",
    )

    # Kept on following.models.InboxPreference, read and written through
    # following.preferences; its docstring says how `mail` and the two switches combine.
    # Sent by the page's form: a post without it (a script that sets the profile alone)
    # leaves the mail choice and the inbox's kinds as they are, where the missing
    # checkboxes would otherwise read as every kind turned off.
    preferences_shown = forms.BooleanField(required=False, initial=True, widget=forms.HiddenInput)
    mail = forms.ChoiceField(
        label="How mail comes",
        choices=MAIL_CHOICES,
        required=False,
        widget=forms.RadioSelect,
        help_text="A digest lists what is new and unread in your inbox: new summaries you "
        "follow, mentions, and comments and replies as the boxes below allow.",
    )
    inbox_kinds = forms.MultipleChoiceField(
        label="Tell me in the inbox about",
        choices=Notification.KIND_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="What you turn off here is neither in the inbox nor in a digest.",
    )

    class Meta:
        model = User
        fields = ["display_name", "bio", "orcid", "notify_on_comment", "notify_on_reply"]
        labels = {
            "notify_on_comment": "E-mail me about comments on my summaries",
            "notify_on_reply": "E-mail me about replies in discussions I took part in",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The length of each text is checked by the server, which hands the whole text
        # back with the error (see shortscience.forms.limit_length).
        limit_length(self.fields["display_name"], "Your display name")
        self.fields["orcid"].widget.attrs.pop("maxlength", None)
        self.helper = FormHelper()
        self.helper.form_tag = False
        pref = preferences.of(self.instance)
        self.fields["mail"].initial = pref.mail
        self.fields["inbox_kinds"].initial = [
            kind for kind in Notification.KINDS if kind not in (pref.muted or ())
        ]
        self.helper.layout = Layout(
            Fieldset("Profile", "display_name", "bio", "orcid"),
            Fieldset(
                "E-mail notifications",
                "mail",
                "notify_on_comment",
                "notify_on_reply",
                # Last: Bootstrap clears its legend's float on the element after it,
                # which must be one that shows, or the radios squeeze in beside it.
                "preferences_shown",
                css_id="mail-settings",
            ),
            Fieldset("Inbox", "inbox_kinds", css_id="inbox-settings"),
        )

    def clean(self):
        cleaned_data = super().clean()
        if cleaned_data.get("preferences_shown") and not cleaned_data.get("mail"):
            self.add_error("mail", "Choose how mail comes.")
        return cleaned_data

    def save(self, commit=True):
        with transaction.atomic():
            user = super().save(commit=commit)
            if self.cleaned_data["preferences_shown"]:
                on = set(self.cleaned_data["inbox_kinds"])
                preferences.save(
                    user,
                    muted=[kind for kind in Notification.KINDS if kind not in on],
                    mail=self.cleaned_data["mail"],
                )
        return user

    def clean_display_name(self):
        # One line, without direction overrides or invisible characters: pages print
        # it beside other text (shortscience.text).
        return clean_line(self.cleaned_data["display_name"])

    def clean_bio(self):
        return check_renders(self.cleaned_data["bio"], "comment")

    def clean_orcid(self):
        value = self.cleaned_data["orcid"]
        return orcid.normalize(value) if value.strip() else ""


class DeleteAccountForm(forms.Form):
    """What becomes of what the person wrote once their account is gone. Who they are
    was asked just before: the view wants a fresh log-in (allauth's reauthentication)."""

    content = forms.ChoiceField(
        label="What you wrote",
        choices=[
            (
                services.DELETE,
                "Delete it: my summaries with their comments, my comments and my votes. "
                "Comments of mine that others replied to stay as “[deleted]”.",
            ),
            (
                services.ANONYMISE,
                "Keep it without my name: my summaries become anonymous, my comments "
                "show no name, my votes still count. Private summaries are deleted.",
            ),
        ],
        widget=forms.RadioSelect,
    )
    confirm = forms.BooleanField(
        label="I understand that my account cannot be brought back.", required=True
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
