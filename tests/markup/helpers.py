"""Shared by the markup tests."""

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def katex_count(html):
    return html.count('<span class="katex">')


def visible(html):
    """The HTML without KaTeX's MathML, whose <annotation> repeats the TeX source."""
    return re.sub(r'<span class="katex-mathml">.*?</math></span>', "", html, flags=re.S)


def urls(html):
    return re.findall(r'(?:href|src)="([^"]*)"', html)


def run_python(code, timeout=60, env=None):
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
