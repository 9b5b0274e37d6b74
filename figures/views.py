"""Adding a figure to a summary, and serving the stored files.

`upload` answers two callers. static/js/figures.js posts the file alone and gets JSON:
the Markdown to insert at the caret, or the error to show beside the textarea. Without
JavaScript, the write form's "Add a figure" button posts the whole form here
(formaction), multipart: the figure's Markdown is added at the end of the text, and
the write page opens again with that text (summaries.stash), or with the text as it was
and the reason the file was refused. Either way no text is lost.
"""

import re
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST, require_safe

from accounts.posting import verified_email_to_post
from papers.models import Paper
from shortscience.ratelimit import ratelimit
from shortscience.views import too_many_requests
from summaries import stash

from . import images, services
from .models import FOLDER

# What a post may carry besides the file: the write form's text (100,000 characters,
# up to 4 bytes each in UTF-8) and its few fields, with multipart's own framing.
FORM_ALLOWANCE = 512 * 1024
_NAME_RE = re.compile(r"[0-9a-f]{32}\.(png|jpg)")
_CONTENT_TYPES = {"png": "image/png", "jpg": "image/jpeg"}
# Names that say nothing about what an image shows: a pasted screenshot's, a blob's.
_MEANINGLESS_NAMES = frozenset({"image", "blob", "clipboard", "pasted image", "screenshot"})


def wants_json(request):
    return "application/json" in request.headers.get("Accept", "")


@csrf_exempt  # checked by csrf_protect below, once the size is known to be bounded
@require_POST
def upload(request):
    """Refuse a post too large to be a figure before any of it is read: Django would
    otherwise write the whole body to a temporary file first (the CSRF check reads the
    form). The front server caps bodies as well (deploy/nginx.conf)."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > settings.FIGURE_MAX_BYTES + FORM_ALLOWANCE:
        message = (
            f"This file is over {images.megabytes(settings.FIGURE_MAX_BYTES)}, the most a "
            "figure may be."
        )
        if wants_json(request):
            return JsonResponse({"error": message}, status=413)
        # The text was not read: the page sends the writer back to the form, where the
        # browser (and drafts.js) still has it.
        paper = Paper.objects.filter(pk=_int(request.GET.get("paper"))).first()
        context = {"message": message, "paper": paper}
        return render(request, "figures/too_large.html", context, status=413)
    return _upload(request)


def _rate_limited(request, retry_after):
    if wants_json(request):
        minutes = max(1, retry_after // 60)
        response = JsonResponse(
            {
                "error": "You have added many figures in a short time: "
                f"try again in {minutes} minute{'s' if minutes != 1 else ''}."
            },
            status=429,
        )
        response["Retry-After"] = str(retry_after)
        return response
    return too_many_requests(request, retry_after)


@csrf_protect
@verified_email_to_post(json=wants_json)
@ratelimit("figure", refuse=_rate_limited)
def _upload(request):
    paper = None
    if not wants_json(request):
        paper = Paper.objects.filter(pk=_int(request.GET.get("paper"))).first()
        if paper is None:
            return HttpResponseBadRequest("No paper to go back to.")
    if not request.user.is_authenticated:
        if paper is None:
            return JsonResponse({"error": "Log in to add figures."}, status=403)
        write_url = reverse("summaries:write", args=[paper.bibtex_key])
        return stash.login_keeping_text(request, f"summary:{paper.pk}", write_url)

    upload = request.FILES.get("image")
    try:
        if upload is None:
            raise images.Refused("Choose an image file to add as a figure.")
        row = services.store(request.user, images.process(upload))
    except images.Refused as refusal:
        if paper is None:
            return JsonResponse({"error": str(refusal)}, status=400)
        messages.error(request, str(refusal))
        return _back_to_form(request, paper, request.POST.get("body", ""))

    markdown = services.markdown(row, alt_text(upload.name))
    if paper is None:
        return JsonResponse(
            {"markdown": markdown, "url": row.url, "width": row.width, "height": row.height}
        )
    body = request.POST.get("body", "").rstrip()
    body = f"{body}\n\n{markdown}\n" if body else f"{markdown}\n"
    messages.success(request, "Figure added at the end of your text.")
    return _back_to_form(request, paper, body)


def _back_to_form(request, paper, body):
    """The write page again, with `body` in its textarea and the boxes as they were."""
    data = {
        "body": body,
        "is_private": request.POST.get("is_private", ""),
        "is_anonymous": request.POST.get("is_anonymous", ""),
        # To be written on, not a post to check: the form starts unbound from it.
        "unposted": "1",
    }
    if not stash.keep(request, f"summary:{paper.pk}", data):
        # Over what a session keeps (far over what a summary may be): the text is on
        # this page to copy.
        return render(
            request, "figures/too_large.html", {"texts": [body], "paper": paper}, status=413
        )
    return redirect("summaries:write", paper.bibtex_key)


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def alt_text(filename):
    """The image's text, from its file's name: "loss curve" for loss_curve.png. Only
    letters, digits, spaces and a little punctuation, so that it cannot end the
    Markdown's brackets; "Figure" when the name says nothing."""
    stem = Path(filename or "").stem.replace("_", " ")
    words = " ".join(re.sub(r"[^\w\s.,-]+", " ", stem).split())[:100].strip()
    if not words or words.lower() in _MEANINGLESS_NAMES:
        return "Figure"
    return words


@require_safe
def serve(request, name):
    """A stored figure. Its name is a hash of its content, so the file at an address
    never changes: browsers and proxies keep it for a year without asking again. No
    query: the storage alone answers, a 404 when the file is not there.

    The policy forbids everything to the response itself (it is an image, but a
    browser told otherwise would find nothing to run), and nosniff stops it from being
    read as anything but its declared type."""
    match = _NAME_RE.fullmatch(name)
    if match is None:
        raise Http404
    try:
        file = default_storage.open(f"{FOLDER}/{name}", "rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(file, content_type=_CONTENT_TYPES[match.group(1)])
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'"
    return response
