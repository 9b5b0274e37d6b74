"""CPU time spent by the processes that answer a page, read from /proc.

Requests per second swing with whatever else runs on a shared machine; the CPU time a
request costs does not, so `bench/pages.py` reports it per request: the ticks (utime +
stime, /proc/<pid>/stat) of a process tree before and after a run of wrk, divided by
the requests wrk completed.

A tree's ticks are those of its root, of its live descendants, and of the children it
has reaped (cutime + cstime): a PostgreSQL backend or a gunicorn worker that exits
hands its time over to its parent's children-time, so nothing is lost when one exits
during a run. Its own ticks are counted too: the postmaster and the gunicorn arbiter
mostly sleep.
"""

import os
import time
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

TICKS_PER_SECOND = os.sysconf("SC_CLK_TCK")
MS_PER_TICK = 1000 / TICKS_PER_SECOND
PROC = Path("/proc")


@dataclass
class Stat:
    name: str
    parent: int
    # utime + stime: the process's own time (all its threads).
    own: int
    # cutime + cstime: the time of its children that have exited and been waited for.
    reaped: int


def read_stat(pid, proc=PROC):
    """The process's /proc/<pid>/stat, or None once it is gone."""
    try:
        text = (proc / str(pid) / "stat").read_text()
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return None
    # The name is in parentheses and may itself hold spaces and parentheses: the fields
    # are what follows the last ")". Field 3 (the state) is then the first one.
    name = text[text.index("(") + 1 : text.rindex(")")]
    fields = text[text.rindex(")") + 2 :].split()

    def field(number):
        return int(fields[number - 3])

    return Stat(name, field(4), field(14) + field(15), field(16) + field(17))


def all_stats(proc=PROC):
    stats = {}
    for entry in proc.iterdir():
        if entry.name.isdigit() and (stat := read_stat(int(entry.name), proc)) is not None:
            stats[int(entry.name)] = stat
    return stats


def tree_ticks(root, stats):
    """Ticks used by `root` and its descendants, the exited ones included."""
    children = {}
    for pid, stat in stats.items():
        children.setdefault(stat.parent, []).append(pid)
    total, pending = 0, [root]
    while pending:
        pid = pending.pop()
        if (stat := stats.get(pid)) is not None:
            total += stat.own + stat.reaped
            pending.extend(children.get(pid, []))
    return total


def postmaster_pid(environ=os.environ, proc=PROC):
    """The PostgreSQL server's main process: from the data directory's postmaster.pid
    (scripts/with-postgres keeps the cluster in $PGHOST/data), else the `postgres`
    process whose parent is not one."""
    candidates = []
    if data := environ.get("PGDATA"):
        candidates.append(Path(data))
    if (host := environ.get("PGHOST", "")).startswith("/"):
        candidates.append(Path(host) / "data")
    for data in candidates:
        try:
            return int((data / "postmaster.pid").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            continue
    stats = all_stats(proc)
    roots = [
        pid
        for pid, stat in stats.items()
        if stat.name == "postgres" and getattr(stats.get(stat.parent), "name", "") != "postgres"
    ]
    return roots[0] if len(roots) == 1 else None


def redis_pid(environ=os.environ, proc=PROC):
    """The Redis server of REDIS_URL: scripts/with-redis writes redis.pid beside its
    socket; else the only `redis-server` process."""
    url = urllib.parse.urlsplit(environ.get("REDIS_URL", ""))
    if url.scheme == "unix" and url.path:
        try:
            return int((Path(url.path).parent / "redis.pid").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            pass
    if not url.scheme:
        return None
    found = [pid for pid, stat in all_stats(proc).items() if stat.name == "redis-server"]
    return found[0] if len(found) == 1 else None


class Meter:
    """Ticks of named process trees ({"app": pid, "database": pid, ...}), together."""

    def __init__(self, roots, proc=PROC):
        self.roots = {name: pid for name, pid in roots.items() if pid is not None}
        self.proc = proc

    def snapshot(self):
        stats = all_stats(self.proc)
        return {name: tree_ticks(pid, stats) for name, pid in self.roots.items()}

    def wait_until_idle(self, watched="app", interval=0.1, quiet_polls=3, limit=60):
        """Until the `watched` tree has used no tick for `quiet_polls` polls in a row:
        requests a client gave up on (wrk stops with some in flight) are finished
        before a reading, and count towards the run they belong to. Only one tree is
        watched: the database's and the cache's background work never quite stops,
        and a request is over once its app server process is. Returns the last
        snapshot."""
        deadline = time.monotonic() + limit
        last, quiet = self.snapshot(), 0
        while quiet < quiet_polls and time.monotonic() < deadline:
            time.sleep(interval)
            now = self.snapshot()
            quiet = quiet + 1 if now.get(watched) == last.get(watched) else 0
            last = now
        return last


def per_request_ms(before, after, requests):
    """{name: CPU ms per request} between two snapshots, plus their "total"."""
    if requests <= 0:
        return {**{name: float("nan") for name in before}, "total": float("nan")}
    shares = {name: (after[name] - before[name]) * MS_PER_TICK / requests for name in before}
    return {**shares, "total": sum(shares.values())}
