"""Load and fault test: concurrent posts and votes, and PostgreSQL restarted under a stream
of posts, against the site served by gunicorn as deployed (DEBUG off).

    make fault                      # the full run
    make fault ARGS=--quick         # the short form CI runs
    scripts/with-postgres scripts/with-redis .venv/bin/python bench/fault.py --quick

It needs the throwaway cluster of scripts/with-postgres: it migrates that empty
database, and part 3 stops and starts its server ("$PGHOST/data"). Parts:

1. 100 users post a comment at the same moment: 100 successes, exactly 100 comments.
2. 50 users vote on one summary at the same moment: the stored score is the exact sum
   of the known votes, and there are 50 vote rows.
3. A stream of posts for a number of seconds; in the middle PostgreSQL is stopped and
   started again. While it is down every answer must be the friendly 503 page, never a
   500; afterwards posts succeed again with the same gunicorn. A post answered 503 (or
   not answered; one in ten has its first answer dropped by the client on purpose) is
   sent again with the same idempotency key; at the end each post that got a success
   is stored exactly once.
4. Double submits: a comment and a vote each sent twice at once, and a vote sent again
   after its answer, with the same key, count once (a repeated vote would otherwise
   take itself back); a changed text sent with a used key is a new comment, not dropped.

Each part prints what it did and PASS or FAIL; the exit status is 1 when any failed.
gunicorn is stopped on exit whatever happens; PostgreSQL is left running.
"""

import argparse
import http.client
import json
import math
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

BASE_DIR = Path(__file__).resolve().parent.parent

# Seconds a client waits for one answer. A hundred posts at once queue behind a few
# workers, and the machine may be busy with other work.
REQUEST_TIMEOUT = 60
# How soon a post answered 503 is sent again. The page asks for 30 s (Retry-After);
# the harness is more impatient than a person so that a run stays short.
RETRY_DELAY = 0.25
# How long after the end of the stream unfinished posts keep being retried.
STREAM_GRACE = 60
# One stream post in so many has its first answer dropped by the client.
DROP_EVERY = 10

FRIENDLY_503_TEXT = "We'll be back in a moment"
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
IDEMPOTENCY_FIELD = re.compile(r'name="idempotency_key"')
STREAM_KEY = re.compile(r"Stream post ([0-9a-f-]{36}) ")

QUICK = {"clients": 4, "rate": 2.0, "seconds": 10.0, "outage_at": 3.0, "outage": 2.0}
FULL = {"clients": 8, "rate": 2.0, "seconds": 60.0, "outage_at": 20.0, "outage": 10.0}


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


# --- Part 1: concurrent comments -----------------------------------------------------


def concurrent_comments(browsers, summary):
    part = Part(f"Part 1: {len(browsers)} comments posted at once")
    bodies = [f"Concurrent comment {n} ({uuid.uuid4()})." for n in range(len(browsers))]
    started = time.monotonic()
    replies = all_at_once(
        len(browsers),
        lambda n: browsers[n].post_comment(summary.pk, bodies[n], str(uuid.uuid4())),
    )
    part.say(f"all answered in {time.monotonic() - started:.2f} s; {milliseconds(replies)}")
    statuses = Counter(reply.status for reply in replies)
    good = [reply for reply in replies if is_comment_redirect(reply, summary.pk)]
    part.check(
        len(good) == len(browsers),
        f"{len(good)} of {len(browsers)} answered with a redirect to the new comment "
        f"(statuses {dict(statuses)})",
    )
    part.check(
        len({reply.location for reply in good}) == len(good),
        f"{len({reply.location for reply in good})} distinct comment links",
    )
    stored = Counter(bodies_of(summary))
    part.check(
        sum(stored.values()) == len(browsers),
        f"{sum(stored.values())} comments stored (expected {len(browsers)})",
    )
    part.check(
        all(stored[body] == 1 for body in bodies),
        f"each text stored once ({sum(stored[body] == 1 for body in bodies)} of {len(bodies)})",
    )
    return part.finish()


