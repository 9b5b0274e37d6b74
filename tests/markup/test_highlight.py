"""The vendored Pygments stylesheet is what the installed Pygments makes."""

from importlib.metadata import distribution
from pathlib import Path

import pygments
from pygments.styles import get_all_styles

from markup.highlight import DARK_STYLE, LIGHT_STYLE, pygments_css

VENDOR = Path(__file__).resolve().parents[2] / "static" / "vendor" / "pygments"


def test_vendored_css_is_current():
    # On failure (after a Pygments upgrade, say), regenerate with the command in the
    # file's header comment.
    assert (VENDOR / "pygments.css").read_text(encoding="utf-8") == pygments_css()


def test_vendored_version_and_license():
    assert (VENDOR / "VERSION").read_text().strip() == pygments.__version__
    license_text = distribution("pygments").read_text("licenses/LICENSE")
    assert license_text and (VENDOR / "LICENSE").read_text(encoding="utf-8") == license_text


def test_styles_exist():
    assert {LIGHT_STYLE, DARK_STYLE} <= set(get_all_styles())


def test_dark_rules_apply_in_dark_mode_only():
    css = pygments_css()
    header, _, rest = css.partition("*/\n")
    assert f"Pygments {pygments.__version__}" in header
    assert LIGHT_STYLE in header and DARK_STYLE in header
    assert "from markup.highlight import pygments_css" in header
    light, _, dark = rest.partition("/* Dark colour mode */\n")
    assert ".highlight .k {" in light
    rules = dark.strip().splitlines()
    assert rules and all(r.startswith("[data-bs-theme=dark] .highlight") for r in rules)
