import re

from crispy_forms.helper import FormHelper
from django import forms
from django.contrib.auth.forms import UserCreationForm

from .models import User

RESERVED_USERNAME_RE = re.compile(
    r"^(main|preview|comment-form|(comments?|anonymous|summary)-\d+|id_.*|admin|anonymous)$",
    re.IGNORECASE,
)


class SignupForm(UserCreationForm):
    email = forms.EmailField(
        required=True, help_text="For password resets. Never shown to other users."
    )

    class Meta:
        model = User
        fields = ["username", "email"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean_username(self):
        username = self.cleaned_data["username"]
        # A summary's element id on a paper page is its author's username (old links
        # end in #username), so a name must not be one of the page's own ids.
        if RESERVED_USERNAME_RE.match(username):
            raise forms.ValidationError("This username is reserved. Please choose another.")
        return username

    def clean_email(self):
        email = self.cleaned_data["email"]
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError("An account with this e-mail address exists already.")
        return email
