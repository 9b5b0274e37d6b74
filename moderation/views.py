"""Readers' reports on summaries and comments. The queue itself is in the admin."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from accounts.posting import verified_email_to_post
from markup.readable import readable_text
from shortscience.back import back_url
from shortscience.ratelimit import ratelimit
from summaries import stash
from summaries.models import Comment, Summary

from . import services
from .forms import ReportForm

KINDS = ("summary", "comment")
EXCERPT_CHARS = 400


def _get_reportable(request, kind, pk):
    """The summary or comment, if the user may see it; 404 otherwise, as for any page
    that would show it (its existence is not to be told either)."""
    if kind == "summary":
        queryset = Summary.objects.visible_to(request.user).select_related("paper", "author")
    else:
        # A deleted comment has no text left to report.
        queryset = Comment.objects.filter(
            is_hidden=False,
            deleted_at__isnull=True,
            summary__in=Summary.objects.visible_to(request.user),
        ).select_related("author", "summary__paper", "summary__author")
    return get_object_or_404(queryset, pk=pk)


def _back_url(request, target):
    """Where the reader came from (`?next=`, on this site), at the reported item."""
    url = back_url(request, request.GET.get("next", ""), target.get_absolute_url())
    fragment = target.anchor if isinstance(target, Summary) else f"comment-{target.pk}"
    return url if "#" in url else f"{url}#{fragment}"


@verified_email_to_post
@ratelimit("report")
def report(request, kind, pk):
    if kind not in KINDS:
        raise Http404
    kept_name = f"report:{kind}:{pk}"
    if not request.user.is_authenticated:
        return stash.login_keeping_text(request, kept_name, request.get_full_path())
    target = _get_reportable(request, kind, pk)
    back = _back_url(request, target)
    if target.author_id == request.user.id:
        messages.info(request, f"This {kind} is yours: there is nothing to report.")
        return redirect(back)

    status = 200
    if request.method == "POST":
        form = ReportForm(request.POST)
        if form.is_valid():
            _, created = services.file_report(
                reporter=request.user,
                target=target,
                reason=form.cleaned_data["reason"],
                details=form.cleaned_data["body"],
            )
            if created:
                messages.success(request, "Thank you. The moderators will look at your report.")
            else:
                messages.info(request, "You had reported this already.")
            return redirect(back)
        status = 400
    else:
        form = ReportForm(initial=stash.pop(request, kept_name))

    already = services.reports_on(target).filter(reporter=request.user).first()
    return render(
        request,
        "moderation/report.html",
        {
            "form": form,
            "kind": kind,
            "target": target,
            "summary": target if kind == "summary" else target.summary,
            "excerpt": _excerpt(target),
            "back_url": back,
            "already_reported": already,
        },
        status=status,
    )


def _excerpt(target):
    # From the stored excerpt when the text has one: a bounded read of a text of any size.
    text = readable_text(target.excerpt_html or target.body_html)
    return text if len(text) <= EXCERPT_CHARS else text[:EXCERPT_CHARS].rsplit(" ", 1)[0] + " …"
