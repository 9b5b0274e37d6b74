"""Votes on summaries: a form post without JavaScript, a fetch with it."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from accounts.posting import verified_email_to_post
from shortscience.back import back_url
from shortscience.ratelimit import ratelimit

from . import idempotency, services
from .models import Summary, Vote

VALUES = {"up": Vote.UP, "down": Vote.DOWN}
NAMES = {value: name for name, value in VALUES.items()}


def _wants_json(request):
    # votes.js asks for JSON; a plain form post prefers HTML, and so does "*/*".
    return request.get_preferred_type(["text/html", "application/json"]) == "application/json"


def _get_votable_summary(request, pk):
    """The summary, if the viewer may see it (404 otherwise, like its page) and vote on it.

    The author is loaded for the summary's anchor, which is the author's username
    unless the summary is anonymous.
    """
    queryset = Summary.objects.visible_to(request.user).select_related("author")
    summary = get_object_or_404(queryset, pk=pk)
    if summary.author_id == request.user.id:
        raise PermissionDenied("Nobody votes on their own summary.")
    return summary


def _back_url(request, summary):
    """Where the vote was cast (the `next` page, if it is on this site), at the summary."""
    next_url = back_url(request, request.POST.get("next", ""), summary.get_absolute_url())
    return f"{next_url.partition('#')[0]}#{summary.anchor}"


@verified_email_to_post(json=_wants_json)
@ratelimit("vote")
@require_POST
def vote(request, pk):
    summary = _get_votable_summary(request, pk)
    back = _back_url(request, summary)
    if not request.user.is_authenticated:
        if _wants_json(request):
            return JsonResponse({"error": "Log in to vote."}, status=401)
        return redirect_to_login(back)

    value = VALUES.get(request.POST.get("value"))
    if value is None:
        message = "A vote is either up or down."
        if _wants_json(request):
            return JsonResponse({"error": message}, status=400)
        messages.error(request, message)
        return redirect(back)

    post_key, earlier = idempotency.look_up(request)
    if earlier is not None:
        return _answer_again(request, summary, earlier)
    try:
        current = services.vote(
            summary=summary, user=request.user, value=value, key=post_key, result_url=back
        )
    except idempotency.Replayed as replayed:
        return _answer_again(request, summary, replayed.post)
    if _wants_json(request):
        return JsonResponse({"score": summary.score, "vote": NAMES.get(current)})
    return redirect(back)


def _answer_again(request, summary, earlier):
    """Answer a repeated vote as the first one was answered, without voting again."""
    if _wants_json(request):
        # As things stand now, which is what the first answer said unless votes came since.
        score, current = (
            Summary.objects.with_user_vote(request.user)
            .values_list("score", "user_vote")
            .get(pk=summary.pk)
        )
        return JsonResponse({"score": score, "vote": NAMES.get(current)})
    return redirect(earlier.result_url)
