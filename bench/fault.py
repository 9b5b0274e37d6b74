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
5. The background worker killed (SIGKILL) while a task sends mail to a local SMTP
   server, and started again: every mail arrives, none twice (bench/fault_mail.py).

Each part prints what it did and PASS or FAIL; the exit status is 1 when any failed.
gunicorn is stopped on exit whatever happens; PostgreSQL is left running.
"""

import argparse
import math
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
# Run as `python bench/fault.py`, which puts bench/ on the path rather than the project.
sys.path.insert(0, str(BASE_DIR))

# The client and its reports (fault_http), parts 1, 2 and 4 (fault_parts), part 3
# (fault_stream); the server and the run are here.
from bench.fault_http import Browser, browsers_for, make_users  # noqa: E402
from bench.fault_mail import worker_killed_mid_mail  # noqa: E402
from bench.fault_parts import concurrent_comments, concurrent_votes, double_submits  # noqa: E402
from bench.fault_stream import PostgreSQL, posts_per_account, restart_under_stream  # noqa: E402

QUICK = {"clients": 4, "rate": 2.0, "seconds": 10.0, "outage_at": 3.0, "outage": 2.0}
FULL = {"clients": 8, "rate": 2.0, "seconds": 60.0, "outage_at": 20.0, "outage": 10.0}

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
    worker_log = Path(workdir, "worker.log")
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

        authors = make_users("author", 5)
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
        commented, voted, streamed, doubled, mailed = summaries
        per_account = posts_per_account()
        per_client = math.ceil((options["rate"] * options["seconds"] + 1) / per_account)
        form_path = doubled.get_absolute_url()
        clients = browsers_for(make_users("commenter", 100), server.port, form_path)
        voters = browsers_for(make_users("voter", 50), server.port, form_path)
        streamers = browsers_for(
            make_users("streamer", options["clients"] * per_client), server.port, form_path
        )
        doublers = browsers_for(make_users("doubler", 15), server.port, form_path)
        from accounts.models import User

        askers, repliers = make_users("asker", 4), make_users("replier", 4)
        # Part 5's people want their mail: the summary's author of comments, the askers
        # of the replies to their questions.
        User.objects.filter(pk=mailed.author_id).update(notify_on_comment=True)
        User.objects.filter(pk__in=[user.pk for user in askers]).update(notify_on_reply=True)
        askers = browsers_for(askers, server.port, form_path)
        repliers = browsers_for(repliers, server.port, form_path)
        form_html = doublers[0].open_form(form_path).text
        print(
            f"fault: set up in {time.monotonic() - setup_started:.1f} s "
            f"({100 + 50 + len(streamers) + 15 + 8} users logged in)",
            flush=True,
        )

        results.append(concurrent_comments(clients, commented))
        results.append(concurrent_votes(voters, voted))
        browser_sets = [
            streamers[n * per_client : (n + 1) * per_client] for n in range(options["clients"])
        ]
        results.append(restart_under_stream(browser_sets, streamed, postgres, options))
        results.append(double_submits(doublers[:10], doublers[10:], doubled, form_html))
        results.append(worker_killed_mid_mail(askers, repliers, mailed, worker_log))
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
        print(f"fault: gunicorn's log is kept in {log_path}, the worker's in {worker_log}")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
