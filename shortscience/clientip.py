"""The address a request came from, as every limit of the site counts it.

Behind proxies of one's own, the connection comes from the nearest proxy, and each
proxy appends the address it was reached from to X-Forwarded-For. With
TRUSTED_PROXY_COUNT = N the client is the N-th address from the right: what the
outermost trusted proxy saw. Anything further left was sent by the client and may be
made up, so it is never read; without proxies (N = 0) the header is ignored.
"""

import ipaddress

from django.conf import settings


def _address(text):
    try:
        return str(ipaddress.ip_address(text.strip()))
    except ValueError:
        return None


def client_ip(request):
    """The client's address: from X-Forwarded-For as the trusted proxies wrote it, or
    the connection's own address (REMOTE_ADDR) without proxies or without the header."""
    count = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if count > 0 and forwarded:
        hops = forwarded.split(",")
        if len(hops) >= count and (address := _address(hops[-count])):
            return address
    return request.META.get("REMOTE_ADDR", "")
