"""Comments: posting, replying, editing, deleting, and removal by the summary's author."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts.posting import verified_email_to_post
from shortscience.ratelimit import ratelimit

from . import idempotency, services, stash
from .discussion import discussion_page
from .forms import CommentForm, reply_form
from .models import Comment, Summary
from .views import _get_visible_summary

PARENT_GONE = (
    "The comment you replied to is no longer there. Your text is below: "
    "you can post it as a comment of its own."
)
COMMENT_GONE = (
    "This comment was deleted or removed while you were editing it. Your text is below: "
    "copy it if you want to keep it."
)


def _comments_url(target):
    """Where the reader goes once a comment is deleted or removed: to its thread, for a
    reply; else to the comments of the page that held it (as a placeholder it may still
    be there; if not, the first page is)."""
    path = reverse("summaries:detail", args=[target.summary_id])
    if target.parent_id:
        return f"{path}?comment={target.parent_id}#comment-{target.parent_id}"
    return f"{path}?comment={target.pk}#comments-{target.summary_id}"


def _get_comment(request, pk):
    """A comment on a summary the user may see, with its summary; 404 otherwise.

    A comment under someone else's private summary answers 404, as the summary does.
    """
    target = get_object_or_404(Comment.objects.on_papers(), pk=pk)
    if not Summary.objects.visible_to(request.user).filter(pk=target.summary_id).exists():
        raise Http404
    return target


def _get_own_comment(request, pk):
    target = _get_comment(request, pk)
    if target.author_id != request.user.id:
        raise PermissionDenied
    return target


def _render_detail(request, summary, comment_form, reply=None, thread=None):
    """The summary's page again, with the refused text in the form it came from: the
    page of the thread replied to, or the first."""
    context = {
        "summary": summary,
        "paper": summary.paper,
        "comment_form": comment_form,
        "reply_form": reply,
        "reply_to": thread.pk if thread else None,
        "comment_pages": discussion_page(summary, thread=thread.pk if thread else None),
    }
    return render(request, "summaries/detail.html", context, status=400)


@verified_email_to_post
@ratelimit("comment")
@require_POST
def comment(request, pk):
    """A new comment, or a reply when the post names a `parent`."""
    parent_id = request.POST.get("parent", "").strip()
    if not request.user.is_authenticated:
        next_url = reverse("summaries:detail", args=[pk])
        if parent_id.isdigit():
            next_url += f"?reply={parent_id}#reply-form-{parent_id}"
        return stash.login_keeping_text(request, f"comment:{pk}", next_url)
    post_key, earlier = idempotency.look_up(request)
    if earlier is not None:
        # Before the checks below: the comment replied to may be gone by now, and the
        # answer must still be the first one.
        return redirect(earlier.result_url)
    summary = _get_visible_summary(request, pk)
    thread = Comment.objects.thread_for(summary, parent_id) if parent_id else None

    if parent_id and thread is None:
        # Deleted meanwhile, or not under this summary: the text goes to the comment form.
        form = CommentForm(request.POST)
        form.is_valid()
        form.add_error(None, PARENT_GONE)
        return _render_detail(request, summary, form)

    form = reply_form(thread, request.POST) if thread else CommentForm(request.POST)
    if not form.is_valid():
        if thread:
            return _render_detail(request, summary, CommentForm(), form, thread)
        return _render_detail(request, summary, form)

    try:
        new_comment, _ = services.add_comment(
            summary=summary,
            author=request.user,
            body=form.cleaned_data["body"],
            parent=thread,
            key=post_key,
        )
    except idempotency.Replayed as replayed:
        return redirect(replayed.post.result_url)
    return redirect(new_comment.get_absolute_url())


@verified_email_to_post
@ratelimit("comment")
def edit_comment(request, pk):
    """The comment's author changes its text: the form (GET), and saving it (POST)."""
    edit_url = reverse("summaries:edit_comment", args=[pk])
    if not request.user.is_authenticated:
        return stash.login_keeping_text(request, f"comment-edit:{pk}", edit_url)
    target = _get_own_comment(request, pk)
    if target.is_gone:
        raise Http404
    if target.is_hidden:
        # A moderator took it out of view; changing it now would go unseen by them.
        raise PermissionDenied

    status = 200
    if request.method == "POST":
        form = CommentForm(request.POST, instance=target, id_prefix=f"edit-{pk}")
        if form.is_valid():
            try:
                changed = services.edit_comment(target, body=form.cleaned_data["body"])
            except services.CommentGone:
                form.add_error(None, COMMENT_GONE)
            else:
                messages.success(request, "Comment saved." if changed else "Nothing changed.")
                return redirect(target.get_absolute_url())
        status = 400
    else:
        kept = stash.pop(request, f"comment-edit:{pk}")
        initial = {"body": kept["body"]} if kept else None
        form = CommentForm(instance=target, initial=initial, id_prefix=f"edit-{pk}")

    summary = target.summary
    context = {"comment": target, "summary": summary, "paper": summary.paper, "form": form}
    return render(request, "summaries/comment_edit.html", context, status=status)


@require_POST
def delete_comment(request, pk):
    """The author takes their comment back; see `services.delete_comment`."""
    if not request.user.is_authenticated:
        return redirect_to_login(reverse("summaries:home"))
    target = _get_own_comment(request, pk)
    services.delete_comment(target)
    messages.success(request, "Your comment was deleted.")
    return redirect(_comments_url(target))


@require_POST
def remove_comment(request, pk):
    """The summary's author, or staff, take someone's comment down."""
    if not request.user.is_authenticated:
        return redirect_to_login(reverse("summaries:home"))
    target = _get_comment(request, pk)
    if not target.may_be_removed_by(request.user):
        raise PermissionDenied
    services.remove_comment(target, by=request.user)
    messages.success(request, "The comment was removed.")
    return redirect(_comments_url(target))
