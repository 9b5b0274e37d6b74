"""Page throughput: the site under gunicorn, measured with wrk against a minimal view.

    make bench                                  # scripts/with-postgres scripts/with-redis ...
    make bench ARGS="--scale 0.02 --duration 5"

Needs an empty PostgreSQL database (scripts/with-postgres makes a fresh one) and, for
the cached pass to be what production runs, REDIS_URL (scripts/with-redis). It applies
the migrations, generates 20,000 users, 50,000 papers, 100,000 summaries and 300,000
comments with their votes and search documents (bench/sitedata.py; --scale multiplies
the sizes), collects the static files (pages need their hashed names with DEBUG off),
counts each page's queries in process, then serves the site with gunicorn (DEBUG off,
plain http on the loopback) and runs wrk on each page twice: without fragment caching
(FRAGMENT_CACHE_SECONDS=0) and with it. Each page's requests per second are compared
with those of `/bench/baseline/` (bench/urls.py), which goes through the same
middleware but does no work of its own; `/bench/empty/`, the site's page template with
nothing in it, shows what any page costs before its view does anything. Targets: the
homepage at 60% of the baseline uncached, 90% cached.
"""

import argparse
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# The site as deployed, spoken to over plain http on the loopback, as scripts/lighthouse
# does: no redirect to https, which nothing here answers. `testserver` is the test
# client's host, for the query counts.
SITE_ENVIRONMENT = {
    "DJANGO_SETTINGS_MODULE": "bench.settings",
    "DEBUG": "0",
    "SECURE_SSL_REDIRECT": "0",
    "SESSION_COOKIE_SECURE": "0",
    "CSRF_COOKIE_SECURE": "0",
    "ALLOWED_HOSTS": "127.0.0.1,testserver",
    # Warnings and errors only: a line per request would cost the server time.
    "LOG_LEVEL": "WARNING",
}
os.environ.update(SITE_ENVIRONMENT)
# Each pass sets its own; the cached one uses the site's default.
os.environ.pop("FRAGMENT_CACHE_SECONDS", None)
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key")
os.environ.setdefault("BENCH_STATIC_ROOT", str(ROOT / ".tmp" / "bench-static"))

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings  # noqa: E402

from bench import sitedata  # noqa: E402

BASELINE = "baseline"
# The baseline is measured again at the end of each pass: the mean of both runs is the
# reference, and their difference shows how much the machine's load moved meanwhile.
BASELINE_AGAIN = "baseline again"
TARGETS = {"uncached": 0.60, "cached": 0.90}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="multiplies the data sizes")
    parser.add_argument("--workers", type=int, default=os.cpu_count(), help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=1, help="wrk threads")
    parser.add_argument("--connections", type=int, default=None, help="default: 2 per worker")
    parser.add_argument("--duration", type=int, default=15, help="seconds of wrk per page")
    parser.add_argument("--warmup", type=int, default=3, help="seconds of wrk before each")
    parser.add_argument("--paper-summaries", type=int, default=5, help="of the paper measured")
    parser.add_argument("--query", default="attention transformer", help="of the search measured")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("bench/pages.py needs PostgreSQL: run it with `make bench`")
    connections = args.connections or 2 * args.workers
    wrk = find_wrk()
    sizes = sitedata.Sizes(args.scale)

    print(f"Building the database: {sizes}", flush=True)
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    sitedata.generate(sizes, log=lambda line: print(line, flush=True))
    built = time.perf_counter() - started
    print(f"built in {built:.0f} s")
    sitedata.report_sizes()
    call_command("collectstatic", interactive=False, verbosity=0)

    pages = choose_pages(args)
    print(
        "\nIn process, one request at a time: queries per page, time per request and the share"
        "\nof it in the database (medians); then a second page of each kind, whose query"
        "\ncount must be the same."
    )
    counts = {}
    for name, path, other in pages:
        counts[name] = {}
        for mode in TARGETS:
            measured = measure_in_process(path, mode)
            counts[name][mode] = measured["queries"]
            print(
                f"  {name:<9} {mode:<9} {measured['queries']:>2} queries "
                f"{measured['ms']:>8.1f} ms, database {measured['db_ms']:>7.1f} ms  {path}"
            )
            if other:
                other_queries = measure_in_process(other, mode, runs=1)["queries"]
                verdict = "same" if other_queries == measured["queries"] else "DIFFERENT"
                print(f"  {'':<9} {mode:<9} {other_queries:>2} queries ({verdict})  {other}")

    redis = os.getenv("REDIS_URL", "")
    print(f"\nMachine: {os.cpu_count()} cores, {cpu_model()}, Python {platform.python_version()}")
    print(f"Cache: {'Redis ' + redis if redis else 'local memory (no REDIS_URL)'}")
    print(
        f"gunicorn {gunicorn_version()}: {args.workers} sync workers, no access log; "
        f"{wrk_version(wrk)}: {args.threads} thread(s), {connections} connections, "
        f"{args.warmup} s warm-up then {args.duration} s per page"
    )
    runs = [*pages, (BASELINE_AGAIN, pages[0][1], None)]
    counts[BASELINE_AGAIN] = counts[BASELINE]
    results = {}
    for mode, seconds in (("uncached", 0), ("cached", settings.FRAGMENT_CACHE_SECONDS)):
        # The in-process counts above filled the cache; each pass starts from empty.
        cache.clear()
        before = os.getloadavg()
        with Gunicorn(args.workers, {"FRAGMENT_CACHE_SECONDS": str(seconds)}) as server:
            results[mode] = {}
            for name, path, _ in runs:
                url = server.url + path
                size = fetch_size(url)
                run_wrk(wrk, url, args.threads, connections, args.warmup)
                measured = run_wrk(wrk, url, args.threads, connections, args.duration)
                results[mode][name] = {**measured, "bytes": size}
                print(f"  {mode} {name}: {rate(measured['rps'])} req/s", flush=True)
        after = os.getloadavg()
        print_table(mode, seconds, runs, results[mode], counts, before, after)

    print(f"\nDatabase built in {built:.0f} s.")
    for mode, share in TARGETS.items():
        ratio = results[mode]["homepage"]["rps"] / reference(results[mode])
        verdict = "met" if ratio >= share else "MISSED"
        print(f"Homepage {mode}: {ratio:.0%} of the baseline (target {share:.0%}): {verdict}")


