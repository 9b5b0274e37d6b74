from allauth.account import views as allauth_views
from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from following import preferences
from following.services import with_follower_count
from following.views import follow_context
from shortscience.pagination import redirects_page_numbers
from shortscience.ratelimit import ratelimit
from summaries import cards, listing, notifications
from summaries.models import Comment, Draft

from . import export as data_export
from . import services
from .forms import DeleteAccountForm, SettingsForm
from .models import User

PROFILE_PAGE_SIZE = 10
PROFILE_RECENT_COMMENTS = 10
# The owner's list of what the profile leaves out (private, anonymous, hidden): the
# newest, so that a prolific anonymous author's profile stays one bounded page.
PROFILE_OWN_UNLISTED = 50

# The profile's two queries that do not depend on whose it is, built once: each view
# narrows a clone, as Django does with a generic view's `queryset`. The ORM then
# resolves their joins and annotations once rather than on every view, and keeps what
# it works out about them: 0.1 ms a view for the person, 0.3 ms for the comments.
# Active people, each with the follower count of the Follow button (following.views)
# read in the same query.
PROFILE_PEOPLE = with_follower_count(User.objects.filter(is_active=True), "person")
# Recent comments, newest first, each linking to its comment in context: excerpts
# named by their papers, see CommentQuerySet.for_profile.
PROFILE_COMMENTS = Comment.objects.for_profile().order_by("-created_at", "-pk")


# allauth's sign-up, counted per address by the site's own limit, which answers with
# the page that says so (RATE_LIMITS["signup"]).
signup = ratelimit("signup")(allauth_views.signup)


@redirects_page_numbers
def profile(request, username):
    person = get_object_or_404(PROFILE_PEOPLE, username=username)
    page = listing.profile_page(request, person, PROFILE_PAGE_SIZE)
    cards.attach(page)
    recent_comments = cards.profile_comments(
        PROFILE_COMMENTS.on_profile(person)[:PROFILE_RECENT_COMMENTS]
    )
    hidden = drafts = None
    if request.user == person:
        # The list prints titles and badges alone. The author is the person, whom the
        # related manager sets on each row from its `author_id`.
        hidden = list(
            person.summaries.filter(Q(is_private=True) | Q(is_anonymous=True) | Q(is_hidden=True))
            .select_related("paper")
            .only(
                "pk",
                "author",
                "is_private",
                "is_anonymous",
                "is_hidden",
                "paper__title",
                "paper__title_html",
            )
            .newest_first()[: PROFILE_OWN_UNLISTED + 1]
        )
        # Drafts are the owner's alone, and as bounded: the newest, with their papers'
        # titles and keys for the links back to the write form.
        drafts = list(
            Draft.objects.filter(author=person)
            .select_related("paper")
            .only("pk", "saved_at", "paper__title", "paper__title_html", "paper__bibtex_key")
            .order_by("-saved_at", "-pk")[: PROFILE_OWN_UNLISTED + 1]
        )
    return render(
        request,
        "accounts/profile.html",
        {
            "person": person,
            "page": page,
            # Kept on the person's row (accounts.counts), not counted on each view.
            "summary_count": person.public_summary_count,
            "comment_count": person.public_comment_count,
            "recent_comments": recent_comments,
            "own_hidden_summaries": hidden[:PROFILE_OWN_UNLISTED] if hidden else None,
            "more_own_hidden": hidden is not None and len(hidden) > PROFILE_OWN_UNLISTED,
            "own_drafts": drafts[:PROFILE_OWN_UNLISTED] if drafts else None,
            "more_own_drafts": drafts is not None and len(drafts) > PROFILE_OWN_UNLISTED,
            **follow_context(request, person=person),
        },
    )


@login_required
def settings_page(request):
    if request.method == "POST":
        form = SettingsForm(request.POST, instance=request.user)
        if form.is_valid():
            form.save()
            messages.success(request, "Your settings were saved.")
            return redirect("accounts:settings")
        return render(request, "accounts/settings.html", {"form": form}, status=400)
    return render(request, "accounts/settings.html", {"form": SettingsForm(instance=request.user)})


@require_GET
@never_cache
@login_required
def export(request):
    """The user's own data as a zip download. A GET: it changes nothing."""
    name = data_export.archive_name(request.user)
    response = HttpResponse(data_export.build_archive(request.user), content_type="application/zip")
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response


@never_cache
@login_required
@reauthentication_required
def delete_account(request):
    """Delete one's account (accounts.services.delete_account), after the data export.

    Asked for the password again first, or, with two-factor on, for it or a code:
    allauth's reauthentication, good for a few minutes, so that a session left open on
    someone else's computer cannot delete the account.
    """
    if request.method == "POST":
        form = DeleteAccountForm(request.POST)
        if form.is_valid():
            services.delete_account(request.user, content=form.cleaned_data["content"])
            logout(request)
            messages.success(request, "Your account was deleted.")
            return redirect("summaries:home")
        return render(request, "accounts/delete.html", {"form": form}, status=400)
    return render(request, "accounts/delete.html", {"form": DeleteAccountForm()})


UNSUBSCRIBE_DESCRIPTIONS = {
    "notify_on_comment": "mail about comments on your summaries",
    "notify_on_reply": "mail about replies in discussions you took part in",
    "mail_digest": "digests of your inbox",
}


# The signed token in the address is the proof, and mail programs that unsubscribe in
# one click (RFC 8058) post to it without any cookie or CSRF token.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    try:
        user_id, preference = notifications.read_unsubscribe_token(token)
        person = User.objects.get(pk=user_id)
    except (signing.BadSignature, User.DoesNotExist):
        return render(request, "accounts/unsubscribe_invalid.html", status=400)
    context = {
        "token": token,
        "description": UNSUBSCRIBE_DESCRIPTIONS[preference],
        "done": False,
    }
    if request.method == "POST":
        if preference == "mail_digest":
            preferences.stop_digests(person.pk)
        else:
            User.objects.filter(pk=person.pk).update(**{preference: False})
        context["done"] = True
    return render(request, "accounts/unsubscribe.html", context)
