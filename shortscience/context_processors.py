from django.conf import settings

from accounts.posting import shows_verify_notice


def site(request):
    return {
        "SITE_NAME": settings.SITE_NAME,
        # Asked only when a page prints the notice, a logged-in user's: their address
        # is not verified, so they may read but not post yet (accounts.posting).
        "email_unverified": lambda: hasattr(request, "user") and shows_verify_notice(request),
    }
