"""Page cost: the site under gunicorn, measured with wrk, in CPU time per request.

    make bench                                  # scripts/with-postgres scripts/with-redis ...
    make bench ARGS="--scale 0.02 --duration 5"

Needs an empty PostgreSQL database (scripts/with-postgres makes a fresh one) and, for
the cached pass to be what production runs, REDIS_URL (scripts/with-redis). It applies
the migrations, generates 20,000 users, 50,000 papers, 100,000 summaries and 300,000
comments with their votes and search documents (bench/sitedata.py; --scale multiplies
the sizes), posts one pathological summary through the site's own code as the newest
(bench/adversarial.py; --no-adversarial leaves it out), logs a reader in, collects the
static files (pages need their hashed names with DEBUG off), counts each page's queries
in process, then serves the site with gunicorn (DEBUG off, plain http on the loopback)
and runs wrk on each page twice: without fragment caching (FRAGMENT_CACHE_SECONDS=0)
and with it.

For each page it reports the CPU time a request costs the app server, the database
server and the cache server, read from /proc (bench/cpu.py): requests per second swing
with whatever else the machine runs, CPU time per request much less. Also its requests
per second against `/bench/baseline/` (bench/urls.py: the site's middleware and nothing
else) and against `/bench/empty/` (the site's page template with nothing in it), and
its raw HTML size. Then the targets (bench/targets.py), each beside its figure.
"""

import argparse
import os
import platform
import signal
import statistics
import sys
import time
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

from bench import adversarial, cpu, load, pagelist, server, sitedata, targets  # noqa: E402
from bench.pagelist import BASELINE, BASELINE_AGAIN, EMPTY, Page  # noqa: E402

MODES = ("uncached", "cached")


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="multiplies the data sizes")
    parser.add_argument("--workers", type=int, default=os.cpu_count(), help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=1, help="wrk threads")
    parser.add_argument("--connections", type=int, default=None, help="default: 2 per worker")
    parser.add_argument("--duration", type=int, default=15, help="seconds of wrk per page")
    parser.add_argument("--warmup", type=int, default=3, help="seconds of wrk before each")
    parser.add_argument("--paper-summaries", type=int, default=5, help="of the paper measured")
    parser.add_argument("--query", default="attention transformer", help="of the search measured")
    parser.add_argument(
        "--adversarial",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="post a 99 KB summary of 2,700 formulas as the newest (default: on)",
    )
    parser.add_argument(
        "--slow",
        type=float,
        default=0.25,
        help="a page slower than this (seconds) gets sequential requests instead of wrk",
    )
    return parser.parse_args()


def main():
    args = parse_args()
    if connection.vendor != "postgresql":
        sys.exit("bench/pages.py needs PostgreSQL: run it with `make bench`")
    connections = args.connections or 2 * args.workers
    wrk = load.find_wrk()
    sizes = sitedata.Sizes(args.scale)
    print(f"Load average at the start: {load_average()}; {os.cpu_count()} cores")
    built = build(sizes, args.adversarial)

    reader = pagelist.log_in_reader()
    pages = pagelist.choose_pages(args.paper_summaries, args.query)
    print(f"\nPages (the reader is {reader.username}, logged in by a session cookie):")
    for page in pages:
        print(f"  {page.name:<16} {page.path}")
    counts = count_queries(pages, reader)

    redis = os.getenv("REDIS_URL", "")
    print(f"\nMachine: {os.cpu_count()} cores, {cpu_model()}, Python {platform.python_version()}")
    print(f"Cache: {'Redis ' + redis if redis else 'local memory (no REDIS_URL)'}")
    print(
        f"gunicorn {gunicorn_version()}: {args.workers} sync workers, no access log; "
        f"{load.wrk_version(wrk)}: {args.threads} thread(s), {connections} connections, "
        f"{args.warmup} s warm-up then {args.duration} s per page; CPU from /proc, "
        f"{cpu.TICKS_PER_SECOND} ticks a second"
    )
    runs = [*pages, Page(BASELINE_AGAIN, pages[0].path)]
    counts[BASELINE_AGAIN] = counts[BASELINE]
    results = {}
    for mode, seconds in (("uncached", 0), ("cached", settings.FRAGMENT_CACHE_SECONDS)):
        # The in-process counts filled the cache; each pass starts from empty.
        cache.clear()
        # Nothing of this process's own stays open on the database during the pass.
        connection.close()
        before = os.getloadavg()
        with server.Gunicorn(args.workers, {"FRAGMENT_CACHE_SECONDS": str(seconds)}) as site:
            meter = server.meter(site)
            results[mode] = {}
            for page in runs:
                headers = {"Cookie": reader.header()} if page.as_reader else {}
                row = measure_page(wrk, meter, site.url + page.path, headers, args, connections)
                results[mode][page.name] = row
                print(
                    f"  {mode} {page.name}: {rate(row['rps'])} req/s, "
                    f"{row['cpu']['total']:.1f} ms CPU per request",
                    flush=True,
                )
        after = os.getloadavg()
        print_table(mode, seconds, runs, results[mode], counts, before, after)

    print(f"\nDatabase built in {built:.0f} s. Load average at the end: {load_average()}")
    targets.print_targets(results, reference, sizes.summaries)


