"""Time `manage.py import_papers` on a generated DBLP-like XML file, or arXiv-like JSON
lines with `--format arxiv`.

Run from the project root, against a migrated database:

    SECRET_KEY=bench scripts/with-postgres sh -c '.venv/bin/python manage.py migrate -v0 &&
        .venv/bin/python bench/import_papers.py --records 200000'

Prints papers per second for a first run (all created) and a second (all unchanged),
the CPU time each took in this process and in the database server (PostgreSQL on this
machine), the load average around each run (the machine may be shared), peak memory
and, on PostgreSQL, the size of the tables written. Target: 10,000 papers/s on
PostgreSQL.

On PostgreSQL it also times the floor: the rows the first run wrote (papers and their
search documents), copied out, then written back with one COPY a table and nothing
else into the same tables, emptied (TRUNCATE, in a transaction rolled back after). The
import's rates are given as a ratio to the floor's, which a busy machine slows about as
much as the import: the ratio is what to compare between runs of different code.

`--format arxiv` writes records as in arXiv's metadata snapshot, without abstracts (their
rendering would hide the rest), each with one to three categories, one in five of them
a category the site has no topic for: what the papers' topics cost (the floor is the
same two tables: the links are part of the import's cost).
"""

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from io import StringIO
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shortscience.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from papers.models import Paper  # noqa: E402


def write_records(path, count):
    # Written a record at a time: the file can be far larger than memory should be.
    with open(path, "w", encoding="utf-8") as stream:
        stream.write('<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE dblp SYSTEM "dblp.dtd">\n')
        stream.write("<dblp>\n")
        for i in range(count):
            stream.write(
                f'<inproceedings key="conf/bench/P{i}" mdate="2024-01-01">\n'
                f"<author>Ann M&uuml;ller</author>\n<author>Bo Chen 000{i % 3}</author>\n"
                f"<author>Carla Rossi</author>\n"
                f"<title>A study of benchmark record number {i} and its properties.</title>\n"
                f"<pages>{i % 900}-{i % 900 + 10}</pages>\n<year>{1990 + i % 35}</year>\n"
                f"<booktitle>BENCH</booktitle>\n"
                f"<ee>https://doi.org/10.5555/bench.{i}</ee>\n"
                f"<url>db/conf/bench/bench{i % 35}.html#P{i}</url>\n</inproceedings>\n"
            )
        stream.write("</dblp>\n")


# Categories of the arXiv records, in turn: known topics, and hep-th and math.AG, which
# are not among them.
ARXIV_CATEGORIES = ("cs.LG stat.ML", "cs.CV", "cs.CL cs.AI cs.LG", "hep-th", "math.AG cs.LG")


def write_arxiv_records(path, count):
    with open(path, "w", encoding="utf-8") as stream:
        for i in range(count):
            item = {
                # New-style ids, 90,000 a month from January 2015.
                "id": f"{15 + i // 1_080_000:02d}{1 + i // 90_000 % 12:02d}.{10_000 + i % 90_000}",
                "authors": "Ann Müller, Bo Chen, Carla Rossi",
                "authors_parsed": [
                    ["Müller", "Ann", ""],
                    ["Chen", "Bo", ""],
                    ["Rossi", "Carla", ""],
                ],
                "title": f"A study of benchmark record number {i} and its properties",
                "categories": ARXIV_CATEGORIES[i % len(ARXIV_CATEGORIES)],
                "update_date": f"{1990 + i % 35}-01-01",
            }
            stream.write(json.dumps(item, ensure_ascii=False) + "\n")


