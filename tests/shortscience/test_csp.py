"""The Content-Security-Policy header, and templates that need nothing it forbids."""

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings

from markup.links import VIDEO_EMBEDS

pytestmark = pytest.mark.django_db

EXPECTED = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "style-src-elem": "'self'",
    "style-src-attr": "'unsafe-inline'",
    "img-src": "'self' data: https:",
    "font-src": "'self' data:",
    "connect-src": "'self'",
    "form-action": "'self'",
    "frame-src": "https://www.youtube-nocookie.com https://player.vimeo.com",
    "frame-ancestors": "'none'",
    "base-uri": "'none'",
    "object-src": "'none'",
}


def directives(response):
    policy = response["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())


@pytest.mark.parametrize("url", ["/", "/no-such-page/", "/accounts/login/"])
def test_pages_carry_the_policy(client, url):
    assert directives(client.get(url)) == EXPECTED


def test_frames_only_the_video_players_origins():
    # What static/js/video.js frames, and nothing else: no page of ours frames anything.
    origins = {f"{urlsplit(url).scheme}://{urlsplit(url).netloc}" for url in VIDEO_EMBEDS.values()}
    assert set(EXPECTED["frame-src"].split()) == origins


def test_other_security_headers(client):
    response = client.get("/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


# What a policy without 'unsafe-inline' for scripts and style elements would block.
# JSON-LD is data, not script, and is not subject to the policy.
INLINE = [
    (re.compile(r"<script\b(?![^>]*\bsrc=)(?![^>]*application/ld\+json)", re.I), "inline script"),
    (re.compile(r"<style\b", re.I), "<style> element"),
    (re.compile(r"\sstyle\s*=", re.I), "style attribute"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "event handler attribute"),
    (re.compile(r"javascript:", re.I), "javascript: URL"),
]


def test_templates_have_no_inline_script_or_style():
    found = []
    for directory in settings.TEMPLATES[0]["DIRS"]:
        for path in sorted(Path(directory).rglob("*.html")):
            text = path.read_text()
            for pattern, what in INLINE:
                for match in pattern.finditer(text):
                    line = text.count("\n", 0, match.start()) + 1
                    found.append(f"{path.relative_to(directory)}:{line}: {what}")
    assert not found, "\n".join(found)