def build(sizes, with_adversarial):
    """Migrate, generate the data and collect the static files; returns the seconds
    the data took."""
    print(f"Building the database: {sizes}", flush=True)
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    sitedata.generate(sizes, log=lambda line: print(line, flush=True))
    built = time.perf_counter() - started
    print(f"built in {built:.0f} s")
    sitedata.report_sizes()
    if with_adversarial:
        posted = adversarial.insert()
        print(
            f"Adversarial summary {posted['id']} by {posted['author']} of {posted['paper']}: "
            f"{posted['characters']:,} characters, {posted['formulas']:,} formulas, "
            f"{posted['html_bytes'] / 1024:,.0f} KB of stored HTML"
        )
        if posted["replaced"]:
            print(f"  (in place of their summary {posted['replaced']} of that paper, deleted)")
        if posted["refused"]:
            print(f"  (with more formulas the form refused it: {posted['refused'].strip()})")
    call_command("collectstatic", interactive=False, verbosity=0)
    return built


def count_queries(pages, reader):
    """{page name: {mode: queries}}, counted in process; prints the timings too."""
    print(
        "\nIn process, one request at a time: queries per page, time per request and the share"
        "\nof it in the database (medians); then a second page of each kind, whose query"
        "\ncount must be the same."
    )
    counts = {}
    for page in pages:
        counts[page.name] = {}
        for mode in MODES:
            measured = measure_in_process(page.path, mode, reader if page.as_reader else None)
            counts[page.name][mode] = measured["queries"]
            print(
                f"  {page.name:<16} {mode:<9} {measured['queries']:>2} queries "
                f"{measured['ms']:>8.1f} ms, database {measured['db_ms']:>7.1f} ms"
            )
            if page.other:
                other = measure_in_process(
                    page.other, mode, reader if page.as_reader else None, runs=1
                )
                verdict = "same" if other["queries"] == measured["queries"] else "DIFFERENT"
                print(
                    f"  {'':<16} {mode:<9} {other['queries']:>2} queries ({verdict})  {page.other}"
                )
    return counts


def measure_page(wrk, meter, url, headers, args, connections):
    """One page's figures: wrk's (or, for a slow page, those of requests one after
    another), its CPU time per request and its sizes."""
    raw, sent, seconds = load.page_sizes(url, headers)
    # wrk stops with up to `connections` requests in flight, which the server finishes:
    # their CPU time is counted but they are not. At a few requests a second that would
    # overstate the CPU per request by several percent; one after another, no request
    # is left in flight.
    if seconds > args.slow:
        count = max(5, min(30, round(args.duration / seconds)))
        before = meter.wait_until_idle()
        measured = load.run_sequential(url, count, headers)
    else:
        load.run_wrk(wrk, url, args.threads, connections, args.warmup, headers)
        before = meter.wait_until_idle()
        measured = load.run_wrk(wrk, url, args.threads, connections, args.duration, headers)
    after = meter.wait_until_idle()
    return {
        **measured,
        "cpu": cpu.per_request_ms(before, after, measured["requests"]),
        "raw": len(raw),
        "sent": sent,
    }


def measure_in_process(path, mode, reader=None, runs=5):
    """The page's queries, and the median time of a request and of its queries (ms).

    "uncached": from an empty cache with fragment caching off; "cached": once its
    fragments are in the cache. The first request is not timed.
    """
    client = reader.client() if reader else Client()
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


def reference(results):
    return (results[BASELINE]["rps"] + results[BASELINE_AGAIN]["rps"]) / 2


def rate(rps):
    # A page slower than a second per request still shows how slow.
    return f"{rps:.1f}" if rps < 10 else f"{rps:.0f}"


def print_table(mode, seconds, runs, results, counts, before, after):
    baseline, empty = reference(results), results[EMPTY]["rps"]
    print(f"\n{mode.capitalize()} (FRAGMENT_CACHE_SECONDS={seconds}); load average before "
          f"{before[0]:.2f}, after {after[0]:.2f}")  # fmt: skip
    print("CPU ms per request: app (gunicorn), db (PostgreSQL), cache (Redis), their sum.")
    print(f"{'page':<16} {'req/s':>7} {'p50 ms':>7} {'p99 ms':>7} {'/base':>6} {'/empty':>6} "
          f"{'app':>6} {'db':>6} {'cache':>6} {'CPU ms':>7} {'queries':>7} {'KB raw':>7} "
          f"{'KB sent':>7}")  # fmt: skip
    for page in runs:
        row = results[page.name]
        share = row["cpu"]
        marked = rate(row["rps"]) + ("*" if row["sequential"] else "")
        print(
            f"{page.name:<16} {marked:>7} {row['p50']:>7.1f} {row['p99']:>7.1f} "
            f"{row['rps'] / baseline:>6.0%} {row['rps'] / empty:>6.0%} "
            f"{share['app']:>6.1f} {share.get('database', 0):>6.1f} {share.get('cache', 0):>6.1f} "
            f"{share['total']:>7.1f} {counts[page.name][mode]:>7} {row['raw'] / 1024:>7,.0f} "
            f"{row['sent'] / 1024:>7,.0f}"
        )
        if row["errors"] or row["socket_errors"]:
            errors = f"{row['errors']} answers not 2xx or 3xx, socket errors {row['socket_errors']}"
            print(f"  {page.name}: {errors}")
    if any(results[page.name]["sequential"] for page in runs):
        print(
            "* too slow for wrk: requests one after another (p99 is their slowest), so its "
            "req/s is one client's"
        )


def load_average():
    return Path("/proc/loadavg").read_text().strip()


def cpu_model():
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown CPU"


def gunicorn_version():
    import gunicorn

    return gunicorn.__version__


def stop_on_sigterm(signum, frame):
    # As an exception, so that gunicorn is stopped on the way out.
    sys.exit(128 + signum)


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, stop_on_sigterm)
    main()
