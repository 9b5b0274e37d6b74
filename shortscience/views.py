"""Site-wide pages that belong to no app: error pages and the CSRF failure page."""

from django.shortcuts import render

# Fields whose text a user may have spent a long time writing. When a form post is
# refused (stale CSRF token after logging in elsewhere, expired page), the failure
# page hands this text back instead of dropping it.
_USER_TEXT_FIELDS = ("body",)


def csrf_failure(request, reason=""):
    texts = [
        request.POST[name]
        for name in _USER_TEXT_FIELDS
        if request.method == "POST" and request.POST.get(name, "").strip()
    ]
    return render(request, "errors/csrf.html", {"texts": texts}, status=403)


def page_not_found(request, exception):
    return render(request, "errors/404.html", status=404)


def server_error(request):
    return render(request, "errors/500.html", status=500)


def permission_denied(request, exception):
    return render(request, "errors/403.html", status=403)
