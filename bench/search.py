"""Time search on PostgreSQL over a large generated catalogue.

    scripts/with-postgres .venv/bin/python bench/search.py                  # 1M papers
    scripts/with-postgres .venv/bin/python bench/search.py --papers 20000 --summaries 2000

Needs an empty PostgreSQL database (scripts/with-postgres makes a fresh one): it applies
the migrations, fills the tables with generated text in SQL, lets the search trigger
compute the vectors, builds the GIN index, then runs a fixed mix of queries through the
search view's own code (`search.views._search`, paginated, with snippets: the page's
count query and its results query) and prints latency percentiles. Target: p95 of
50 ms or less.
"""

import argparse
import os
import random
import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shortscience.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key")

import django  # noqa: E402

django.setup()

import psycopg2  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import RequestFactory  # noqa: E402

from bench.search_corpus import (  # noqa: E402
    CREATE_FUNCTIONS,
    DROP_FUNCTIONS,
    FIRST_NAMES,
    INSERT_COMMENTS,
    INSERT_DOCUMENTS,
    INSERT_PAPERS,
    INSERT_SUMMARIES,
    LAST_NAMES,
    SUFFIXES,
    TITLE_SKIP,
    VENUES,
    VOCABULARY,
)
from search import views  # noqa: E402
from search.text import clean_query, parse_query  # noqa: E402

BATCH = 20_000
WORKERS = 2


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, default=1_000_000)
    parser.add_argument("--summaries", type=int, default=100_000)
    parser.add_argument("--comments", type=int, default=None, help="default: summaries / 2")
    parser.add_argument("--users", type=int, default=2_000)
    parser.add_argument("--rounds", type=int, default=3, help="times the query mix is run")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--queries-only",
        action="store_true",
        help="run the queries on the catalogue a previous run generated in this database",
    )
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("bench/search.py needs PostgreSQL: run it under scripts/with-postgres")
    comments = args.summaries // 2 if args.comments is None else args.comments

    if not args.queries_only:
        started = time.perf_counter()
        call_command("migrate", verbosity=0)
        generate(args.papers, min(args.summaries, args.papers), comments, args.users)
        print(f"generated and indexed in {time.perf_counter() - started:.0f} s")
    report_sizes()
    run_queries(args.rounds, random.Random(args.seed))


def generate(papers, summaries, comments, users):
    with connection.cursor() as cursor:
        cursor.execute("SELECT EXISTS (SELECT 1 FROM papers_paper)")
        if cursor.fetchone()[0]:
            sys.exit("the database already has papers: bench/search.py needs an empty one")
        cursor.execute(CREATE_FUNCTIONS)
        # Users by the thousand, with unusable passwords: nobody logs in as them.
        cursor.execute(
            "INSERT INTO accounts_user (id, password, is_superuser, username, first_name, "
            "last_name, email, is_staff, is_active, date_joined, display_name, bio, "
            "bio_html, bio_renderer_version, orcid, notify_on_comment, notify_on_reply, "
            "public_summary_count, public_comment_count) "
            "SELECT g, '!', false, 'bench' || g, '', '', '', false, true, now(), '', '', "
            "'', 0, '', true, true, 0, 0 "
            "FROM generate_series(1, %s) AS g",
            [users],
        )
        # Loading first and indexing afterwards is much faster than keeping the GIN
        # index up to date row by row.
        cursor.execute("DROP INDEX search_document_vector_gin")
    params = {
        "words": VOCABULARY,
        "suffixes": SUFFIXES,
        "title_skip": TITLE_SKIP,
        "firsts": FIRST_NAMES,
        "lasts": LAST_NAMES,
        "venues": VENUES,
        "venue_count": len(VENUES),
        "papers": papers,
        "summaries": max(summaries, 1),
        "users": users,
    }
    timed("papers", lambda: in_parallel(INSERT_PAPERS, papers, params))
    timed("summaries", lambda: in_parallel(INSERT_SUMMARIES, summaries, params))
    timed("comments", lambda: in_parallel(INSERT_COMMENTS, comments, params))
    for name, total in (("papers", papers), ("summaries", summaries), ("comments", comments)):
        sql = INSERT_DOCUMENTS[name]
        timed(f"documents of {name}", lambda sql=sql, total=total: in_parallel(sql, total, params))
    with connection.cursor() as cursor:
        cursor.execute(DROP_FUNCTIONS)
        for table in ("accounts_user", "papers_paper", "summaries_summary", "summaries_comment"):
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT coalesce(max(id), 1) FROM {table}))"
            )

        def build_index():
            cursor.execute("SET maintenance_work_mem = '1GB'")
            cursor.execute(
                "CREATE INDEX search_document_vector_gin ON search_document "
                "USING gin (search_vector)"
            )

        timed("GIN index", build_index)
        timed("vacuum analyze", lambda: cursor.execute("VACUUM ANALYZE"))


def in_parallel(sql, total, params, batch=BATCH):
    """Run the statement over ids 1..total in batches, on WORKERS connections at once."""
    batches = [(start, min(start + batch - 1, total)) for start in range(1, total + 1, batch)]
    lock = threading.Lock()
    errors = []

    def work():
        db = psycopg2.connect(**connection.get_connection_params())
        db.autocommit = True
        try:
            with db.cursor() as cursor:
                while not errors:
                    with lock:
                        if not batches:
                            return
                        start, stop = batches.pop(0)
                    cursor.execute(sql, {**params, "start": start, "stop": stop})
        except Exception as error:  # reported by the main thread
            errors.append(error)
        finally:
            db.close()

    threads = [threading.Thread(target=work) for _ in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]


