"""Staff pages: merge one paper's page into another's (papers.merging), and the log of
merges, each with Undo (papers.merge_undo).

Anyone else gets a 404, as for a page that is not there; a visitor is sent to log in.
"""

from functools import wraps

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from shortscience.pagination import keyset_page

from .keys import KEY_MAX_LENGTH
from .merge_undo import undo_merge
from .merging import MergeRefused, merge_papers, plan_merge
from .models import Paper, PaperMerge

LOG_PAGE_SIZE = 30


def staff_only(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not request.user.is_staff:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


class MergeForm(forms.Form):
    kept = forms.CharField(
        label="Paper to keep",
        max_length=KEY_MAX_LENGTH,
        help_text="Its key, an alias, its arXiv id or DOI.",
    )
    merged = forms.CharField(
        label="Paper to merge into it",
        max_length=KEY_MAX_LENGTH,
        help_text="Its page goes; its key leads to the kept paper from then on.",
    )

    def clean_kept(self):
        return self._paper("kept")

    def clean_merged(self):
        return self._paper("merged")

    def _paper(self, name):
        value = self.cleaned_data[name].strip()
        paper = Paper.objects.resolve(value)
        if paper is None:
            raise forms.ValidationError(f"No paper is known by {value}.")
        return paper

    def clean(self):
        kept, merged = self.cleaned_data.get("kept"), self.cleaned_data.get("merged")
        if kept and merged and kept.pk == merged.pk:
            raise forms.ValidationError("These name the same paper: there is nothing to merge.")
        return self.cleaned_data


@staff_only
def merge(request):
    """GET with both papers: what the merge would do, side by side; POST: merge."""
    data = request.POST if request.method == "POST" else request.GET
    form = MergeForm(data if {"kept", "merged"} & set(data) else None)
    plan, problems = None, []
    if form.is_valid():
        kept, merged = form.cleaned_data["kept"], form.cleaned_data["merged"]
        if request.method == "POST":
            try:
                merge_papers(kept, merged, by=request.user)
            except MergeRefused as refusal:
                problems = refusal.problems
            else:
                messages.success(
                    request,
                    f"Merged {merged.bibtex_key} into this paper. The merge log can undo it.",
                )
                return redirect(kept)
        plan = plan_merge(kept, merged)
        problems = problems or plan.problems
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "papers/merge.html",
        {
            "form": form,
            "plan": plan,
            "plan_papers": [(plan.kept, "kept"), (plan.merged, "merged")] if plan else [],
            "problems": problems,
        },
        status=status,
    )


@staff_only
def merge_log(request):
    page = keyset_page(
        request,
        PaperMerge.objects.select_related("by", "undone_by").newest_first(),
        LOG_PAGE_SIZE,
    )
    return render(request, "papers/merge_log.html", {"page": page})


@staff_only
@require_POST
def undo(request, pk):
    merge = get_object_or_404(PaperMerge, pk=pk)
    try:
        paper = undo_merge(merge, by=request.user)
    except MergeRefused as refusal:
        messages.error(request, f"The merge of {merge.merged_key} was not undone: {refusal}")
    else:
        messages.success(request, f"Undone: {paper.bibtex_key} is a paper of its own again.")
    return redirect("papers:merges")
