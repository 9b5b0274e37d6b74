"""The bounded-cost targets `bench/pages.py` checks, at 100,000 summaries on PostgreSQL.

CPU time per request is that of the app server, the database server and the cache
server together (bench/cpu.py), with fragment caching off: what a page costs when its
cache has nothing, which every page does after a write. HTML sizes are raw
(uncompressed), with the adversarial summary (bench/adversarial.py) in the data.
"""

from bench import pagelist as p

# (what, page, at most CPU ms per request)
CPU_MS = [
    ("Homepage, visitor", p.HOMEPAGE, 6),
    ("Homepage, logged-in reader", p.READER_HOMEPAGE, 6),
    ("Paper page with 5 summaries", p.PAPER, 10),
    ("Busiest paper page", p.BUSIEST_PAPER, 25),
    ("Profile of the most prolific author", p.PROFILE, 10),
    ("Search", p.SEARCH, 15),
]
# Stretch: the homepage's requests per second at least this share of the empty page's.
EMPTY_PAGE_SHARE = [
    ("Homepage, visitor: req/s vs empty page (stretch)", p.HOMEPAGE, 0.5),
    ("Homepage, reader: req/s vs empty page (stretch)", p.READER_HOMEPAGE, 0.5),
]
# The deepest page of the homepage, CPU per request at most this many times page 1's.
# Page 1 carries the adversarial summary, whose weight would hide what paging deep
# costs, so the deepest page must also be within this of page 2 (ordinary summaries).
DEEPEST_RATIO = 2
# Every listing page's HTML, whatever users wrote.
HTML_KB = 300
LISTINGS = [
    p.HOMEPAGE,
    p.READER_HOMEPAGE,
    p.SECOND,
    p.DEEPEST,
    p.PAPER,
    p.BUSIEST_PAPER,
    p.PROFILE,
    p.VENUE,
    p.SEARCH,
    p.FEED,
]
# The page throughput targets of the first version of this benchmark: the homepage's
# req/s against the minimal view's, uncached and cached. Still printed, for comparison
# with earlier runs.
BASELINE_SHARE = {"uncached": 0.60, "cached": 0.90}


# The uncached figures of each target before the work on bounded cost (commit 50c726e,
# same machine and data, `make bench`), printed beside today's.
BEFORE = {
    "Homepage, visitor: CPU per request": "134.3 ms",
    "Homepage, logged-in reader: CPU per request": "101.0 ms",
    "Paper page with 5 summaries: CPU per request": "30.9 ms",
    "Busiest paper page: CPU per request": "383.7 ms",
    "Profile of the most prolific author: CPU per request": "70.0 ms",
    "Search: CPU per request": "46.8 ms",
    "Homepage, visitor: req/s vs empty page (stretch)": "0%",
    "Homepage, reader: req/s vs empty page (stretch)": "1%",
    "Homepage's deepest page: CPU vs page 1": "14.6x",
    "Homepage's deepest page: CPU vs page 2": "31.9x",
    f"HTML of {p.HOMEPAGE}": "3,503 KB",
    f"HTML of {p.READER_HOMEPAGE}": "3,504 KB",
    f"HTML of {p.SECOND}": "248 KB",
    f"HTML of {p.DEEPEST}": "186 KB",
    f"HTML of {p.PAPER}": "183 KB",
    f"HTML of {p.BUSIEST_PAPER}": "6,442 KB",
    f"HTML of {p.PROFILE}": "3,469 KB",
    f"HTML of {p.VENUE}": "29 KB",
    f"HTML of {p.SEARCH}": "15 KB",
    f"HTML of {p.FEED}": "1,273 KB",
}


def cpu_text(row):
    if row is None:
        return "-"
    share = row["cpu"]
    parts = f"app {share['app']:.1f} + db {share.get('database', 0):.1f}"
    if "cache" in share:
        parts += f" + cache {share['cache']:.1f}"
    return f"{share['total']:.1f} ms ({parts})"


def rows(results):
    """(target, goal, uncached figure, met?, cached figure) for each target."""
    uncached, cached = results["uncached"], results.get("cached", {})
    out = []
    for label, name, limit in CPU_MS:
        if name in uncached:
            total = uncached[name]["cpu"]["total"]
            out.append(
                (f"{label}: CPU per request", f"<= {limit} ms", cpu_text(uncached[name]),
                 total <= limit, cpu_text(cached.get(name)))
            )  # fmt: skip
    for label, name, share in EMPTY_PAGE_SHARE:
        if name in uncached:
            ratio = empty_share(uncached, name)
            # A page too slow for wrk had one client, the empty page four: not alike.
            one_client = " (one client)" if uncached[name].get("sequential") else ""
            out.append(
                (label, f">= {share:.0%}", f"{ratio:.0%}{one_client}", ratio >= share,
                 f"{empty_share(cached, name):.0%}" if name in cached else "-")
            )  # fmt: skip
    for first in (p.HOMEPAGE, p.SECOND):
        if p.DEEPEST in uncached and first in uncached:
            ratio = deepest_ratio(uncached, first)
            out.append(
                (f"Homepage's deepest page: CPU vs {'page 1' if first == p.HOMEPAGE else first}",
                 f"<= {DEEPEST_RATIO}x",
                 f"{ratio:.1f}x ({uncached[p.DEEPEST]['cpu']['total']:.1f} ms)",
                 ratio <= DEEPEST_RATIO,
                 f"{deepest_ratio(cached, first):.1f}x" if p.DEEPEST in cached else "-")
            )  # fmt: skip
    for name in LISTINGS:
        if name in uncached:
            kb = uncached[name]["raw"] / 1024
            out.append(
                (f"HTML of {name}", f"<= {HTML_KB} KB", f"{kb:,.0f} KB", kb <= HTML_KB,
                 f"{cached[name]['raw'] / 1024:,.0f} KB" if name in cached else "-")
            )  # fmt: skip
    return out


def empty_share(results, name):
    return results[name]["rps"] / results[p.EMPTY]["rps"]


def deepest_ratio(results, first):
    return results[p.DEEPEST]["cpu"]["total"] / results[first]["cpu"]["total"]


def print_targets(results, baseline_reference, summaries):
    print(
        f"\nTargets, set at 100,000 summaries (this run: {summaries:,}); figures of the "
        "uncached pass, the cached pass's beside"
    )
    table = rows(results)
    widths = [max(len(str(row[i])) for row in table) for i in (0, 1, 2)]
    before_width = max(len(text) for text in BEFORE.values())
    header = ("target", "goal", "before", "measured", "verdict", "cached")
    print(
        f"{header[0]:<{widths[0]}}  {header[1]:<{widths[1]}}  {header[2]:<{before_width}}  "
        f"{header[3]:<{widths[2]}}  {header[4]:<7}  {header[5]}"
    )
    for target, goal, measured, met, cached in table:
        verdict = "met" if met else "MISSED"
        before = BEFORE.get(target, "-")
        print(
            f"{target:<{widths[0]}}  {goal:<{widths[1]}}  {before:<{before_width}}  "
            f"{measured:<{widths[2]}}  {verdict:<7}  {cached}"
        )
    missed = sum(not row[3] for row in table)
    print(f"{len(table) - missed} of {len(table)} targets met.")
    for mode, share in BASELINE_SHARE.items():
        if mode in results:
            ratio = results[mode][p.HOMEPAGE]["rps"] / baseline_reference(results[mode])
            verdict = "met" if ratio >= share else "missed"
            print(
                f"Earlier target, homepage {mode}: {ratio:.0%} of the minimal view's req/s "
                f"(target {share:.0%}): {verdict}"
            )
