"""Text kept across a login.

A post from someone whose session ran out while writing would otherwise be answered
with a redirect to the login page, and the text would be gone. Instead the text waits
in the (anonymous) session, which Django carries over at login, and the form picks it
up again.
"""

_PREFIX = "draft:"


def stash(request, name, data):
    request.session[_PREFIX + name] = data


def pop(request, name):
    return request.session.pop(_PREFIX + name, None)
