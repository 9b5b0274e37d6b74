"""Time `manage.py import_papers` on a generated DBLP-like XML file.

Run from the project root, against a migrated database:

    SECRET_KEY=bench scripts/with-postgres sh -c '.venv/bin/python manage.py migrate -v0 &&
        .venv/bin/python bench/import_papers.py --records 200000'

Prints papers per second for a first run (all created) and a second (all unchanged),
and peak memory. Target: 10,000 papers/s on PostgreSQL.
"""

import argparse
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


def timed_import(path):
    out = StringIO()
    started = time.perf_counter()
    call_command("import_papers", str(path), stdout=out, stderr=sys.stderr)
    return time.perf_counter() - started, out.getvalue().strip().splitlines()[-1]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    args = parser.parse_args()
    if Paper.objects.filter(bibtex_key__startswith="conf/bench/").exists():
        sys.exit("The database already holds conf/bench/ papers: use a fresh one.")
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "dblp.xml"
        started = time.perf_counter()
        write_records(path, args.records)
        size = path.stat().st_size / 1e6
        seconds = time.perf_counter() - started
        print(f"wrote {args.records:,} records ({size:,.0f} MB) in {seconds:.1f} s")
        for label in ("first run", "second run"):
            seconds, tally = timed_import(path)
            print(f"{label}: {seconds:.1f} s, {args.records / seconds:,.0f} papers/s — {tally}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (ru_maxrss): {peak:,.0f} MB")


if __name__ == "__main__":
    main()
