"""The access-token page (/accounts/settings/tokens/): make a token, see one's tokens,
revoke one. A new token is shown once, on the answer to the post that made it: it is
never stored, not even in the session or a message, only its hash."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from shortscience.ratelimit import ratelimit

from . import tokens
from .models import MAX_ACTIVE_TOKENS, NAME_MAX_LENGTH, AccessToken

# Revoked tokens stay listed for a while, so that their owner sees what they did.
REVOKED_SHOWN = 10


class TokenForm(forms.Form):
    name = forms.CharField(
        max_length=NAME_MAX_LENGTH,
        label="What is it for?",
        help_text="A name you will recognise, e.g. “Browser extension” or “Backup script”.",
    )


def _page(request, form, new_token=None, status=200):
    own = AccessToken.objects.filter(user=request.user)
    active = list(own.filter(revoked_at__isnull=True))
    revoked = list(own.filter(revoked_at__isnull=False).order_by("-revoked_at")[:REVOKED_SHOWN])
    context = {
        "form": form,
        "new_token": new_token,
        "active": active,
        "revoked": revoked,
        "max_active": MAX_ACTIVE_TOKENS,
        "at_limit": len(active) >= MAX_ACTIVE_TOKENS,
    }
    return render(request, "api/tokens.html", context, status=status)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
@ratelimit("api_token")
def tokens_page(request):
    if request.method != "POST":
        return _page(request, TokenForm())
    form = TokenForm(request.POST)
    if not form.is_valid():
        return _page(request, form, status=400)
    try:
        row, token = tokens.create_token(request.user, form.cleaned_data["name"])
    except tokens.TokenLimitReached:
        form.add_error(
            None,
            f"You have {MAX_ACTIVE_TOKENS} tokens in use, the most one account may have: "
            "revoke one you no longer need first.",
        )
        return _page(request, form, status=400)
    return _page(request, TokenForm(), new_token={"row": row, "text": token})


@login_required
@require_POST
def revoke(request, pk):
    if tokens.revoke_token(request.user, pk):
        messages.success(request, "The token was revoked: the API no longer accepts it.")
    else:
        messages.error(request, "You have no such token in use.")
    return redirect("tokens:list")
