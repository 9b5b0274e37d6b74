"""Putting load on a page for `bench/pages.py`: wrk, or requests one after another for
a page too slow for wrk to finish more than a handful in a run."""

import gzip
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request

LATENCY_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}
# As browsers do: pages that are kept compressed are then sent compressed.
ACCEPT_GZIP = {"Accept-Encoding": "gzip"}


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


def wrk_version(wrk):
    # `wrk -v` prints its version and exits with status 1.
    output = subprocess.run([wrk, "-v"], capture_output=True, text=True).stdout
    return output.split(" [")[0].strip() or "wrk"


def fetch(url, headers=None):
    """One request: (status, body as received, seconds). Raw unless `headers` ask for
    gzip; a gzipped body is returned as sent."""
    request = urllib.request.Request(url, headers=headers or {})
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=120) as response:
        body = response.read()
        status = response.status
    return status, body, time.perf_counter() - started


def page_sizes(url, headers=None):
    """(raw HTML, bytes sent with gzip accepted, seconds of the quicker request). The
    page must answer 200. The first request may fill the cache, and the machine's load
    may slow either: the quicker one says best what a request of the run will take."""
    status, raw, seconds = fetch(url, headers)
    status_gzip, sent, seconds_gzip = fetch(url, {**(headers or {}), **ACCEPT_GZIP})
    seconds = min(seconds, seconds_gzip)
    if status != 200 or status_gzip != 200:
        raise RuntimeError(f"{url} answered {status} / {status_gzip}")
    if raw[:2] == b"\x1f\x8b":
        # Asked for nothing compressed and got gzip anyway: measure the HTML.
        raw = gzip.decompress(raw)
    return raw, len(sent), seconds


def run_wrk(wrk, url, threads, connections, seconds, headers=None):
    """Requests per second, completed requests and latency percentiles (ms) from one
    run of wrk."""
    # wrk leaves answers slower than its timeout (2 s by default) out of the latencies.
    command = [wrk, f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "30s"]
    for name, value in {**ACCEPT_GZIP, **(headers or {})}.items():
        command += ["--header", f"{name}: {value}"]
    command += ["--latency", url]
    output = subprocess.run(
        command, capture_output=True, text=True, check=True, timeout=seconds + 60
    ).stdout
    rps = re.search(r"^Requests/sec:\s+([\d.]+)", output, re.MULTILINE)
    requests = re.search(r"^\s*(\d+) requests in ", output, re.MULTILINE)
    latency = dict(re.findall(r"^\s+(50|99)%\s+([\d.]+(?:us|ms|s))\s*$", output, re.MULTILINE))
    if not rps or not requests or set(latency) != {"50", "99"}:
        raise RuntimeError(f"unexpected output from wrk:\n{output}")
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(r"Socket errors: (.*)", output)
    return {
        "rps": float(rps.group(1)),
        "requests": int(requests.group(1)),
        "p50": to_ms(latency["50"]),
        "p99": to_ms(latency["99"]),
        "errors": int(errors.group(1)) if errors else 0,
        "socket_errors": socket_errors.group(1) if socket_errors else "",
        "sequential": False,
    }


def run_sequential(url, count, headers=None):
    """The same figures as `run_wrk` from `count` requests made one after another: for
    a page that takes seconds, where wrk's count would be a few requests and the ones
    it leaves in flight at its end would weigh on the CPU per request."""
    timings, errors = [], 0
    started = time.perf_counter()
    for _ in range(count):
        try:
            status, _, seconds = fetch(url, {**ACCEPT_GZIP, **(headers or {})})
        except urllib.error.HTTPError as error:
            status, seconds = error.code, 0.0
        errors += status >= 400
        timings.append(seconds * 1000)
    elapsed = time.perf_counter() - started
    return {
        "rps": count / elapsed,
        "requests": count,
        "p50": statistics.median(timings),
        "p99": max(timings),
        "errors": errors,
        "socket_errors": "",
        "sequential": True,
    }


def to_ms(text):
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()
    return float(number) * LATENCY_UNITS[unit]