def choose_pages(args):
    """(name, path, another page of the same kind) for each page measured."""
    with connection.cursor() as cursor:
        # A paper with the asked number of public summaries, with about three comments
        # each (the average), and for comparison the paper with the most summaries.
        cursor.execute(
            """
            SELECT p.bibtex_key FROM papers_paper p
            JOIN summaries_summary s ON s.paper_id = p.id AND NOT s.is_private AND NOT s.is_hidden
            LEFT JOIN summaries_comment c ON c.summary_id = s.id
            GROUP BY p.id
            ORDER BY abs(count(DISTINCT s.id) - %s), abs(count(c.id) - 3 * %s), p.id
            LIMIT 1
            """,
            [args.paper_summaries, args.paper_summaries],
        )
        (paper,) = cursor.fetchone()
        cursor.execute(
            "SELECT p.bibtex_key FROM papers_paper p JOIN summaries_summary s ON s.paper_id = p.id "
            "GROUP BY p.id ORDER BY count(*) DESC, p.id LIMIT 1"
        )
        (busiest_paper,) = cursor.fetchone()
        # The most prolific author (a full first page of summaries on the profile), and
        # one with a single public summary.
        cursor.execute(
            """
            SELECT u.username FROM accounts_user u JOIN summaries_summary s ON s.author_id = u.id
            WHERE NOT s.is_private AND NOT s.is_hidden AND NOT s.is_anonymous
            GROUP BY u.id ORDER BY count(*) DESC, u.id
            """
        )
        authors = [username for (username,) in cursor.fetchall()]
    quiet_author = authors[-1]
    return [
        (BASELINE, "/bench/baseline/", None),
        ("empty", "/bench/empty/", None),
        ("homepage", "/", "/top/"),
        ("paper", f"/paper/{paper}/", f"/paper/{busiest_paper}/"),
        ("profile", f"/user/{authors[0]}/", f"/user/{quiet_author}/"),
        ("search", "/search?" + urlencode(args.query), "/search?" + urlencode("gradient")),
    ]


def urlencode(query):
    return urllib.parse.urlencode({"q": query})


