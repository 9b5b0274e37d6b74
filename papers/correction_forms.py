"""The form a reader corrects a paper's details with."""

from django import forms
from django.core import signing
from django.core.exceptions import ValidationError

from shortscience.forms import limit_length

from . import history
from .corrections import identifier_taken, taken_message
from .forms import PaperForm
from .history_models import CORRECTABLE_FIELDS, CORRECTION_REASON_MAX_LENGTH
from .models import Paper

_SHOWN_SALT = "papers.correction_forms.shown"


class CorrectionForm(PaperForm):
    """The paper's details as the add-a-paper form takes them, with the same checks and
    normalisation, pre-filled with the current values; and a reason.

    What the reader changed is read against the values the form showed them, carried
    signed in `shown`: the paper may change while they type (another correction, a
    moderator), and a field they left alone must not undo that. Valid, the form holds
    `proposed` (the fields changed, new values) and `original` (their shown values).
    """

    # The key is the paper's address, for moderators to change in the admin.
    bibtex_key = None
    source_key = None
    other_keys = None
    reason = limit_length(
        forms.CharField(
            label="What is wrong, and where can it be checked?",
            max_length=CORRECTION_REASON_MAX_LENGTH,
            widget=forms.Textarea(attrs={"rows": 2}),
            help_text="Moderators read this. For example: “the title on the publisher's "
            "page has no colon”, or “published at ICML 2019, see the DOI”.",
        ),
        "The reason",
    )
    shown = forms.CharField(required=False, widget=forms.HiddenInput)

    field_order = [*CORRECTABLE_FIELDS, "reason"]

    def __init__(self, data=None, *, paper, **kwargs):
        self.paper = paper
        current = history.snapshot(paper, CORRECTABLE_FIELDS)
        shown = signing.dumps(current, salt=_SHOWN_SALT, compress=True)
        super().__init__(data, initial={**current, "shown": shown}, **kwargs)

    def clean_reason(self):
        return self.cleaned_data["reason"].strip()

    def clean_shown(self):
        """The values the form was filled with; the current ones if that is unreadable
        (a form from before this field, or tampered with)."""
        try:
            shown = signing.loads(self.cleaned_data["shown"], salt=_SHOWN_SALT)
        except signing.BadSignature:
            shown = None
        if not isinstance(shown, dict) or set(shown) != set(CORRECTABLE_FIELDS):
            shown = history.snapshot(self.paper, CORRECTABLE_FIELDS)
        return shown

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        values = _stored({name: cleaned[name] for name in CORRECTABLE_FIELDS})
        shown = cleaned["shown"]
        current = history.snapshot(self.paper, CORRECTABLE_FIELDS)
        # Both in their stored forms: a field left as it was shown is no change, even
        # where the paper was stored before a rule of the stored form (a venue's
        # canonical name, papers.venues) and the form now writes it otherwise.
        as_shown = _stored(shown)
        edited = {name: value for name, value in values.items() if value != as_shown[name]}
        if not edited:
            raise ValidationError(
                "This changes nothing: correct at least one of the details, then send it.",
                code="unchanged",
            )
        self.proposed = {name: value for name, value in edited.items() if value != current[name]}
        if not self.proposed:
            raise ValidationError(
                "The paper has these details already: someone corrected it while you were writing.",
                code="already",
            )
        for name in ("arxiv_id", "doi"):
            if name in self.proposed and (
                other := identifier_taken(self.paper, name, self.proposed[name])
            ):
                self.add_error(name, ValidationError(taken_message(name, other), code="taken"))
        self.original = {name: shown[name] for name in self.proposed}
        return cleaned


def _stored(values):
    """A paper's correctable details in their stored forms, as the paper's own clean()
    and save() make them."""
    probe = Paper(**values)
    probe.title = probe.title.strip()
    probe.clean()
    return history.snapshot(probe, CORRECTABLE_FIELDS)