def timed(label, step):
    started = time.perf_counter()
    step()
    print(f"  {label}: {time.perf_counter() - started:.1f} s", flush=True)


def report_sizes():
    with connection.cursor() as cursor:
        cursor.execute("SELECT kind, count(*) FROM search_document GROUP BY kind ORDER BY kind")
        counts = ", ".join(f"{kind} {count}" for kind, count in cursor.fetchall())
        cursor.execute(
            "SELECT pg_size_pretty(pg_total_relation_size('search_document')), "
            "pg_size_pretty(pg_relation_size('search_document_vector_gin'))"
        )
        table, index = cursor.fetchone()
    print(f"documents: {counts}; table with TOAST and indexes {table}, GIN index {index}")


def term(rank):
    """Term number `rank` (from 1) of the generated text, as bench_text makes it."""
    if rank <= len(VOCABULARY):
        return VOCABULARY[rank - 1]
    word, suffix = divmod(rank - len(VOCABULARY) - 1, len(SUFFIXES))
    return VOCABULARY[word] + SUFFIXES[suffix]


def query_mix(rng, titles):
    """(category, query, venue, year) tuples: words drawn by how common they are, and
    words of real titles, as people search for a paper they have in mind.

    In the generated text "common" words are in about 21-67% of documents, "mid" ones
    in 2-21%, "rare" ones in 0.04-2%.
    """
    vocabulary_size = len(VOCABULARY) * (len(SUFFIXES) + 1)

    def common():
        return term(rng.randrange(10, 50))

    def mid():
        return term(rng.randrange(50, 500))

    def rare():
        # Uniform in log(rank), so rare real words and compounds both come up.
        return term(int(500 * (vocabulary_size / 500) ** rng.random()))

    def venue():
        return rng.choice(VENUES[:8])

    def title_words(count):
        words = rng.choice(titles).lower().split()
        start = rng.randrange(max(1, len(words) - count + 1))
        return " ".join(words[start : start + count])

    def misspelt():
        """A word of a real title with one letter dropped, as typed in a hurry: found
        nowhere, so the page looks for a spelling suggestion and searches it too."""
        words = [word for word in rng.choice(titles).lower().split() if len(word) >= 6]
        word = rng.choice(words or ["attention"])
        letter = rng.randrange(1, len(word) - 1)
        return word[:letter] + word[letter + 1 :]

    mix = []
    for _ in range(20):
        mix += [
            ("one rare word", rare(), "", None),
            ("one mid word", mid(), "", None),
            ("one common word", common(), "", None),
            ("two words", f"{mid()} {rare()}", "", None),
            ("two words", f"{common()} {mid()}", "", None),
            ("title words", title_words(4), "", None),
            ("title phrase", f'"{title_words(3)}"', "", None),
            ("phrase", f'"{mid()} {rare()}"', "", None),
            # Every document with all three words is read to check their order.
            ("common phrase", f'"{common()} {common()} {common()}"', "", None),
            ("misspelt word", misspelt(), "", None),
            ("OR", f"{rare()} OR {rare()}", "", None),
            ("-word", f"{mid()} -{common()}", "", None),
            ("author", rng.choice(LAST_NAMES), "", None),
            ("venue filter", mid(), venue(), None),
            ("year filter", rare(), "", rng.randrange(2010, 2025)),
            ("both filters", common(), venue(), rng.randrange(2015, 2025)),
        ]
    return mix


def run_queries(rounds, rng):
    with connection.cursor() as cursor:
        # Titles of papers spread over the table, for the title queries.
        cursor.execute("SELECT title FROM papers_paper WHERE id % 997 = 0 ORDER BY id")
        titles = [title for (title,) in cursor.fetchall()]
    mix = query_mix(rng, titles)
    factory = RequestFactory()
    timings = {}
    slowest = []
    for round_number in range(rounds + 1):
        for category, query, venue, year in mix:
            request = factory.get("/search", {"q": query, "venue": venue, "year": year or ""})
            started = time.perf_counter()
            count = run_search(request, query, venue, year)
            elapsed = (time.perf_counter() - started) * 1000
            # The first round warms the caches and is not counted.
            if round_number:
                timings.setdefault(category, []).append(elapsed)
                slowest.append((elapsed, query, venue, year, count))

    everything = sorted(t for times in timings.values() for t in times)
    print(f"\n{len(everything)} searches ({len(mix)} queries x {rounds} rounds), in ms:")
    print(f"{'':16} {'p50':>7} {'p95':>7} {'max':>7}")
    for category, times in timings.items():
        print(f"{category:16} {percentiles(sorted(times))}")
    print(f"{'all':16} {percentiles(everything)}")
    print("\nslowest:")
    for elapsed, query, venue, year, count in sorted(slowest, reverse=True)[:5]:
        filters = " ".join(f"{k}={v}" for k, v in (("venue", venue), ("year", year)) if v)
        print(f"  {elapsed:7.1f} ms  {query} {filters}  ({count} results)")


def run_search(request, query, venue, year):
    """What the view does for the results: count, the page of ten, their snippets, and
    for a query that finds little a spelling suggestion (and its results)."""
    query = clean_query(query)
    parsed = parse_query(query)
    documents, suggestion, corrected = views._search(query, parsed, venue=venue, year=year)
    page = views.paginate(request, documents, views.PAGE_SIZE)
    views._add_snippets(page, parse_query(suggestion.query) if corrected else parsed)
    return page.paginator.count


def percentiles(times):
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    return f"{statistics.median(times):7.1f} {p95:7.1f} {times[-1]:7.1f}"


if __name__ == "__main__":
    main()
