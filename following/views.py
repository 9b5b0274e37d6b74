"""Follow and unfollow buttons, and the homepage's Following tab."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from accounts.models import User
from papers.models import Paper
from shortscience.pagination import keyset_page, redirects_page_numbers
from shortscience.ratelimit import ratelimit
from summaries import cards
from topics.models import Topic

from . import services
from .models import KINDS


def _lookup(kind, name):
    """The target a button names: a paper's key, a username, a venue's name, a topic's
    slug; 404 for one that does not exist."""
    if kind == "paper":
        return get_object_or_404(Paper, bibtex_key=name)
    if kind == "person":
        return get_object_or_404(User, username=name, is_active=True)
    if kind == "topic":
        return get_object_or_404(Topic, slug=name)
    name = " ".join(name.split())
    if not name or len(name) > 200:
        raise Http404
    return name


def _name(kind, obj):
    return {
        "paper": lambda: obj.bibtex_key,
        "person": lambda: obj.username,
        "topic": lambda: obj.slug,
        "venue": lambda: obj,
    }[kind]()


def _shown(kind, obj):
    return {
        "paper": lambda: f"“{obj.plain_title}”",
        "person": lambda: obj.username,
        "topic": lambda: obj.name,
        "venue": lambda: obj,
    }[kind]()


def follow_context(request, *, counted=True, **target):
    """What templates/following/_follow.html prints for one target (`paper=…`,
    `person=…`, `venue=…` or `topic=…`): whether the viewer follows it, and its follower
    count unless `counted` is False (a page cached whole for visitors). Two indexed
    queries at most."""
    ((kind, obj),) = target.items()
    user = request.user
    own = kind == "person" and user.is_authenticated and obj.pk == user.pk
    return {
        "follow": {
            "kind": kind,
            "name": _name(kind, obj),
            "shown": _shown(kind, obj),
            "following": False if own else services.is_following(user, kind, obj),
            "own": own,
            "count": services.follower_count(kind, obj) if counted else None,
            "cap": services.FOLLOWER_COUNT_CAP,
        }
    }


@ratelimit("follow")
@require_POST
def toggle(request):
    """Follow or unfollow (`action`) a target (`kind`, `name`), then back to `next`.
    Idempotent: following twice follows once, unfollowing what one does not follow
    changes nothing."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.POST.get("next") or "/")
    kind, action = request.POST.get("kind"), request.POST.get("action")
    if kind not in KINDS or action not in ("follow", "unfollow"):
        return HttpResponseBadRequest("Unknown kind or action.")
    obj = _lookup(kind, request.POST.get("name", ""))
    shown = _shown(kind, obj)
    if action == "follow":
        try:
            services.follow(request.user, kind, obj)
            messages.success(request, f"You follow {shown}.")
        except services.FollowRefused as refusal:
            messages.error(request, str(refusal))
    else:
        services.unfollow(request.user, kind, obj)
        messages.success(request, f"You no longer follow {shown}.")
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = "/"
    return redirect(target)


@redirects_page_numbers
def following_tab(request):
    """The homepage's Following tab: the public summaries the reader's follows bring,
    newest first, keyset-paged, one query a page (see services.followed_summaries)."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    summaries = (
        services.followed_summaries(request.user)
        .for_listing()
        .with_user_vote(request.user)
        .newest_first()
    )
    # As many as the homepage's other tabs show (summaries.views.FEED_PAGE_SIZE).
    from summaries.views import FEED_PAGE_SIZE

    page = keyset_page(request, summaries, FEED_PAGE_SIZE)
    cards.attach(page)
    tab = "following"
    html = render_to_string("summaries/_home_page.html", {"page": page, "tab": tab}, request)
    context = {"page": {"is_first": page.is_first, "html": html}, "tab": tab}
    return render(request, "summaries/home.html", context | {"title": "Following"})
