from django import forms
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat

from shortscience.forms import check_renders, limit_length, too_long_message

from . import identifiers, reading_lists, sources, venues
from .keys import KEY_MAX_LENGTH, is_valid_key, validate_bibtex_key
from .models import (
    AUTHORS_MAX_LENGTH,
    DISTINCT_REASON_MAX_LENGTH,
    Paper,
    normalize_author_list,
)

# A pasted BibTeX entry with a long abstract is a few kilobytes; far more is not one entry.
LOOKUP_MAX_LENGTH = 20_000
# The sources name a paper by two or three other keys at most.
MAX_OTHER_KEYS = 5
DOI_MAX_LENGTH = Paper._meta.get_field("doi").max_length


class LookupForm(forms.Form):
    text = forms.CharField(
        label="arXiv id, DOI, DBLP key or BibTeX entry",
        max_length=LOOKUP_MAX_LENGTH,
        widget=forms.Textarea(
            attrs={
                "rows": 4,
                "class": "font-monospace",
                "placeholder": "1608.06993  ·  10.1109/CVPR.2017.243  ·  conf/cvpr/HuangLMW17",
            }
        ),
        help_text="A link to the paper on arXiv, doi.org or DBLP works too.",
    )

    def clean_text(self):
        text = self.cleaned_data["text"]
        identifier = sources.identify(text)
        if identifier is None:
            raise ValidationError(
                "That is not an arXiv id, a DOI, a DBLP key or a BibTeX entry (which starts "
                "with @).",
                code="unknown_identifier",
            )
        self.cleaned_data["identifier"] = identifier
        return text


def _paper_field(name, **overrides):
    """A form field with the model field's label, length and help text."""
    return Paper._meta.get_field(name).formfield(**overrides)


def _limited_paper_field(name, what, **overrides):
    """A text the paper's page prints: the model's limit (papers.models), said in
    words, with the user's whole text handed back when it is over."""
    return limit_length(_paper_field(name, **overrides), what)


class PaperForm(forms.Form):
    """A new paper's details, pre-filled from a source or typed in by hand.

    A plain form rather than a ModelForm: whether the paper is here already is
    answered by papers.services (which sends the user to it), not by a uniqueness
    error on one field.
    """

    title = _limited_paper_field("title", "The title")
    authors = _limited_paper_field(
        "authors",
        "The author list",
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=f"Comma-separated, in the paper's order. At most {AUTHORS_MAX_LENGTH} "
        "characters: for a large collaboration, its first authors, then “others”.",
    )
    venue = _limited_paper_field("venue", "The venue", help_text="e.g. NeurIPS, CVPR, arXiv.")
    year = forms.IntegerField(min_value=1600, max_value=2100, required=False)
    abstract = _limited_paper_field(
        "abstract",
        "The abstract",
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="Markdown with $math$, as on the paper's page.",
    )
    url = forms.URLField(label="Link", max_length=500, required=False, assume_scheme="https")
    arxiv_id = forms.CharField(label="arXiv id", max_length=100, required=False)
    doi = forms.CharField(label="DOI", max_length=300, required=False)
    bibtex_key = forms.CharField(
        label="BibTeX key",
        max_length=KEY_MAX_LENGTH,
        validators=[validate_bibtex_key],
        help_text="The paper's address here is /paper/KEY/. Letters, digits and / : . _ + -",
    )
    # The key the source filed the paper under, kept as an alias if the user changes it.
    source_key = forms.CharField(required=False, widget=forms.HiddenInput)
    # Other keys the sources know the paper by (an arXiv paper's `journals/corr/<id>`
    # when DBLP gave a better key), space-separated, kept as aliases.
    other_keys = forms.CharField(
        required=False, max_length=(KEY_MAX_LENGTH + 1) * MAX_OTHER_KEYS, widget=forms.HiddenInput
    )

    # The arXiv categories the lookup found (topics.services.attach_categories),
    # space-separated; each a short word like cs.LG.
    categories = forms.CharField(required=False, max_length=200, widget=forms.HiddenInput)

    def clean_abstract(self):
        return check_renders(self.cleaned_data["abstract"], "abstract")

    def clean_bibtex_key(self):
        key = self.cleaned_data["bibtex_key"].strip()
        if not is_valid_key(key):
            raise ValidationError("A key cannot hold “//”.", code="invalid")
        return key

    def clean_venue(self):
        # A known venue under its one name ("nips" and "Advances in Neural Information
        # Processing Systems 33" are NeurIPS); any other as typed, trimmed.
        return venues.canonical(self.cleaned_data["venue"])

    def clean_authors(self):
        # As the paper will store it, direction overrides and invisible characters gone.
        return normalize_author_list(self.cleaned_data["authors"])

    def clean_arxiv_id(self):
        value = self.cleaned_data["arxiv_id"].strip()
        if not value:
            return ""
        identifier = sources.identify(value)
        if identifier is None or identifier.kind != sources.ARXIV:
            raise ValidationError("Not an arXiv id: expected something like 1608.06993.")
        return identifier.value

    def clean_doi(self):
        value = self.cleaned_data["doi"].strip()
        if not value:
            return ""
        doi = identifiers.normalize_doi(value)
        if not doi:
            raise ValidationError("Not a DOI: expected something like 10.1109/CVPR.2017.243.")
        # The field takes a doi.org link, longer than the DOI it stores.
        if len(doi) > DOI_MAX_LENGTH:
            raise ValidationError(
                too_long_message("The DOI"),
                code="max_length",
                params={"limit_value": DOI_MAX_LENGTH, "show_value": len(doi)},
            )
        return doi

    def clean_source_key(self):
        key = self.cleaned_data["source_key"].strip()
        return key if is_valid_key(key) else ""

    def clean_categories(self):
        return [c for c in self.cleaned_data["categories"].split()[:10] if len(c) <= 50]

    def clean_other_keys(self):
        keys = self.cleaned_data["other_keys"].split()[:MAX_OTHER_KEYS]
        return [key for key in dict.fromkeys(keys) if is_valid_key(key)]

    @classmethod
    def initial_from(cls, metadata, key):
        return {
            "title": metadata.title,
            "authors": ", ".join(metadata.authors),
            "venue": metadata.venue[:200],
            "year": metadata.year,
            "abstract": metadata.abstract,
            "url": metadata.url[:500],
            "arxiv_id": metadata.arxiv_id,
            "doi": metadata.doi,
            "bibtex_key": key,
            "source_key": key,
            "other_keys": " ".join(metadata.aliases),
            "categories": " ".join(metadata.categories),
        }

    @classmethod
    def initial_typed(cls, identifier):
        """What the user typed, in the fields it belongs to: for entering a paper by
        hand when its source could not be reached. An arXiv id gives the key the paper
        would get (services.suggest_key) and its link, a DOI its link."""
        value = identifier.value
        if identifier.kind == sources.ARXIV:
            return {
                "arxiv_id": value,
                "url": identifiers.arxiv_abs_url(value),
                "bibtex_key": identifiers.corr_key(value),
            }
        if identifier.kind == sources.DOI:
            return {"doi": value, "url": identifiers.doi_url(value)}
        if identifier.kind == sources.DBLP:
            return {"bibtex_key": value}
        return {}

    def paper_fields(self):
        data = dict(self.cleaned_data)
        data.pop("source_key")
        data.pop("other_keys")
        data.pop("categories", None)
        data["title"] = data["title"].strip()
        return data

    def author_names(self):
        return self.cleaned_data["authors"].split(", ")

    def aliases(self):
        source_key = [self.cleaned_data["source_key"]] if self.cleaned_data["source_key"] else []
        return [*source_key, *self.cleaned_data["other_keys"]]


