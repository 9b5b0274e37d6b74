"""The site's settings for `bench/pages.py`: the same site, plus a baseline view.

The baseline lives in `bench/urls.py`, so that production has no benchmark route.
`BENCH_STATIC_ROOT` lets a benchmark collect the static files (which pages need with
DEBUG off) into a directory of its own instead of the project's `staticfiles/`.
"""

import os

from shortscience.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"

if static_root := os.getenv("BENCH_STATIC_ROOT"):
    STATIC_ROOT = static_root
