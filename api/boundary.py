"""What every request under /api/ goes through, before and after its endpoint.

- **No cookies.** The API reads no session: `request.user` is anonymous there, whoever
  is logged in to the site in the same browser. Everything it answers is public, except
  what an access token (`Authorization: Bearer …`) opens, so a page on another origin
  gains nothing by calling it with the reader's cookies, and POST /api/lookup needs no
  CSRF token: it writes nothing and reads nothing private.
- **Tokens** from the Authorization header only. One in the query string is refused
  with 400 (it would end up in logs); an unknown or revoked one with 401.
- **Rate limits** (`RATE_LIMITS["api"]`, shortscience.ratelimit): per token when one is
  sent, otherwise per address; 429 with Retry-After past them.
- **CORS**: `Access-Control-Allow-Origin: *` on every answer, preflights answered here,
  and never `Access-Control-Allow-Credentials`, so browsers send no cookies along.
- **ETags**: a GET answered 200 gets an ETag of its body; `If-None-Match` with it is
  answered 304 without the body (Django's conditional GET).
"""

from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse, JsonResponse
from django.utils.cache import get_conditional_response, patch_cache_control, set_response_etag

from shortscience.clientip import client_ip
from shortscience.ratelimit import allow, seconds_left

from . import tokens

PREFIX = "/api/"
# Answers about the token's own user, which no cache may keep.
PERSONAL_PREFIX = "/api/me/"
RATE_SCOPE = "api"
# Query parameters under which clients commonly send tokens.
TOKEN_PARAMETERS = ("token", "access_token", "api_key")
# Public answers may be kept by browsers and shared caches this long (seconds).
PUBLIC_MAX_AGE = 60

CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Expose-Headers": "ETag, Retry-After",
}
PREFLIGHT_HEADERS = {
    "Access-Control-Allow-Methods": "GET, HEAD, POST, OPTIONS",
    "Access-Control-Allow-Headers": "Authorization, Content-Type, If-None-Match",
    "Access-Control-Max-Age": "86400",
}


def problem(status, detail, **headers):
    """An error answer in the shape django-ninja gives its own: {"detail": "…"}."""
    response = JsonResponse({"detail": detail}, status=status)
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


class ApiBoundaryMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith(PREFIX):
            return self.get_response(request)
        response = self._answer(request)
        for name, value in CORS_HEADERS.items():
            response[name] = value
        return response

    def _answer(self, request):
        if request.method == "OPTIONS":
            response = HttpResponse(status=204)
            for name, value in PREFLIGHT_HEADERS.items():
                response[name] = value
            return response
        # Whoever the session cookie names, the API answers as it would a stranger.
        request.user = AnonymousUser()
        request.api_token = None
        if any(name in request.GET for name in TOKEN_PARAMETERS):
            return problem(
                400,
                "Tokens are only read from the Authorization header "
                "(Authorization: Bearer <token>), never from the address.",
            )
        who = f"addr:{client_ip(request)}"
        header = request.headers.get("Authorization", "")
        refusal = None
        if header:
            scheme, _, token = header.partition(" ")
            found = tokens.authenticate(token.strip()) if scheme.lower() == "bearer" else None
            if found is None:
                refusal = problem(
                    401,
                    "This access token is unknown or revoked. "
                    "Send `Authorization: Bearer <token>` with a token from your settings.",
                    WWW_Authenticate='Bearer error="invalid_token"',
                )
            else:
                request.api_token = found
                who = f"token:{found.pk}"
        if not allow(request, RATE_SCOPE, who=who):
            wait = seconds_left(RATE_SCOPE)
            return problem(
                429,
                f"Too many requests: try again in {wait} seconds.",
                Retry_After=str(wait),
            )
        if refusal is not None:
            return refusal
        response = self.get_response(request)
        if request.method in ("GET", "HEAD") and response.status_code == 200:
            return self._conditional(request, response)
        return response

    def _conditional(self, request, response):
        if request.path.startswith(PERSONAL_PREFIX):
            # A token's own data is nobody else's to keep.
            patch_cache_control(response, private=True, no_store=True)
            return response
        patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE)
        if not response.streaming and not response.has_header("ETag"):
            set_response_etag(response)
        return get_conditional_response(request, etag=response.get("ETag"), response=response)
