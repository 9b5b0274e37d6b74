"""Checking a reading list (/papers/coverage/): which papers of a pasted or uploaded
list the site has, and which of them have summaries (papers.coverage).

Anyone may check a list, logged in or not. Nothing is stored: the list is read, looked
up and answered in one response, as a page or a CSV file, so there is nothing to keep
private or to clean up, and checking again is posting the form again (the text stays in
it). A check costs more than a page (up to 1 MB of BibTeX read), so posts are limited
like the live preview (settings.RATE_LIMITS["coverage"]).
"""

import csv

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse

from shortscience.ratelimit import ratelimit

from . import coverage
from .forms import CoverageForm
from .lookup import site_hosts


def _too_many_checks(request, retry_after):
    """The form again with the pasted list in it, saying why it was not checked. A
    chosen file cannot be handed back: browsers never fill in a file field."""
    minutes = max(1, retry_after // 60)
    text = request.POST.get("text", "")
    context = {
        "form": CoverageForm(initial={"text": text}),
        "refusal": "You have checked many lists in a short time, so this one was not "
        f"checked. Please try again in {minutes} minute{'s' if minutes != 1 else ''}"
        + ("; your list is kept below." if text.strip() else ", choosing the file again."),
    }
    response = render(request, "papers/coverage.html", context, status=429)
    response["Retry-After"] = str(retry_after)
    return response


@ratelimit("coverage", refuse=_too_many_checks)
def check_list(request):
    form = CoverageForm(request.POST or None, request.FILES or None, hosts=site_hosts(request))
    result = None
    if request.method == "POST" and form.is_valid():
        result = coverage.coverage(form.cleaned_data["entries"])
        if request.POST.get("format") == "csv":
            return _csv(request, result)
    context = {"form": form, "result": result}
    return render(request, "papers/coverage.html", context, status=400 if form.errors else 200)


CSV_COLUMNS = [
    "entry",
    "line",
    "given",
    "title",
    "status",
    "paper",
    "paper title",
    "public summaries",
    "summary links",
]
STATUS_WORDS = {
    "covered": "has summaries",
    "unsummarised": "no summary yet",
    "missing": "not on the site",
}


def _csv(request, result):
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="reading-list.csv"'
    writer = csv.writer(response)
    writer.writerow(CSV_COLUMNS)
    for row in result.rows:
        entry, paper = row.entry, row.paper
        if row.status == "unreadable":
            status = f"could not be read: {entry.problem}"
        elif row.status == "repeated":
            status = f"same paper as entry {row.same_as}"
        else:
            status = STATUS_WORDS[row.status]
        link = request.build_absolute_uri
        summaries = [
            link(reverse("summaries:detail", args=[summary.pk])) for summary, _ in row.summaries
        ]
        writer.writerow(
            [
                entry.number,
                entry.line,
                _cell(entry.given),
                _cell(entry.title),
                status,
                link(paper.get_absolute_url()) if paper else "",
                _cell(paper.title) if paper else "",
                row.summary_count if paper else "",
                " ".join(summaries),
            ]
        )
    return response


def _cell(text):
    """Text a spreadsheet shows as text: one starting with = + - @ (or a tab or return)
    would be read as a formula, and titles and entries come from other people."""
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
