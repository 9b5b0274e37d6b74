"""The production settings, for the gunicorn that bench/fault.py starts.

The one change: static files are collected into a directory of the run's own
(`FAULT_STATIC_ROOT`), not into the working tree's staticfiles/, which `make serve`
and other runs on the same checkout would be writing at the same time.
"""

import os

from shortscience.settings import *  # noqa: F403

STATIC_ROOT = os.environ["FAULT_STATIC_ROOT"]
