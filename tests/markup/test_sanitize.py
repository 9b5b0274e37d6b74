"""bleach over user HTML: tags, attributes, classes and URLs outside the allowlist go."""

import re

import pytest

from markup.render import FLAVORS, render

from .helpers import urls


@pytest.mark.parametrize("flavor", FLAVORS)
def test_script_and_handlers_are_neutralized(flavor):
    html = render(
        '<script>alert(1)</script>\n\n<img src="x" onerror="alert(2)">\n\n'
        '<a href="javascript:alert(3)" onclick="alert(4)">x</a> <div style="position:fixed">y</div>'
        " <svg onload=alert(5)></svg> <math><mi>z</mi></math> <iframe src=x></iframe>",
        flavor=flavor,
    )
    assert "<script" not in html
    assert "<svg" not in html and "<math" not in html and "<iframe" not in html
    assert not re.search(r"<[^>]*\bon\w+=", html)
    assert "javascript:" not in html
    assert "style=" not in html


@pytest.mark.parametrize(
    "text",
    [
        "[x](javascript:alert(1))",
        "[x](JaVaScRiPt:alert(1))",
        "[x]( javascript:alert(1))",
        "[x](data:text/html;base64,PHNjcmlwdD4=)",
        "<javascript:alert(1)>",
        "![x](javascript:alert(1))",
        "[x]($javascript:alert(1)$)",
        "[x](javascript$:alert(1)$)",
        "[x](\\cite{javascript:alert(1)})",
        "[x](javascript\\cite{a}:alert(1))",
        # A scheme that bleach's own URL parser reads as a path with a port.
        "[x](javascript:123)",
        '<a href="javascript:123">x</a>',
        '<a href="java&#115;cript:123">x</a>',
        '<a href=" JavaScript:123">x</a>',
    ],
)
def test_dangerous_urls_are_dropped(text):
    html = render(text)
    for url in urls(html):
        assert not re.match(r"\s*[a-z][a-z0-9+.-]*:", url, re.I) or url.startswith("http")


def test_sanitizing_can_be_turned_off_for_the_xss_tests():
    assert "<script>" in render("<script>alert(1)</script>", sanitize=False)


@pytest.mark.parametrize(
    ("written", "kept"),
    [
        ('<a class="footnote-ref" href="#x">a</a>', 'class="footnote-ref"'),
        ('<a class="citation" href="/paper/x/">a</a>', 'class="citation"'),
        ('<a class="citation citation-unknown" href="/x">a</a>', 'class="citation citation-'),
        ('<span class="citation citation-invalid">a</span>', 'class="citation citation-'),
        ('<span class="k">a</span>', 'class="k"'),
        ('<div class="highlight">a</div>', 'class="highlight"'),
        ('<img src="https://e.org/a.png" class="summary-image" loading="lazy">', "summary-image"),
    ],
)
def test_classes_rendering_produces_are_allowed(written, kept):
    assert kept in render(written)


@pytest.mark.parametrize(
    "written",
    [
        '<a class="position-fixed" href="/x">a</a>',
        '<a class="citation-unknown" href="/x">a</a>',
        '<a class="citation fixed-top" href="/x">a</a>',
        '<span class="citation">a</span>',
        '<span class="citation-invalid">a</span>',
        '<div class="citation">a</div>',
        '<img src="https://e.org/a.png" class="citation">',
        '<img src="https://e.org/a.png" loading="eager">',
        '<p class="summary-image">a</p>',
    ],
)
def test_other_classes_are_dropped(written):
    html = render(written)
    assert "class=" not in html and "loading=" not in html


def test_raw_citation_class_does_not_spare_outside_links_their_rel():
    for href in ("https://spam.example/", "//spam.example/", "/\\spam.example/"):
        html = render(f'<a class="citation" href="{href}">cheap pills</a>')
        assert 'rel="nofollow ugc noopener"' in html


def test_raw_headings_above_the_summary_outline_are_text():
    html = render("<h1>Big</h1>\n\n<h2>Less</h2>\n\n<h3>Fine</h3>")
    assert "<h1>" not in html and "<h2>" not in html
    assert "&lt;h1&gt;Big&lt;/h1&gt;" in html
    assert "<h3>Fine</h3>" in html


# --- What rendering adds: video previews and task lists ---------------------------------

YOUTUBE = "https://youtu.be/dQw4w9WgXcQ"


@pytest.mark.parametrize("flavor", FLAVORS)
def test_stored_html_never_holds_a_frame_or_script(flavor):
    html = render(
        f"{YOUTUBE}\n\nhttps://vimeo.com/76979871\n\n- [x] done\n\n"
        '<iframe src="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"></iframe>\n\n'
        '<script src="/static/js/video.js"></script>',
        flavor=flavor,
    )
    assert "<iframe" not in html and "<script" not in html and "<input" not in html


@pytest.mark.parametrize(
    "written",
    [
        '<span data-video="youtube" data-video-id="dQw4w9WgXcQ">x</span>',
        '<a href="https://example.org/" data-video="youtube" data-video-id="dQw4w9WgXcQ">x</a>',
        '<a class="video-preview" href="https://example.org/">x</a>',
        '<a class="video-preview" href="https://youtu.be/dQw4w9WgXcQ.evil">x</a>',
        '<a class="video-preview" href="javascript:alert(1)//youtu.be/dQw4w9WgXcQ">x</a>',
        '<div data-bs-toggle="modal" data-bs-target="#x">x</div>',
        "<p data-theme-toggle>x</p>",
    ],
)
def test_forged_data_attributes_are_stripped(written):
    html = render(written)
    assert "data-" not in html and "video-preview" not in html


def test_a_written_preview_gets_only_what_its_own_address_says():
    # The data attributes come from the link's address after sanitizing, never from the
    # text: a written preview of a real video is the same as writing its address.
    html = render(
        '<a class="video-preview" href="https://youtu.be/dQw4w9WgXcQ" '
        'data-video="vimeo" data-video-id="1">x</a>'
    )
    assert 'data-video="youtube" data-video-id="dQw4w9WgXcQ"' in html
    assert 'data-video="vimeo"' not in html and 'data-video-id="1"' not in html


def test_comments_allow_no_preview_classes():
    html = render(
        f'<a class="video-preview" href="{YOUTUBE}">x</a> <span class="video-play">y</span>',
        flavor="comment",
    )
    assert "video-" not in html and "data-" not in html


@pytest.mark.parametrize(
    "written",
    [
        '<ul class="task-list fixed-top"><li class="task-list-item x">a</li></ul>',
        '<p class="task-list">a</p>',
        '<li class="summary-image">a</li>',
    ],
)
def test_task_list_classes_only_where_rendering_puts_them(written):
    assert "class=" not in render(written)
