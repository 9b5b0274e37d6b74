from crispy_forms.helper import FormHelper
from django import forms
from django.conf import settings

from .models import Comment, Summary


def _without_maxlength(field):
    # Browsers cut pasted text at `maxlength` without a word; the server checks the
    # length instead and hands the whole text back with an error.
    field.widget.attrs.pop("maxlength", None)


class SummaryForm(forms.ModelForm):
    body = forms.CharField(
        label="Summary",
        max_length=settings.SUMMARY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 18, "class": "font-monospace"}),
        help_text="Markdown with LaTeX math: $inline$ and $$display$$.",
    )

    class Meta:
        model = Summary
        fields = ["body", "is_private", "is_anonymous"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _without_maxlength(self.fields["body"])
        self.helper = FormHelper()
        self.helper.form_tag = False


class CommentForm(forms.ModelForm):
    body = forms.CharField(
        label="Your comment",
        max_length=settings.COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Markdown and $math$ work here too.",
    )

    class Meta:
        model = Comment
        fields = ["body"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _without_maxlength(self.fields["body"])
        self.helper = FormHelper()
        self.helper.form_tag = False
