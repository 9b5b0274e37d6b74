from django.conf import settings

from accounts.posting import shows_verify_notice


def site(request):
    return {
        "SITE_NAME": settings.SITE_NAME,
        # Asked only when a page prints the notice, a logged-in user's: their address
        # is not verified, so they may read but not post yet (accounts.posting).
        "email_unverified": lambda: hasattr(request, "user") and shows_verify_notice(request),
        # The header's unread count (following.inbox: cached per user, one indexed
        # query on a miss), asked only when the header prints it, for a logged-in user.
        "unread_notifications": lambda: _unread(request),
    }


def _unread(request):
    from following.inbox import unread_count

    user = getattr(request, "user", None)
    return unread_count(user) if user is not None and user.is_authenticated else 0
