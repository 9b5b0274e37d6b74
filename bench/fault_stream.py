"""Part 3 of the load and fault test (bench/fault.py): PostgreSQL stopped and started
again under a stream of posts, each of which must be stored exactly once."""

import os
import re
import subprocess
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from bench.fault_http import Part, bodies_of, friendly_503_problems, milliseconds

# How soon a post answered 503 is sent again. The page asks for 30 s (Retry-After);
# the harness is more impatient than a person so that a run stays short.
RETRY_DELAY = 0.25
# How long after the end of the stream unfinished posts keep being retried.
STREAM_GRACE = 60
# One stream post in so many has its first answer dropped by the client.
DROP_EVERY = 10
STREAM_KEY = re.compile(r"Stream post ([0-9a-f-]{36}) ")


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
