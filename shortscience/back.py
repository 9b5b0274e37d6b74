"""Where to send a reader back to after a post: the page they came from, when it is one
of this site's.

The address comes from the request (`next`), so it may point anywhere: an open redirect
to another site would lend it this site's name.
"""

from django.utils.http import url_has_allowed_host_and_scheme


def back_url(request, url, fallback):
    """`url` when it is an address on this site (the host asked for, no other scheme,
    https when the request was), else `fallback`."""
    if url_has_allowed_host_and_scheme(url, {request.get_host()}, request.is_secure()):
        return url
    return fallback
