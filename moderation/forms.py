from crispy_forms.helper import FormHelper
from django import forms

from .models import Report

DETAILS_MAX_LENGTH = Report._meta.get_field("details").max_length


class ReportForm(forms.Form):
    reason = forms.ChoiceField(
        label="What is wrong with it?", choices=Report.Reason.choices, widget=forms.RadioSelect
    )
    # Posted as `body`, the name the pages for refused posts (rate limit, expired CSRF
    # token) look for to hand the text back; stored as the report's details.
    body = forms.CharField(
        label="Details",
        required=False,
        max_length=DETAILS_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Optional: anything that helps the moderators, such as a link to the original.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Browsers cut pasted text at `maxlength` without a word; the server checks the
        # length instead and hands the whole text back with the error.
        self.fields["body"].widget.attrs.pop("maxlength", None)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
