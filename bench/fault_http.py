"""The load and fault test's client (bench/fault.py): users logged in as a browser would
be, speaking HTTP/1.1 with the standard library, and how each part reports."""

import http.client
import json
import math
import re
import statistics
import threading
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from urllib.parse import urlencode

# Seconds a client waits for one answer. A hundred posts at once queue behind a few
# workers, and the machine may be busy with other work.
REQUEST_TIMEOUT = 60

FRIENDLY_503_TEXT = "We'll be back in a moment"
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
IDEMPOTENCY_FIELD = re.compile(r'name="idempotency_key"')


# --- HTTP ---------------------------------------------------------------------------


@dataclass
class Reply:
    """One request's outcome: `status` is None when no answer came (`error` says why)."""

    status: int | None
    sent: float
    answered: float
    headers: dict = field(default_factory=dict)
    text: str = ""
    error: str = ""
    # The client hung up without reading the answer, on purpose (see stream_client).
    dropped: bool = False

    @property
    def seconds(self):
        return self.answered - self.sent

    @property
    def location(self):
        return self.headers.get("location", "")


class Browser:
    """One user's cookies, speaking HTTP/1.1 to the site with the standard library.

    Each request gets its own connection: gunicorn's sync workers close every one after
    the answer anyway, and a fresh connection is what a retry after an outage makes.
    """

    def __init__(self, port, cookies=None, host="127.0.0.1"):
        self.port = port
        self.host = host
        self.cookies = dict(cookies or {})
        self.csrf_token = ""

    def copy(self):
        twin = Browser(self.port, self.cookies, self.host)
        twin.csrf_token = self.csrf_token
        return twin

    def request(self, method, path, fields=None, headers=None, drop_answer=False):
        """The answer, or a Reply with no status when the connection failed (or, with
        `drop_answer`, was closed once the request was sent)."""
        body = urlencode(fields).encode() if fields is not None else None
        head = {"Host": f"{self.host}:{self.port}", "Connection": "close"}
        if self.cookies:
            head["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        if body is not None:
            head["Content-Type"] = "application/x-www-form-urlencoded"
        head.update(headers or {})
        sent = time.monotonic()
        connection = http.client.HTTPConnection(self.host, self.port, timeout=REQUEST_TIMEOUT)
        try:
            connection.request(method, path, body=body, headers=head)
            if drop_answer:
                return Reply(None, sent, time.monotonic(), error="answer dropped", dropped=True)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
        except (OSError, http.client.HTTPException) as exc:
            return Reply(None, sent, time.monotonic(), error=f"{type(exc).__name__}: {exc}")
        finally:
            connection.close()
        self._keep_cookies(response.headers.get_all("Set-Cookie") or [])
        headers = {name.lower(): value for name, value in response.headers.items()}
        return Reply(response.status, sent, time.monotonic(), headers, text)

    def _keep_cookies(self, lines):
        for line in lines:
            jar = SimpleCookie()
            jar.load(line)
            for name, morsel in jar.items():
                if morsel["max-age"] == "0":
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value

    def open_form(self, path):
        """GET a page with a form: keeps its CSRF cookie and token, returns the reply."""
        reply = self.request("GET", path)
        if match := CSRF_FIELD.search(reply.text):
            self.csrf_token = match.group(1)
        return reply

    def post_comment(self, summary_id, body, key, drop_answer=False):
        fields = {"csrfmiddlewaretoken": self.csrf_token, "body": body, "idempotency_key": key}
        return self.request("POST", f"/summaries/{summary_id}/comments/", fields, None, drop_answer)

    def vote(self, summary_id, value, key):
        # As votes.js sends it: the form's fields, asking for JSON.
        fields = {"csrfmiddlewaretoken": self.csrf_token, "value": value, "idempotency_key": key}
        headers = {"Accept": "application/json"}
        return self.request("POST", f"/summaries/{summary_id}/vote/", fields, headers)


def vote_in(reply):
    """The user's vote ("up", "down" or None) in a vote's JSON answer; "" if not one."""
    if reply.status != 200 or "json" not in reply.headers.get("content-type", ""):
        return ""
    try:
        return json.loads(reply.text)["vote"]
    except (ValueError, KeyError):
        return ""


def is_comment_redirect(reply, summary_id):
    return reply.status == 302 and re.fullmatch(
        rf"(?:http://[^/]+)?/summaries/{summary_id}/\?comment=(\d+)#comment-\1", reply.location
    )


def friendly_503_problems(reply, posted_text):
    """What is wrong with `reply` as the page for a database outage ([] if nothing)."""
    if reply.status is None:
        return [f"no answer ({reply.error})"]
    if reply.status != 503:
        return [f"status {reply.status}, not 503"]
    problems = []
    if FRIENDLY_503_TEXT not in reply.text:
        problems.append(f"no {FRIENDLY_503_TEXT!r} on the page")
    retry_after = reply.headers.get("retry-after", "")
    if not (retry_after.isdigit() and int(retry_after) > 0):
        problems.append(f"Retry-After is {retry_after!r}")
    if posted_text not in reply.text:
        problems.append("the posted text is not handed back")
    return problems


# --- Accounts -----------------------------------------------------------------------


def login_session(user):
    """The session key of a new logged-in session for `user`.

    Made the way django.test.Client.force_login makes it, straight in the session store
    (database, and Redis with cached_db) rather than through the login form: logging a
    few hundred users in would spend most of the run hashing passwords (PBKDF2), and
    logging in is not what this harness tests.
    """
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = user._meta.pk.value_to_string(user)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    return session.session_key


def make_users(prefix, count):
    """`count` users with no usable password and no mail preferences on."""
    from allauth.account.models import EmailAddress
    from django.contrib.auth.hashers import make_password

    from accounts.models import User

    # Unusable passwords cost nothing to make; nobody logs in with them.
    password = make_password(None)
    users = User.objects.bulk_create(
        User(
            username=f"{prefix}{n}",
            email=f"{prefix}{n}@example.org",
            password=password,
            notify_on_comment=False,
            notify_on_reply=False,
        )
        for n in range(count)
    )
    # Verified addresses: only those post (accounts.posting).
    EmailAddress.objects.bulk_create(
        EmailAddress(user=user, email=user.email, primary=True, verified=True) for user in users
    )
    return users


def browsers_for(users, port, form_path, host="127.0.0.1"):
    """A logged-in Browser per user, each holding the CSRF token of `form_path`'s form.

    Fetching the page (rather than making the token here) checks on the way that the
    session really logs the user in and that the page offers the form.
    """
    from django.conf import settings

    browsers = [
        Browser(port, {settings.SESSION_COOKIE_NAME: login_session(user)}, host) for user in users
    ]
    replies = [None] * len(browsers)

    def fetch(start):
        for n in range(start, len(browsers), 8):
            replies[n] = browsers[n].open_form(form_path)

    threads = [threading.Thread(target=fetch, args=(start,), daemon=True) for start in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for user, browser, reply in zip(users, browsers, replies, strict=True):
        if reply.status != 200 or f">{user.username}<" not in reply.text:
            raise SystemExit(f"fault: {user.username} is not logged in on {form_path}: {reply}")
        if not browser.csrf_token:
            raise SystemExit(f"fault: no CSRF token on {form_path}")
    return browsers


# --- Reporting ----------------------------------------------------------------------


class Part:
    def __init__(self, title):
        self.title = title
        self.failures = []
        self.started = time.monotonic()
        print(f"\n== {title}", flush=True)

    def say(self, text):
        print(f"   {text}", flush=True)

    def check(self, ok, what):
        print(f"   {'ok  ' if ok else 'FAIL'} {what}", flush=True)
        if not ok:
            self.failures.append(what)
        return ok

    def finish(self):
        verdict = "FAIL" if self.failures else "PASS"
        print(f"{verdict} {self.title} ({time.monotonic() - self.started:.1f} s)", flush=True)
        return not self.failures


def milliseconds(replies):
    """p50 / p95 / max latency of `replies`, as text."""
    times = sorted(reply.seconds * 1000 for reply in replies)
    if not times:
        return "no answers"
    p95 = times[min(len(times) - 1, math.ceil(len(times) * 0.95) - 1)]
    return f"p50 {statistics.median(times):.0f} ms, p95 {p95:.0f} ms, max {times[-1]:.0f} ms"


def all_at_once(count, action):
    """Run action(n) for n in range(count) in as many threads, released together."""
    barrier = threading.Barrier(count)
    results = [None] * count

    def run(n):
        barrier.wait()
        results[n] = action(n)

    threads = [threading.Thread(target=run, args=(n,), daemon=True) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def bodies_of(summary):
    from summaries.models import Comment

    return list(Comment.objects.filter(summary=summary).values_list("body", flat=True))
