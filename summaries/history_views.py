"""A summary's earlier versions, and the differences between any two."""

import re
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlencode

from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from . import diff as textdiff
from .models import Summary


@dataclass(frozen=True)
class Version:
    """One text a summary has had: an earlier revision, or the current text."""

    number: int
    body: str
    written_at: datetime
    is_current: bool

    @property
    def words(self):
        return textdiff.count_words(self.body)


class BadVersions(ValueError):
    """The versions asked for cannot be compared; the message says why, for the reader."""


def _get_visible_summary(request, pk):
    """The summary if the viewer may read it, with its paper and number of versions.

    As on the summary's own page, someone else's private or hidden summary answers 404.
    """
    queryset = (
        Summary.objects.visible_to(request.user)
        .select_related("paper", "author")
        .annotate(revision_count=Count("revisions"))
    )
    return get_object_or_404(queryset, pk=pk)


def _current_version(summary):
    return Version(
        number=summary.revision_count + 1,
        body=summary.body,
        written_at=summary.edited_at or summary.created_at,
        is_current=True,
    )


def _earlier_versions(summary, numbers=None):
    revisions = summary.revisions.all()
    if numbers is not None:
        revisions = revisions.filter(number__in=numbers)
    return [
        Version(number=r.number, body=r.body, written_at=r.written_at, is_current=False)
        for r in revisions.order_by("-number")
    ]


def _history_page(request, summary, error=None, status=200):
    versions = [_current_version(summary), *_earlier_versions(summary)]
    context = {
        "summary": summary,
        "paper": summary.paper,
        "versions": versions,
        "error": error,
        "can_compare": len(versions) > 1,
        # The form starts on the latest change: the two newest versions.
        "compare_from": versions[1].number if len(versions) > 1 else None,
        "compare_to": versions[0].number,
    }
    return render(request, "summaries/history.html", context, status=status)


def history(request, pk):
    summary = _get_visible_summary(request, pk)
    return _history_page(request, summary)


_VERSION_NUMBER = re.compile(r"[0-9]{1,9}")


def _requested_versions(query, latest):
    """The two version numbers in the query string, or BadVersions saying what is wrong."""
    numbers = []
    for name in ("from", "to"):
        value = query.get(name, "").strip()
        if not value:
            raise BadVersions("Choose two versions to compare.")
        if not _VERSION_NUMBER.fullmatch(value):
            shown = value if len(value) <= 20 else f"{value[:20]}…"
            raise BadVersions(f"“{shown}” is not a version number.")
        number = int(value)
        if not 1 <= number <= latest:
            if latest == 1:
                raise BadVersions(
                    f"There is no version {number}: this summary has only one version."
                )
            raise BadVersions(
                f"There is no version {number}: this summary has versions 1 to {latest}."
            )
        numbers.append(number)
    if numbers[0] == numbers[1]:
        raise BadVersions("Choose two different versions to compare.")
    return numbers


def diff(request, pk):
    summary = _get_visible_summary(request, pk)
    current = _current_version(summary)
    try:
        old_number, new_number = _requested_versions(request.GET, current.number)
    except BadVersions as error:
        # The history again, with the reason and the form to choose anew.
        return _history_page(request, summary, error=str(error), status=400)
    if old_number > new_number:
        # One address per pair of versions, and the changes always read forwards.
        query = urlencode({"from": new_number, "to": old_number})
        return redirect(f"{reverse('summaries:diff', args=[summary.pk])}?{query}")

    versions = {current.number: current}
    for version in _earlier_versions(summary, numbers=[old_number, new_number]):
        versions[version.number] = version
    missing = [number for number in (old_number, new_number) if number not in versions]
    if missing:
        # Only if a revision row was deleted by hand: say so rather than fail.
        error = f"Version {missing[0]} of this summary is no longer kept."
        return _history_page(request, summary, error=error, status=400)
    old, new = versions[old_number], versions[new_number]
    chunks = textdiff.diff_texts(old.body, new.body)
    words_added, words_removed = textdiff.count_changes(chunks)
    context = {
        "summary": summary,
        "paper": summary.paper,
        "old": old,
        "new": new,
        "diff_html": textdiff.render_html(chunks),
        "unchanged": all(chunk.op == textdiff.EQUAL for chunk in chunks),
        "words_added": words_added,
        "words_removed": words_removed,
    }
    return render(request, "summaries/diff.html", context)
