from crispy_forms.helper import FormHelper
from django import forms
from django.conf import settings

from shortscience.forms import check_renders
from topics.models import MAX_SUMMARY_TOPICS, Topic

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

    # Not a column of the summary: the links live on the topic (topics.models), written
    # by services.save_summary.
    topics = forms.ModelMultipleChoiceField(
        queryset=Topic.objects.only("pk", "name"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=f"Up to {MAX_SUMMARY_TOPICS}, besides the paper's own (its arXiv categories). "
        "Ctrl or Cmd and click to choose more than one.",
    )

    class Meta:
        model = Summary
        fields = ["body", "topics", "is_private", "is_anonymous"]

    def __init__(self, *args, publishing=True, **kwargs):
        # Previewing is not publishing: a text below the floor may still be previewed.
        self.publishing = publishing
        instance = kwargs.get("instance")
        if instance is not None and instance.pk and "topics" not in (kwargs.get("initial") or {}):
            kwargs["initial"] = {**(kwargs.get("initial") or {}), "topics": instance.topics.all()}
        super().__init__(*args, **kwargs)
        _without_maxlength(self.fields["body"])
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean_body(self):
        body = self.cleaned_data["body"]
        floor, length = settings.SUMMARY_MIN_LENGTH, len(body.strip())
        if self.publishing and length < floor:
            # The text stays in the form, to be written on.
            raise forms.ValidationError(
                f"A summary needs at least {floor:,} characters; this one has {length:,}."
            )
        return check_renders(body, "summary")

    def clean_topics(self):
        topics = self.cleaned_data["topics"]
        if len(topics) > MAX_SUMMARY_TOPICS:
            raise forms.ValidationError(
                f"Choose at most {MAX_SUMMARY_TOPICS} topics; you chose {len(topics)}."
            )
        return topics

    def _save_m2m(self):
        # The topics are saved by services.save_summary, with the summary.
        pass


class CommentForm(forms.ModelForm):
    """A comment's text: a new comment, a reply or an edit.

    The parent of a reply is not a field: the form that posts it carries it in a hidden
    input, and the view checks it against the comments shown (`CommentQuerySet.thread_for`).
    """

    body = forms.CharField(
        label="Your comment",
        max_length=settings.COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Markdown and $math$ work here too.",
    )

    class Meta:
        model = Comment
        fields = ["body"]

    def __init__(self, *args, label=None, id_prefix=None, **kwargs):
        # A page can hold the comment form, a reply form and an edit form at once: each
        # gets its own element ids through `id_prefix`.
        if id_prefix:
            kwargs.setdefault("auto_id", f"{id_prefix}_%s")
        super().__init__(*args, **kwargs)
        _without_maxlength(self.fields["body"])
        if label:
            self.fields["body"].label = label
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean_body(self):
        return check_renders(self.cleaned_data["body"], "comment")


def reply_form(thread, *args, **kwargs):
    """The form for a reply under the top-level comment `thread`; comments.js builds the
    same one in place, with the same ids."""
    return CommentForm(*args, label="Your reply", id_prefix=f"reply-{thread.pk}", **kwargs)
