"""A paper's history: recording what changed in its details, and showing it.

Every writer that changes a paper's details records a revision here: an accepted
correction (papers.corrections), a moderator's edit in the admin (papers.admin) and an
import that updates papers (papers.importing). The diff of each field is built by
summaries.diff from escaped text, so nothing anyone wrote reaches a page unescaped.
"""

from dataclasses import dataclass

from django.utils.safestring import SafeString

from summaries import diff as textdiff

from .history_models import HISTORY_FIELDS, PaperRevision

# A page of changes shows a diff of each changed field; each diff compares at most this
# many pairs of words (about 450 words each way) before showing the field as replaced.
# A real abstract's rewrite is far under it; a page of them stays a few milliseconds.
MAX_WORD_PAIRS = 200_000


def snapshot(paper, fields=HISTORY_FIELDS):
    """The paper's details as the history compares them: {field: value}."""
    return {name: getattr(paper, name) for name in fields}


def changes_between(before, after):
    """{field: [old, new]} of the fields whose values differ between two snapshots."""
    return {
        name: [before[name], after[name]]
        for name in after
        if name in before and before[name] != after[name]
    }


def record(paper, before, *, source, by=None, correction=None):
    """Record what changed in `paper` since the snapshot `before`; returns the revision,
    or None when nothing did. Call it after the paper's save(), in its transaction."""
    changes = changes_between(before, snapshot(paper, fields=before.keys()))
    if not changes:
        return None
    return PaperRevision.objects.create(
        paper=paper, changes=changes, source=source, changed_by=by, correction=correction
    )


# Each field's name as pages print it (capfirst would make "ArXiv id").
LABELS = {
    "title": "Title",
    "authors": "Authors",
    "venue": "Venue",
    "year": "Year",
    "abstract": "Abstract",
    "url": "Link",
    "arxiv_id": "arXiv id",
    "doi": "DOI",
    "bibtex_key": "BibTeX key",
}


@dataclass(frozen=True)
class FieldChange:
    name: str
    label: str
    old: str
    new: str
    diff_html: SafeString


def shown_value(value):
    """A detail's value as text: a year is a number, an empty year None."""
    return "" if value is None else str(value)


def field_changes(changes):
    """The changes of a revision or a correction, {field: [old, new]}, as FieldChange
    rows in the order the form shows the fields, each with its word diff."""
    rows = []
    for name in HISTORY_FIELDS:
        if name not in changes:
            continue
        old, new = (shown_value(value) for value in changes[name])
        chunks = textdiff.diff_texts(old, new, max_word_pairs=MAX_WORD_PAIRS)
        rows.append(FieldChange(name, LABELS[name], old, new, textdiff.render_html(chunks)))
    return rows
