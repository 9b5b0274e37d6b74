"""What the site does while its database is away."""

import logging

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string

from .views import _posted_texts

logger = logging.getLogger(__name__)

# Seconds a reader (or a script) is asked to wait before trying again.
RETRY_AFTER = 30


class DatabaseUnavailableMiddleware:
    """Answer a view's lost or refused database connection with a 503 page.

    The database being down (restarted, failed over, out of connections) is temporary:
    the reader gets "back in a moment" rather than a server error, and the text of a
    form they posted is handed back so nothing they wrote is lost. Nothing here retries
    or reconnects: Django opens, or health-checks, the connection at the next request.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        logger.error("Database unavailable: %s %s", request.method, request.path, exc_info=True)
        # Rendered without the request, so no context processor runs: the user and the
        # messages live in the session, and loading them would query the database again.
        html = render_to_string(
            "errors/503.html", {"SITE_NAME": settings.SITE_NAME, "texts": _posted_texts(request)}
        )
        response = HttpResponse(html, status=503)
        response["Retry-After"] = str(RETRY_AFTER)
        return response
