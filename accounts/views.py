from django.contrib import messages
from django.contrib.auth import login
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme

from shortscience.pagination import paginate
from summaries.models import Summary

from .forms import SignupForm
from .models import User

PROFILE_PAGE_SIZE = 10


def signup(request):
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = ""
    if request.user.is_authenticated:
        return redirect(next_url or "summaries:feed")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, f"Welcome, {user.username}!")
        return redirect(next_url or "summaries:feed")
    return render(request, "registration/signup.html", {"form": form, "next": next_url})


def profile(request, username):
    person = get_object_or_404(User, username=username, is_active=True)
    # Anonymous summaries stay off the profile: listing them here would sign them.
    summaries = (
        Summary.objects.public()
        .filter(author=person, is_anonymous=False)
        .for_listing()
        .newest_first()
    )
    page = paginate(request, summaries, PROFILE_PAGE_SIZE)
    hidden = None
    if request.user == person:
        hidden = (
            person.summaries.exclude(is_private=False, is_anonymous=False)
            .select_related("paper")
            .newest_first()
        )
    return render(
        request,
        "accounts/profile.html",
        {"person": person, "page": page, "own_hidden_summaries": hidden},
    )


def settings_page(request):
    return HttpResponse(status=501)


def export(request):
    return HttpResponse(status=501)


def unsubscribe(request, token):
    return HttpResponse(status=501)