def measure_in_process(path, mode, runs=5):
    """The page's queries, and the median time of a request and of its queries (ms).

    "uncached": from an empty cache with fragment caching off; "cached": once its
    fragments are in the cache. The first request is not timed.
    """
    client = Client()
    cache.clear()
    timings, database = [], []
    seconds = 0 if mode == "uncached" else settings.FRAGMENT_CACHE_SECONDS
    with override_settings(FRAGMENT_CACHE_SECONDS=seconds):
        client.get(path)
        for _ in range(runs):
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get(path)
                timings.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                raise RuntimeError(f"{path} answered {response.status_code}")
            database.append(sum(float(query["time"]) for query in captured) * 1000)
    return {
        "queries": len(captured),
        "ms": statistics.median(timings),
        "db_ms": statistics.median(database),
    }


class Gunicorn:
    """gunicorn serving the site on a free port of the loopback; stopped on exit."""

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


def fetch_size(url):
    """The page's size as wrk receives it (compressed if the site sends it so); it
    must answer 200."""
    request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"})
    with urllib.request.urlopen(request, timeout=30) as response:
        if response.status != 200:
            raise RuntimeError(f"{url} answered {response.status}")
        return len(response.read())


def find_wrk():
    if path := shutil.which("wrk"):
        return path
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("wrk missing: installing Debian's wrk", file=sys.stderr)
        subprocess.run(["apt-get", "update", "-qq"], check=True)
        subprocess.run(
            ["apt-get", "install", "-y", "-qq", "wrk"],
            check=True,
            env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
        )
        return shutil.which("wrk")
    sys.exit("wrk not found: install it (sudo apt-get install wrk)")


LATENCY_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def run_wrk(wrk, url, threads, connections, seconds):
    """Requests per second and latency percentiles (ms) from one run of wrk."""
    # wrk leaves answers slower than its timeout (2 s by default) out of the latencies.
    command = [wrk, f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "30s"]
    # As browsers do: pages that are kept compressed are then sent compressed.
    command += ["--header", "Accept-Encoding: gzip", "--latency", url]
    output = subprocess.run(
        command, capture_output=True, text=True, check=True, timeout=seconds + 60
    ).stdout
    rps = re.search(r"^Requests/sec:\s+([\d.]+)", output, re.MULTILINE)
    latency = dict(re.findall(r"^\s+(50|99)%\s+([\d.]+(?:us|ms|s))\s*$", output, re.MULTILINE))
    if not rps or set(latency) != {"50", "99"}:
        raise RuntimeError(f"unexpected output from wrk:\n{output}")
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(r"Socket errors: (.*)", output)
    return {
        "rps": float(rps.group(1)),
        "p50": to_ms(latency["50"]),
        "p99": to_ms(latency["99"]),
        "errors": int(errors.group(1)) if errors else 0,
        "socket_errors": socket_errors.group(1) if socket_errors else "",
    }


def to_ms(text):
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()
    return float(number) * LATENCY_UNITS[unit]


def reference(results):
    return (results[BASELINE]["rps"] + results[BASELINE_AGAIN]["rps"]) / 2


def rate(rps):
    # A page slower than a second per request still shows how slow.
    return f"{rps:.1f}" if rps < 10 else f"{rps:.0f}"


def print_table(mode, seconds, runs, results, counts, before, after):
    baseline = reference(results)
    print(f"\n{mode.capitalize()} (FRAGMENT_CACHE_SECONDS={seconds}); load average before "
          f"{before[0]:.2f}, after {after[0]:.2f}")  # fmt: skip
    print(f"{'page':<14} {'path':<40} {'req/s':>7} {'p50 ms':>7} {'p99 ms':>7} {'ratio':>6} "
          f"{'queries':>7} {'KB':>6}")  # fmt: skip
    for name, path, _ in runs:
        row = results[name]
        print(
            f"{name:<14} {path:<40} {rate(row['rps']):>7} {row['p50']:>7.1f} {row['p99']:>7.1f} "
            f"{row['rps'] / baseline:>6.0%} {counts[name][mode]:>7} {row['bytes'] / 1024:>6.0f}"
        )
        if row["errors"] or row["socket_errors"]:
            errors = f"{row['errors']} answers not 2xx or 3xx, socket errors {row['socket_errors']}"
            print(f"  {name}: {errors}")


def cpu_model():
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown CPU"


def gunicorn_version():
    import gunicorn

    return gunicorn.__version__


def wrk_version(wrk):
    # `wrk -v` prints its version and exits with status 1.
    output = subprocess.run([wrk, "-v"], capture_output=True, text=True).stdout
    return output.split(" [")[0].strip() or "wrk"


def stop_on_sigterm(signum, frame):
    # As an exception, so that gunicorn is stopped on the way out.
    sys.exit(128 + signum)


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, stop_on_sigterm)
    main()
