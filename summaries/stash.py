"""Text kept across a login: the session's stash.

A post from someone whose session ran out while writing would otherwise be answered
with a redirect to the login page, and the text would be gone. Instead the text waits
in the (anonymous) session, which Django carries over at login, and the form picks it
up again.

Anyone can post without logging in, and a post may carry megabytes (Django reads up to
DATA_UPLOAD_MAX_MEMORY_SIZE, 2.5 MB), so what waits is capped: a text too long to wait
is handed back on the page instead, to copy (shortscience.views.text_not_kept).

Not to be confused with drafts (summaries.draft_models), which the write page saves on
the server as the author types: the stash holds a text only from a refused post to the
login that follows it.
"""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login

from shortscience.views import text_not_kept

_PREFIX = "kept:"

# Characters that kept texts may hold in one session, all posts and fields together. Twice
# the longest text a form takes (a summary, SUMMARY_MAX_LENGTH: 100,000 characters;
# comments 10,000, report details 2,000), so that any text a form would accept, with the
# form's few other fields, waits, and so does one pasted somewhat over the limit, which
# the form then refuses with the text kept for trimming. A session row then holds a few
# hundred kilobytes for any real text, about a megabyte at worst (random characters
# outside the BMP, which the session's JSON writes as escapes), whatever is posted.
STASH_MAX_CHARS = 200_000


def _size(data):
    return sum(len(str(name)) + len(str(value)) for name, value in data.items())


def keep(request, name, data):
    """Keep the posted `data` (a dict of strings) under `name` until `pop`; returns
    False, keeping nothing, when it is over STASH_MAX_CHARS. Older kept texts of the
    session are let go, oldest first, so that all of them stay within the cap."""
    size = _size(data)
    if size > STASH_MAX_CHARS:
        return False
    session = request.session
    key = _PREFIX + name
    session.pop(key, None)
    older = {k: _size(v) for k, v in session.items() if k.startswith(_PREFIX)}
    total = size + sum(older.values())
    for stale, stale_size in older.items():
        if total <= STASH_MAX_CHARS:
            break
        del session[stale]
        total -= stale_size
    session[key] = data
    return True


def pop(request, name):
    return request.session.pop(_PREFIX + name, None)


def login_keeping_text(request, name, next_url):
    """Send a logged-out poster to the login page, then to `next_url`; the text they
    posted waits in the session under `name`, or, too long to wait there, is handed
    back on a page with the link to log in."""
    if request.method == "POST" and request.POST.get("body", "").strip():
        if not keep(request, name, request.POST.dict()):
            return text_not_kept(request, redirect_to_login(next_url).url)
        messages.info(request, "Your session had ended. Log in and your text will be back.")
    return redirect_to_login(next_url)