# --- Part 2: concurrent votes -------------------------------------------------------


def concurrent_votes(browsers, summary):
    from summaries.models import Summary, Vote

    part = Part(f"Part 2: {len(browsers)} votes cast at once on one summary")
    ups = len(browsers) * 3 // 5
    values = ["up"] * ups + ["down"] * (len(browsers) - ups)
    expected = ups - (len(browsers) - ups)
    part.say(f"{ups} up, {len(browsers) - ups} down: expected score {expected:+d}")
    started = time.monotonic()
    replies = all_at_once(
        len(browsers), lambda n: browsers[n].vote(summary.pk, values[n], str(uuid.uuid4()))
    )
    part.say(f"all answered in {time.monotonic() - started:.2f} s; {milliseconds(replies)}")

    confirmed = sum(vote_in(r) == v for r, v in zip(replies, values, strict=True))
    part.check(
        confirmed == len(browsers),
        f"{confirmed} of {len(browsers)} answered 200 with their own vote "
        f"(statuses {dict(Counter(reply.status for reply in replies))})",
    )
    score = Summary.objects.get(pk=summary.pk).score
    rows = Vote.objects.filter(summary=summary)
    total = sum(rows.values_list("value", flat=True))
    part.check(score == expected, f"stored score {score:+d} (expected {expected:+d})")
    part.check(rows.count() == len(browsers), f"{rows.count()} vote rows")
    part.check(total == expected, f"the votes add up to {total:+d}")
    return part.finish()


# --- Part 3: PostgreSQL restarted under a stream of posts ---------------------------


@dataclass
class Post:
    key: str
    body: str
    attempts: list = field(default_factory=list)

    @property
    def succeeded(self):
        return bool(self.attempts) and self.attempts[-1].status == 302


def stream_body(key, number):
    return f"Stream post {key} by {number}."


def stream_problems(posts, stored_bodies):
    """What is wrong with the stored comments, given the stream's posts ([] if nothing).

    Every post that got a success must be stored exactly once, no text twice, and
    nothing stored that the stream did not send.
    """
    problems = []
    counts = Counter(stored_bodies)
    doubled = [body for body, count in counts.items() if count > 1]
    if doubled:
        problems.append(f"{len(doubled)} texts stored more than once, e.g. {doubled[0]!r}")
    keys = Counter(m.group(1) for body in stored_bodies if (m := STREAM_KEY.search(body)))
    sent = {post.key for post in posts}
    lost = [post.key for post in posts if post.succeeded and keys[post.key] == 0]
    if lost:
        problems.append(f"{len(lost)} posts answered with success are not stored, e.g. {lost[0]}")
    repeated = [post.key for post in posts if keys[post.key] > 1]
    if repeated:
        problems.append(f"{len(repeated)} keys stored more than once, e.g. {repeated[0]}")
    strays = [key for key in keys if key not in sent]
    if strays:
        problems.append(f"{len(strays)} stored keys were never sent, e.g. {strays[0]}")
    return problems


class PostgreSQL:
    """Stops and starts the scripts/with-postgres server, as its owner."""

    def __init__(self):
        self.home = os.environ.get("PGHOST", "")
        if not Path(self.home, "data", "PG_VERSION").is_file():
            raise SystemExit(
                "fault: PGHOST must be the directory of scripts/with-postgres' cluster "
                "(run me through `make fault` or scripts/with-postgres)"
            )
        bindir = os.environ.get("PG_BINDIR") or (
            f"/usr/lib/postgresql/{os.environ.get('PG_VERSION', '15')}/bin"
        )
        self.pg_ctl = [f"{bindir}/pg_ctl", "-D", f"{self.home}/data"]
        if os.geteuid() == 0:
            # PostgreSQL runs as postgres, as scripts/with-postgres starts it.
            self.pg_ctl = ["runuser", "-u", "postgres", "--", *self.pg_ctl]
        self.stopped = False

    def _run(self, *args):
        # From the cluster's directory: the postgres user may not be able to read ours.
        subprocess.run([*self.pg_ctl, *args], cwd=self.home, check=True, stdout=subprocess.DEVNULL)

    def stop(self):
        self.stopped = True
        self._run("-m", "fast", "-w", "stop")

    def start(self):
        self._run("-l", f"{self.home}/server.log", "-w", "-t", "60", "start")
        self.stopped = False


