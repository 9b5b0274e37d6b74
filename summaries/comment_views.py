"""Comments: posting, replying, editing, deleting, and removal by the summary's author."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from . import services
from .forms import CommentForm
from .models import Comment
from .views import _get_visible_summary, _login_keeping_text


@require_POST
def comment(request, pk):
    detail_url = reverse("summaries:detail", args=[pk])
    if not request.user.is_authenticated:
        return _login_keeping_text(request, f"comment:{pk}", detail_url)
    summary = _get_visible_summary(request, pk)
    form = CommentForm(request.POST)
    if not form.is_valid():
        return render(
            request,
            "summaries/detail.html",
            {"summary": summary, "paper": summary.paper, "comment_form": form},
            status=400,
        )
    new_comment, _ = services.add_comment(
        summary=summary, author=request.user, body=form.cleaned_data["body"]
    )
    return redirect(new_comment.get_absolute_url())


@require_POST
def delete_comment(request, pk):
    if not request.user.is_authenticated:
        return redirect_to_login(reverse("summaries:feed"))
    target = get_object_or_404(Comment.objects.select_related("summary"), pk=pk)
    if target.author_id != request.user.id:
        raise PermissionDenied
    summary = target.summary
    target.delete()
    messages.success(request, "Your comment was deleted.")
    return redirect(f"{summary.get_absolute_url()}#comments-{summary.pk}")


def edit_comment(request, pk):
    raise PermissionDenied


@require_POST
def remove_comment(request, pk):
    raise PermissionDenied