def process_cpu():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def server_cpu():
    """CPU seconds of this connection's server process so far, when it runs here and
    /proc shows it; None otherwise."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def timed_import(path):
    out = StringIO()
    load = os.getloadavg()[0]
    python, server = process_cpu(), server_cpu()
    started = time.perf_counter()
    call_command("import_papers", str(path), stdout=out, stderr=sys.stderr)
    seconds = time.perf_counter() - started
    python = process_cpu() - python
    server = server_cpu() - server if server is not None else None
    cpu = f"CPU {python:.1f} s here" + (f", {server:.1f} s in the server" if server else "")
    load = f"load average {load:.1f} → {os.getloadavg()[0]:.1f}"
    return seconds, out.getvalue().strip().splitlines()[-1], f"{cpu}; {load}"


# The tables the import writes, as the floor writes them back: every column, the search
# document's trigger computing its vector again as it does for the import.
FLOOR_TABLES = ("papers_paper", "search_document")


def timed_floor(directory):
    """Seconds and CPU cost of writing the import's rows with COPY alone (PostgreSQL)."""
    files = {table: Path(directory) / f"{table}.copy" for table in FLOOR_TABLES}
    with connection.cursor() as cursor:
        for table, path in files.items():
            with path.open("w", encoding="utf-8") as stream:
                cursor.copy_expert(f"COPY {table} TO STDOUT", stream)
    load = os.getloadavg()[0]
    python, server = process_cpu(), server_cpu()
    with transaction.atomic(), connection.cursor() as cursor:
        # Empty, in the state the first run found them; CASCADE for the tables referring
        # to papers, which the bench leaves empty. Rolled back below.
        cursor.execute(f"TRUNCATE {', '.join(FLOOR_TABLES)} CASCADE")
        started = time.perf_counter()
        for table, path in files.items():
            with path.open(encoding="utf-8") as stream:
                cursor.copy_expert(f"COPY {table} FROM STDIN", stream)
        # The deferred foreign-key checks, which the import's commits run.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        seconds = time.perf_counter() - started
        transaction.set_rollback(True)
    python = process_cpu() - python
    server = server_cpu() - server if server is not None else None
    cpu = f"CPU {python:.1f} s here" + (f", {server:.1f} s in the server" if server else "")
    load = f"load average {load:.1f} → {os.getloadavg()[0]:.1f}"
    return seconds, f"{cpu}; {load}"


def table_sizes():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, pg_total_relation_size(oid) FROM pg_class "
            "WHERE relname IN ('papers_paper', 'search_document') ORDER BY relname"
        )
        return ", ".join(f"{name} {size / 1e6:,.0f} MB" for name, size in cursor.fetchall())


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--format", choices=("dblp", "arxiv"), default="dblp")
    args = parser.parse_args(argv)
    prefix = "conf/bench/" if args.format == "dblp" else "journals/corr/"
    if Paper.objects.filter(bibtex_key__startswith=prefix).exists():
        sys.exit(f"The database already holds {prefix} papers: use a fresh one.")
    with tempfile.TemporaryDirectory() as directory:
        started = time.perf_counter()
        if args.format == "dblp":
            path = Path(directory) / "dblp.xml"
            write_records(path, args.records)
        else:
            path = Path(directory) / "arxiv.jsonl"
            write_arxiv_records(path, args.records)
        size = path.stat().st_size / 1e6
        seconds = time.perf_counter() - started
        print(f"wrote {args.records:,} records ({size:,.0f} MB) in {seconds:.1f} s")
        rates = {}
        for label in ("first run", "second run"):
            seconds, tally, cost = timed_import(path)
            rates[label] = args.records / seconds
            print(f"{label}: {seconds:.1f} s, {rates[label]:,.0f} papers/s — {tally}")
            print(f"    {cost}")
        if connection.vendor == "postgresql":
            seconds, cost = timed_floor(directory)
            floor = args.records / seconds
            print(f"floor (COPY of the same rows alone): {seconds:.1f} s, {floor:,.0f} papers/s")
            print(f"    {cost}")
            for label, rate in rates.items():
                print(f"{label}: {rate / floor:.2f} × the floor's rate")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (ru_maxrss): {peak:,.0f} MB")
    if connection.vendor == "postgresql":
        print(f"tables with their indexes: {table_sizes()}")


if __name__ == "__main__":
    main()