def stream_client(browsers, summary_id, per_browser, rate, stop_at, give_up_at, posts):
    """Post at `rate` a second until `stop_at`, each post until it succeeds.

    A user of the site may post only so many comments in a window (RATE_LIMITS), so the
    client changes accounts every `per_browser` posts. One post in `DROP_EVERY` loses
    its first answer: the client hangs up once it has sent it, as when a connection
    drops, and sends it again while the server may still be writing the first one.
    """
    next_at = time.monotonic()
    while next_at < stop_at:
        time.sleep(max(0.0, next_at - time.monotonic()))
        browser = browsers[len(posts) // per_browser]
        key = str(uuid.uuid4())
        post = Post(key, stream_body(key, len(posts) + 1))
        posts.append(post)
        drop = len(posts) % DROP_EVERY == DROP_EVERY // 2
        while True:
            reply = browser.post_comment(summary_id, post.body, key, drop_answer=drop)
            drop = False
            post.attempts.append(reply)
            retry = reply.status is None or reply.status == 503
            if not retry or time.monotonic() > give_up_at:
                break
            time.sleep(RETRY_DELAY)
        # After a long wait the client goes on at its pace; it does not catch up in a burst.
        next_at = max(next_at + 1 / rate, time.monotonic())


def restart_under_stream(browser_sets, summary, postgres, options):
    from django.db import connections

    clients, rate = options["clients"], options["rate"]
    seconds, outage_at, outage = options["seconds"], options["outage_at"], options["outage"]
    part = Part(
        f"Part 3: {clients} clients posting {rate:g}/s for {seconds:g} s; PostgreSQL "
        f"stopped after {outage_at:g} s for {outage:g} s"
    )
    per_browser = posts_per_account()
    # The harness's own connection would die with the server too.
    connections.close_all()

    start = time.monotonic()
    stop_at, give_up_at = start + seconds, start + seconds + STREAM_GRACE
    streams = [[] for _ in range(clients)]
    threads = [
        threading.Thread(
            target=stream_client,
            args=(browser_sets[n], summary.pk, per_browser, rate, stop_at, give_up_at, posts),
            # Interrupted, the run ends at once instead of waiting for retries.
            daemon=True,
        )
        for n, posts in enumerate(streams)
    ]
    for thread in threads:
        thread.start()
    time.sleep(max(0.0, start + outage_at - time.monotonic()))
    stopping = time.monotonic()
    postgres.stop()
    stopped = time.monotonic()
    time.sleep(outage)
    starting = time.monotonic()
    postgres.start()
    back = time.monotonic()
    for thread in threads:
        thread.join()
    ended = time.monotonic()

    def at(moment):
        return f"{moment - start:.1f} s"

    part.say(
        f"PostgreSQL stopping at {at(stopping)}, down at {at(stopped)}, starting at "
        f"{at(starting)}, accepting connections at {at(back)} ({back - stopped:.1f} s down)"
    )
    posts = [post for stream in streams for post in stream]
    sent = sorted((a for post in posts for a in post.attempts), key=lambda a: a.sent)
    # Answers dropped on purpose say nothing about the site; their posts' retries do.
    attempts = [a for a in sent if not a.dropped]
    statuses = Counter(a.status if a.status is not None else "no answer" for a in attempts)
    successes = [post for post in posts if post.succeeded]
    retried = [post for post in posts if len(post.attempts) > 1]
    part.say(
        f"{len(posts)} posts ({len(posts) / (ended - start):.1f}/s of {clients * rate:g}/s "
        f"offered), {len(sent)} requests in {ended - start:.1f} s: {len(successes)} "
        f"succeeded, {statuses[503]} answers 503, {statuses['no answer']} not answered, "
        f"{len(sent) - len(attempts)} answers dropped by the client, "
        f"{len(sent) - len(posts)} retries ({len(retried)} posts retried)"
    )
    part.say(f"all answers: {dict(statuses)}")
    before = [a for a in attempts if a.answered < stopping]
    after = [a for a in attempts if a.sent > back]
    part.say(f"successes before the outage: {milliseconds([a for a in before if a.status])}")
    part.say(f"successes after it: {milliseconds([a for a in after if a.status == 302])}")

    failures = [a for a in attempts if a.status != 302]
    if failures:
        first_failed = failures[0].answered
        last_failed = max(a.answered for a in failures)
        recovered = min(
            (a.answered for a in attempts if a.status == 302 and a.answered > last_failed),
            default=None,
        )
        if recovered is not None:
            part.say(
                f"outage seen by clients: {recovered - first_failed:.1f} s (first failed "
                f"answer at {at(first_failed)}, first success after the last failure at "
                f"{at(recovered)}, {recovered - back:+.2f} s after PostgreSQL was back)"
            )
    waits = [post.attempts[-1].answered - post.attempts[0].sent for post in successes]
    if waits:
        part.say(f"longest wait of one post, retries included: {max(waits):.1f} s")

    part.check(statuses[503] > 0, f"the outage was seen: {statuses[503]} answers 503")
    part.check(
        all(a.status == 302 for a in before),
        f"before the outage all {len(before)} posts succeeded",
    )
    part.check(statuses[500] == 0, f"{statuses[500]} answers 500")
    unfriendly = [
        (a, problems)
        for post in posts
        for a in post.attempts
        if not a.dropped and a.status != 302 and (problems := friendly_503_problems(a, post.body))
    ]
    part.check(
        not unfriendly,
        f"every failed answer was the friendly 503 page with Retry-After and the text "
        f"handed back ({len(unfriendly)} were not"
        + (f", e.g. {unfriendly[0][1][0]})" if unfriendly else ")"),
    )
    part.check(
        bool(after) and all(a.status == 302 for a in after),
        f"after PostgreSQL was back, {sum(a.status == 302 for a in after)} of {len(after)} "
        "requests succeeded, with the same gunicorn",
    )
    part.check(
        len(successes) == len(posts),
        f"{len(successes)} of {len(posts)} posts succeeded in the end",
    )
    stored = bodies_of(summary)
    problems = stream_problems(posts, stored)
    part.say(f"{len(stored)} comments stored")
    part.check(not problems, "each succeeded post stored exactly once, no text twice")
    for problem in problems:
        part.say(f"  {problem}")
    return part.finish()


def posts_per_account():
    """New posts one account makes in the stream: half its comment rate limit, leaving
    room for retries that reach the limit's count before the database fails them."""
    from django.conf import settings

    return max(1, settings.RATE_LIMITS["comment"][0] // 2)


# --- Part 4: double submits ---------------------------------------------------------


def double_submits(pair_browsers, retry_browsers, summary, form_html):
    """Repeats of one post, told apart from new posts by their idempotency key.

    Comments alone are a weak test: the site also drops a second identical comment
    posted within minutes, by its text, though not when both arrive at the same moment.
    Votes are the strong one: without the key, the repeat of a vote takes it back.
    """
    from summaries.models import Summary, Vote

    pairs, retries = len(pair_browsers), len(retry_browsers)
    part = Part(
        f"Part 4: {pairs} comments and {pairs} votes submitted twice at once, {retries} "
        "votes sent again after their answer"
    )
    part.say(
        "the comment form carries an idempotency key: "
        + ("yes" if IDEMPOTENCY_FIELD.search(form_html) else "NO")
    )
    # Two clients with the same cookies: one user's browser sending its form twice.
    twins = [browser.copy() for browser in pair_browsers for _ in range(2)]
    keys = [str(uuid.uuid4()) for _ in pair_browsers]
    bodies = [f"Double submit {n} ({keys[n]})." for n in range(pairs)]
    replies = all_at_once(
        len(twins), lambda n: twins[n].post_comment(summary.pk, bodies[n // 2], keys[n // 2])
    )
    same_answer = sum(
        bool(is_comment_redirect(first, summary.pk)) and first.location == second.location
        for first, second in zip(replies[::2], replies[1::2], strict=True)
    )
    part.check(
        same_answer == pairs,
        f"{same_answer} of {pairs} comment pairs both redirected to the same comment",
    )
    stored = Counter(bodies_of(summary))
    once = sum(stored[body] == 1 for body in bodies)
    part.check(once == pairs, f"{once} of {pairs} comments submitted twice stored once")

    keys = [str(uuid.uuid4()) for _ in pair_browsers]
    replies = all_at_once(len(twins), lambda n: twins[n].vote(summary.pk, "up", keys[n // 2]))
    both_up = sum(vote_in(reply) == "up" for reply in replies)
    part.check(
        both_up == 2 * pairs, f"{both_up} of {2 * pairs} answers to the votes sent twice say up"
    )

    kept = 0
    for browser in retry_browsers:
        key = str(uuid.uuid4())
        first = browser.vote(summary.pk, "down", key)
        again = browser.vote(summary.pk, "down", key)
        kept += vote_in(first) == "down" and vote_in(again) == "down"
    part.check(kept == retries, f"{kept} of {retries} votes sent again answered down both times")
    expected = pairs - retries
    score = Summary.objects.get(pk=summary.pk).score
    rows = Vote.objects.filter(summary=summary).count()
    part.check(
        score == expected and rows == pairs + retries,
        f"score {score:+d} from {rows} vote rows (expected {expected:+d} from "
        f"{pairs + retries}: no repeat took a vote back)",
    )

    # A key comes back with a different text when a page restored from the browser's
    # history is changed and sent: that is a new post, and its text must not be dropped.
    changed = 0
    for n, browser in enumerate(retry_browsers):
        key = str(uuid.uuid4())
        browser.post_comment(summary.pk, f"Reused key {n}, first text ({key}).", key)
        text = f"Reused key {n}, changed text ({key})."
        reply = browser.post_comment(summary.pk, text, key)
        changed += bool(is_comment_redirect(reply, summary.pk)) and text in bodies_of(summary)
    part.check(
        changed == retries,
        f"{changed} of {retries} changed texts sent with a used key were stored, not dropped",
    )
    return part.finish()


# --- The server ---------------------------------------------------------------------


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Gunicorn:
    """gunicorn serving the site, its output in `log`.

    It stays in our process group, so that a signal to the whole run (Ctrl-C, CI's
    timeout) reaches it even if this process is killed before it can stop it.
    """

    def __init__(self, workers, log):
        self.port = free_port()
        self.log = log
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "shortscience.wsgi",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(workers),
                "--graceful-timeout",
                "5",
            ],
            cwd=BASE_DIR,
            stdout=log,
            stderr=subprocess.STDOUT,
        )

    def wait_ready(self, timeout=60):
        probe = Browser(self.port)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"fault: gunicorn exited with {self.process.returncode}")
            if probe.request("GET", "/healthz").status == 200:
                return
            time.sleep(0.2)
        raise SystemExit("fault: gunicorn did not answer /healthz in time")

    def stop(self):
        if self.process.poll() is not None:
            return
        # The master stops its workers; killed outright, they exit when they see it gone.
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


# --- Main ---------------------------------------------------------------------------


def configure(static_root):
    """The environment of a deployment over plain http on the loopback, for this
    process and gunicorn alike (sessions are signed with the same SECRET_KEY)."""
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    os.environ.update(
        DJANGO_SETTINGS_MODULE="bench.fault_settings",
        FAULT_STATIC_ROOT=static_root,
        DEBUG="0",
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="0",
        SESSION_COOKIE_SECURE="0",
        CSRF_COOKIE_SECURE="0",
        LOG_LEVEL="WARNING",
    )
    sys.path.insert(0, str(BASE_DIR))


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="the short form, for CI")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (4)")
    parser.add_argument("--clients", type=int, help="stream clients (4 quick, 8 full)")
    parser.add_argument("--rate", type=float, help="posts a second per stream client")
    parser.add_argument("--seconds", type=float, help="length of the stream")
    parser.add_argument("--outage-at", type=float, help="seconds into the stream")
    parser.add_argument("--outage", type=float, help="seconds PostgreSQL stays down")
    args = parser.parse_args(argv)
    options = dict(QUICK if args.quick else FULL)
    for name in options:
        if getattr(args, name) is not None:
            options[name] = getattr(args, name)
    if options["outage_at"] + options["outage"] >= options["seconds"]:
        parser.error("the outage must end before the stream does")
    return args, options


def main(argv=None):
    args, options = parse_args(argv)
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        raise SystemExit("fault: needs PostgreSQL; run it through `make fault`")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    run_started = time.monotonic()
    workdir = tempfile.mkdtemp(prefix="fault-")
    configure(f"{workdir}/static")

    import django

    django.setup()

    from django.conf import settings
    from django.core.management import call_command

    postgres = PostgreSQL()
    print(
        f"fault: {'quick' if args.quick else 'full'} run, gunicorn with {args.workers} "
        f"workers, PostgreSQL on {postgres.home}, cache "
        f"{settings.CACHES['default']['BACKEND'].rsplit('.', 1)[-1]}",
        flush=True,
    )
    log_path = Path(workdir, "gunicorn.log")
    server = None
    results = []
    try:
        setup_started = time.monotonic()
        call_command("migrate", verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        with open(log_path, "ab") as log:
            server = Gunicorn(args.workers, log)
        server.wait_ready()

        from papers.models import Paper
        from summaries.models import Summary

        authors = make_users("author", 4)
        paper = Paper.objects.create(
            bibtex_key="bench/fault/2024",
            title="Faults and their tolerance",
            authors="Ada Lovelace",
            year=2024,
        )
        summaries = [
            Summary.objects.create(paper=paper, author=author, body=f"Summary number {n}.")
            for n, author in enumerate(authors, 1)
        ]
        commented, voted, streamed, doubled = summaries
        per_account = posts_per_account()
        per_client = math.ceil((options["rate"] * options["seconds"] + 1) / per_account)
        form_path = doubled.get_absolute_url()
        clients = browsers_for(make_users("commenter", 100), server.port, form_path)
        voters = browsers_for(make_users("voter", 50), server.port, form_path)
        streamers = browsers_for(
            make_users("streamer", options["clients"] * per_client), server.port, form_path
        )
        doublers = browsers_for(make_users("doubler", 15), server.port, form_path)
        form_html = doublers[0].open_form(form_path).text
        print(
            f"fault: set up in {time.monotonic() - setup_started:.1f} s "
            f"({100 + 50 + len(streamers) + 15} users logged in)",
            flush=True,
        )

        results.append(concurrent_comments(clients, commented))
        results.append(concurrent_votes(voters, voted))
        browser_sets = [
            streamers[n * per_client : (n + 1) * per_client] for n in range(options["clients"])
        ]
        results.append(restart_under_stream(browser_sets, streamed, postgres, options))
        results.append(double_submits(doublers[:10], doublers[10:], doubled, form_html))
    except BaseException:
        print(f"fault: stopped; gunicorn's log is kept in {log_path}", file=sys.stderr)
        raise
    finally:
        if postgres.stopped:
            print("fault: starting PostgreSQL again", file=sys.stderr, flush=True)
            postgres.start()
        if server is not None:
            server.stop()
    errors = log_path.read_text(errors="replace").count("Internal Server Error")
    passed = all(results)
    print(
        f"\nfault: {sum(results)} of {len(results)} parts passed in "
        f"{time.monotonic() - run_started:.1f} s; {errors} server errors logged",
        flush=True,
    )
    if passed:
        shutil.rmtree(workdir, ignore_errors=True)
    else:
        print(f"fault: gunicorn's log is kept in {log_path}", flush=True)
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
