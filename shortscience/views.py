"""Site-wide pages that belong to no app: error pages, the pages for refused posts, and
the formatting help."""

from django.shortcuts import render

from . import syntax

# Fields whose text a user may have spent a long time writing. When a form post is
# refused (stale CSRF token after logging in elsewhere, expired page, a text too long
# to keep across a login), the failure page hands this text back instead of dropping it.
_USER_TEXT_FIELDS = ("body", "bio")


def _posted_texts(request, fields=_USER_TEXT_FIELDS):
    return [
        request.POST[name]
        for name in fields
        if request.method == "POST" and request.POST.get(name, "").strip()
    ]


def syntax_help(request):
    """docs/syntax.md with each example's result (shortscience.syntax)."""
    return render(request, "help/syntax.html", {"body": syntax.page_html()})


def csrf_failure(request, reason=""):
    return render(request, "errors/csrf.html", {"texts": _posted_texts(request)}, status=403)


def too_many_requests(request, retry_after):
    """A rate limit was reached (see shortscience.ratelimit): say so, keep the text."""
    context = {"texts": _posted_texts(request), "retry_minutes": max(1, retry_after // 60)}
    response = render(request, "errors/429.html", context, status=429)
    response["Retry-After"] = str(retry_after)
    return response


def text_not_kept(request, login_url):
    """A post from someone logged out, with a text too long to wait in the session for
    the login (see summaries.stash): the page hands it back to copy, and links to the
    login page, which `login_url` is, with the way back to the form."""
    context = {"texts": _posted_texts(request), "login_url": login_url}
    return render(request, "errors/login_to_post.html", context, status=403)


def verify_to_post(request, fields=_USER_TEXT_FIELDS):
    """A post from someone whose e-mail address is not verified yet (see
    accounts.posting): nothing is saved; the page says to verify, offers to send the
    mail again and hands back the text of `fields` that was posted."""
    from allauth.account.models import EmailAddress

    address = EmailAddress.objects.filter(user=request.user, primary=True).first()
    context = {"texts": _posted_texts(request, fields), "address": address}
    return render(request, "errors/verify_to_post.html", context, status=403)


def page_not_found(request, exception):
    return render(request, "errors/404.html", status=404)


def server_error(request):
    return render(request, "errors/500.html", status=500)


def permission_denied(request, exception):
    return render(request, "errors/403.html", status=403)
