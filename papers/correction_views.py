"""Corrections to a paper's details and the paper's history.

Readers suggest a correction from the paper's page; moderators (staff) accept or reject
each from a queue of pending ones; a correction's page tells its suggester what became
of it. Every change to a paper's details shows on the paper's public history.
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts.posting import verified_email_to_post
from shortscience.pagination import keyset_page
from shortscience.ratelimit import ratelimit
from summaries import stash

from . import corrections, history
from .correction_forms import CorrectionForm
from .history_models import PaperCorrection
from .views import answers_unknown_papers, get_paper_or_404

QUEUE_PAGE_SIZE = 20
OWN_PAGE_SIZE = 20
# Each change shows a diff of every field it changed, abstracts included.
HISTORY_PAGE_SIZE = 10
# Texts a reader may have spent time on, handed back when a post is refused.
TEXT_FIELDS = ("title", "authors", "venue", "abstract", "reason")


def _too_many(request, retry_after):
    """The form again, everything in it kept, saying why nothing was sent."""
    paper = get_paper_or_404(request, request.resolver_match.kwargs["key"])
    form = CorrectionForm(request.POST, paper=paper)
    form.is_valid()
    minutes = max(1, retry_after // 60)
    form.add_error(
        None,
        "You have sent many corrections in a short time, so this one was not sent. It is "
        f"kept here: please send it again in {minutes} minute{'s' if minutes != 1 else ''}.",
    )
    response = render(request, "papers/correct.html", {"paper": paper, "form": form}, status=429)
    response["Retry-After"] = str(retry_after)
    return response


# Outermost, the answer to an unknown key: the rate limit's page looks the paper up too.
@answers_unknown_papers
@verified_email_to_post(fields=TEXT_FIELDS)
@ratelimit("correction", refuse=_too_many)
def suggest(request, key):
    paper = get_paper_or_404(request, key)
    here = reverse("papers:suggest_correction", args=[paper.bibtex_key])
    kept_name = f"correction:{paper.pk}"
    if not request.user.is_authenticated:
        # A session that ran out while the reader typed: what they wrote waits for them.
        if request.method == "POST" and stash.keep(request, kept_name, request.POST.dict()):
            messages.info(request, "Your session had ended. Log in and your text will be back.")
        return redirect_to_login(here)
    if request.method != "POST" and paper.bibtex_key != key:
        return HttpResponsePermanentRedirect(here)

    if request.method == "POST":
        form = CorrectionForm(request.POST, paper=paper)
        if form.is_valid():
            correction, applied = corrections.suggest(
                paper=paper,
                user=request.user,
                proposed=form.proposed,
                original=form.original,
                reason=form.cleaned_data["reason"],
            )
            if applied:
                messages.success(request, "Thank you: your correction is applied.")
                return redirect(paper)
            messages.success(request, "Thank you: a moderator will look at your correction.")
            return redirect("papers:correction", correction.pk)
    else:
        kept = stash.pop(request, kept_name)
        form = CorrectionForm(kept, paper=paper) if kept else CorrectionForm(paper=paper)
    context = {
        "paper": paper,
        "form": form,
        "applies_directly": corrections.may_apply_directly(request.user),
    }
    return render(request, "papers/correct.html", context, status=400 if form.errors else 200)


def _staff_only(view):
    """Moderators only: others are sent to log in, or told there is no such page."""

    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not request.user.is_staff:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


def _review(correction, paper):
    """What moderators see of a pending correction: each field it changes, from the
    current value to the proposed one, and the fields that moved since it was sent."""
    stale = set(corrections.stale_fields(correction, paper))
    changes = {name: [getattr(paper, name), value] for name, value in correction.proposed.items()}
    rows = [
        {
            "change": change,
            "stale": change.name in stale,
            "was": history.shown_value(correction.original.get(change.name)),
            "done": change.old == change.new,
        }
        for change in history.field_changes(changes)
    ]
    return {"correction": correction, "rows": rows, "stale": bool(stale)}


@_staff_only
def queue(request):
    pending = (
        PaperCorrection.objects.pending()
        .select_related("paper", "suggested_by")
        .defer("paper__abstract_html")
        .order_by("created_at", "pk")
    )
    page = keyset_page(request, pending, QUEUE_PAGE_SIZE)
    reviews = [_review(correction, correction.paper) for correction in page]
    return render(request, "papers/corrections_queue.html", {"page": page, "reviews": reviews})


@require_POST
@_staff_only
def decide(request, pk):
    action = request.POST.get("action")
    try:
        if action == "accept":
            correction = corrections.accept(pk, by=request.user)
            messages.success(
                request, f"Correction accepted: “{correction.paper.title}” is updated."
            )
        elif action == "reject":
            corrections.reject(pk, by=request.user)
            messages.success(request, "Correction rejected: the paper stays as it was.")
        else:
            messages.error(request, "Choose to accept or to reject the correction.")
    except corrections.CorrectionRefused as refused:
        messages.error(request, str(refused))
    return redirect("papers:corrections")


@login_required
def correction(request, pk):
    """A correction, for its suggester and moderators: what it changes and its outcome."""
    found = get_object_or_404(
        PaperCorrection.objects.select_related("paper", "suggested_by", "decided_by"), pk=pk
    )
    if found.suggested_by_id != request.user.pk and not request.user.is_staff:
        raise Http404
    paper = found.paper
    if found.is_pending:
        context = _review(found, paper)
    else:
        changes = {
            name: [found.original.get(name), value] for name, value in found.proposed.items()
        }
        rows = [{"change": change} for change in history.field_changes(changes)]
        context = {"correction": found, "rows": rows, "stale": False}
    return render(request, "papers/correction.html", {**context, "paper": paper})


@login_required
def own_corrections(request):
    mine = (
        PaperCorrection.objects.filter(suggested_by=request.user)
        .select_related("paper")
        .only("pk", "status", "created_at", "decided_at", "paper__title", "paper__bibtex_key")
        .order_by("-created_at", "-pk")
    )
    page = keyset_page(request, mine, OWN_PAGE_SIZE)
    return render(request, "papers/own_corrections.html", {"page": page})


@answers_unknown_papers
def paper_history(request, key):
    paper = get_paper_or_404(request, key)
    if paper.bibtex_key != key:
        return HttpResponsePermanentRedirect(reverse("papers:history", args=[paper.bibtex_key]))
    revisions = (
        paper.revisions.select_related("changed_by", "correction__suggested_by")
        .only(
            "pk", "paper", "changes", "source", "changed_at", "changed_by__username",
            "changed_by__is_active", "correction__suggested_by__username",
            "correction__suggested_by__is_active",
        )
        .order_by("-changed_at", "-pk")
    )  # fmt: skip
    page = keyset_page(request, revisions, HISTORY_PAGE_SIZE)
    entries = [
        {
            "revision": revision,
            "rows": [{"change": c} for c in history.field_changes(revision.changes)],
        }
        for revision in page
    ]
    context = {"paper": paper, "page": page, "entries": entries}
    return render(request, "papers/history.html", context)