class DistinctForm(forms.Form):
    """Adding a paper that looks like one the site has (papers.duplicates): which paper
    it looked like when the user was told, and how they say theirs differs.

    Shown only with that warning. The reason is required only to add the paper, and
    only for the paper the warning named: details changed since may match another.
    """

    similar_to = forms.IntegerField(required=False, widget=forms.HiddenInput)
    reason = forms.CharField(
        label="How is your paper a different one?",
        required=False,
        max_length=DISTINCT_REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Moderators read this. For example: “a different paper of the same "
        "name, by another team”, or “the journal version, with new experiments”.",
    )

    def reason_for(self, paper):
        """The reason given against `paper`, or "" (when the form is valid)."""
        if not self.is_valid() or self.cleaned_data["similar_to"] != paper.pk:
            return ""
        return self.cleaned_data["reason"].strip()

    def ask_for_reason(self, paper):
        """This form, to show with the warning about `paper`: whatever the user typed
        kept, and why a reason is needed said when they tried to add without one."""
        reason = self.data.get("reason", "")
        if self.data.get("similar_to") != str(paper.pk):
            return DistinctForm(initial={"similar_to": paper.pk, "reason": reason})
        form = DistinctForm({"similar_to": paper.pk, "reason": reason})
        if form.is_valid():
            form.add_error(
                "reason",
                "Say how your paper differs from the one above to add it anyway, or go to "
                "that one.",
            )
        return form


class CoverageForm(forms.Form):
    """A reading list to check (papers.coverage): pasted, or a file that replaces what
    is in the box. Valid, it holds the list's `entries`; the file's text goes back into
    the box, so that the list can be changed and checked again."""

    text = forms.CharField(
        label="Your list",
        required=False,
        strip=False,
        widget=forms.Textarea(
            attrs={
                "rows": 10,
                "class": "font-monospace",
                "spellcheck": "false",
                "placeholder": "1608.06993\n10.1109/CVPR.2017.243\n"
                "https://arxiv.org/abs/1706.03762\nconf/nips/VaswaniSPUJGKP17",
            }
        ),
        help_text="A BibTeX file, or one arXiv id, DOI, arXiv or doi.org link, or BibTeX key "
        f"a line. At most {reading_lists.MAX_ENTRIES:,} entries.",
    )
    file = forms.FileField(
        label="Or choose a file",
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".bib,.bibtex,.txt,text/plain"}),
        help_text="A .bib or text file of at most 1 MB. It replaces the text in the box.",
    )

    def __init__(self, *args, hosts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.hosts = hosts

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if not upload:
            return None
        if upload.size > reading_lists.MAX_CHARS:
            raise ValidationError(
                f"That file is {filesizeformat(upload.size)}; the limit is 1 MB. Split it "
                "and check each part.",
                code="too_big",
            )
        raw = upload.read()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            # Older BibTeX tools write Latin-1, which any bytes decode as.
            text = raw.decode("latin-1")
        if "\x00" in text:
            raise ValidationError(
                "That file is not text: choose a .bib or .txt file.", code="not_text"
            )
        # The box shows what was checked (the form renders from its data).
        self.data = self.data.copy()
        self.data["text"] = text
        return text

    def clean(self):
        if self.errors:
            return self.cleaned_data
        from_file = self.cleaned_data.get("file") is not None
        text = self.cleaned_data["file"] if from_file else self.cleaned_data.get("text", "")
        if not text.strip():
            raise ValidationError("Paste a list, or choose a file, to check.", code="empty")
        try:
            self.cleaned_data["entries"] = reading_lists.read_entries(text, hosts=self.hosts)
        except reading_lists.Refused as refused:
            self.add_error("file" if from_file else "text", str(refused))
        return self.cleaned_data
