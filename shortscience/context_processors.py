from django.conf import settings


def site(request):
    user = getattr(request, "user", None)
    return {
        "SITE_NAME": settings.SITE_NAME,
        # Asked only when a page prints the notice, a logged-in user's: their address
        # is not verified, so they may read but not post yet (accounts.posting).
        "email_unverified": lambda: bool(user and user.is_authenticated and not user.can_post),
    }
