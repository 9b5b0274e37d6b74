"""Placeholder: replaced by the full pipeline (Markdown + KaTeX + bleach)."""

import html

RENDERER_VERSION = 0


def render(text, *, flavor="summary"):
    return "<p>" + html.escape(text) + "</p>"
