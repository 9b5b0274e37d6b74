"""gunicorn serving the site for `bench/pages.py`, and the processes whose CPU time it
counts."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from bench import cpu

ROOT = Path(__file__).resolve().parent.parent


class Gunicorn:
    """gunicorn serving the site on a free port of the loopback; stopped on exit.

    Started directly (no shell in between), so that its process is the arbiter, whose
    children are the workers."""

    def __init__(self, workers, environment):
        self.workers = workers
        self.environment = environment
        self.process = None

    def __enter__(self):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"
        self.log = ROOT / ".tmp" / "bench-gunicorn.log"
        self.log.parent.mkdir(exist_ok=True)
        command = [
            str(Path(sys.executable).with_name("gunicorn")),
            "shortscience.wsgi",
            "--bind", f"127.0.0.1:{port}",
            "--workers", str(self.workers),
            "--error-logfile", str(self.log),
        ]  # fmt: skip
        self.process = subprocess.Popen(
            command,
            cwd=ROOT,
            env={**os.environ, **self.environment},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            # Its own process group: a Ctrl-C reaches this script, which stops it.
            start_new_session=True,
        )
        try:
            self.wait_until_up()
        except BaseException:
            self.stop()
            raise
        return self

    @property
    def pid(self):
        return self.process.pid

    def wait_until_up(self):
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited; see {self.log}")
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=5) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer /healthz in 60 s; see {self.log}")

    def stop(self):
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def __exit__(self, *exc_info):
        self.stop()


def meter(server):
    """A cpu.Meter of the app server, the database server and, when there is one, the
    cache server. A missing database or cache server is said, not guessed at."""
    roots = {"app": server.pid, "database": cpu.postmaster_pid(), "cache": cpu.redis_pid()}
    for name in ("database", "cache"):
        if roots[name] is None and (name == "database" or os.getenv("REDIS_URL")):
            print(f"  warning: the {name} server's process was not found: its CPU is not counted")
    return cpu.Meter(roots)
