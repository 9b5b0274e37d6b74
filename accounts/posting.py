"""Who may post: the one rule, and the decorator every posting view wears.

Anyone may read, and anyone with an account may log in, but summaries, comments, votes,
reports and new papers come only from accounts whose e-mail address is verified
(`User.can_post`). A post from any other logged-in user is refused, nothing saved, with
a page that says to verify and hands back what was written.
"""

from functools import wraps

from django.http import JsonResponse

from shortscience.views import verify_to_post

REFUSAL = "Verify your e-mail address to post: follow the link we sent you."

# The session remembers that its user may post, so that the notice every page prints for
# an unverified user costs a query only until the address is verified, not on every page
# for ever. Only the notice reads it: whether a post is taken is asked of
# `User.can_post` each time, so a session that outlives its verified address goes
# without the notice but is refused all the same.
MAY_POST_SESSION_KEY = "may_post"


def shows_verify_notice(request):
    """Whether the page tells its logged-in reader to verify their address first."""
    user = request.user
    if not user.is_authenticated or request.session.get(MAY_POST_SESSION_KEY) == user.pk:
        return False
    if user.can_post:
        request.session[MAY_POST_SESSION_KEY] = user.pk
        return False
    return True


def verified_email_to_post(view=None, *, fields=None, json=None):
    """Refuse POSTs to the view from a logged-in user who may not post yet.

    Other methods, and visitors who are not logged in (the view sends them to log in),
    pass. `fields` names the posted fields handed back on the page (by default the
    texts of shortscience.views); `json(request)` says whether the caller wants a JSON
    answer (an error and status 403) instead of the page.
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            user = request.user
            if request.method == "POST" and user.is_authenticated and not user.can_post:
                if json is not None and json(request):
                    return JsonResponse({"error": REFUSAL}, status=403)
                return verify_to_post(request, **({"fields": fields} if fields else {}))
            return view(request, *args, **kwargs)

        return wrapper

    return decorator(view) if view is not None else decorator
