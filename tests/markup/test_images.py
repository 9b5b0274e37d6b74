"""Images: Markdown images, and bare image URLs wherever they stand, in summaries and abstracts."""

import re
from urllib.parse import unquote, urlsplit

import pytest

from markup.render import render

from .helpers import urls

URL = "https://example.com/figures/fig1.png"
REL = 'rel="nofollow ugc noopener"'


def shown(url):
    # bleach writes attributes in alphabetical order; the image is the link's only
    # content, so its alt text (the file's name) names the link.
    name = unquote(urlsplit(url.replace("&amp;", "&")).path.rsplit("/", 1)[-1])
    return (
        f'<a href="{url}" {REL}><img alt="Image: {name}" class="summary-image" '
        f'loading="lazy" src="{url}"></a>'
    )


def linked(url):
    return f'<a href="{url}" {REL}>{url}</a>'


@pytest.mark.parametrize("flavor", ["summary", "abstract"])
def test_image_url_as_its_own_paragraph_shows_the_image(flavor):
    html = render(f"Before.\n\n{URL}\n\nAfter.", flavor=flavor)
    assert f"<p>{shown(URL)}</p>" in html


@pytest.mark.parametrize(
    "url",
    [
        "http://example.com/a.png",
        "https://example.com/a.jpg",
        "https://example.com/a.jpeg",
        "https://example.com/a.gif",
        "https://example.com/a.webp",
        "https://example.com/a.svg",
        "https://example.com/deep/path/A.PNG",
        "https://example.com/a.JpEg",
        "https://example.com/a.png?raw=true",
        "https://example.com/a.png?w=800&h=600",
        "https://example.com:8443/a_b-c~d/%20e.gif",
        "https://raw.githubusercontent.com/u/r/main/fig.svg?sanitize=true",
    ],
)
def test_image_extensions_and_query_strings(url):
    html = render(url)
    assert shown(url.replace("&", "&amp;")) in html


def test_image_url_on_a_line_by_itself_inside_a_paragraph():
    html = render(f"The architecture:\n{URL}\nAs drawn above.")
    assert f"<p>The architecture:\n{shown(URL)}\nAs drawn above.</p>" in html


def test_image_url_after_a_hard_line_break():
    html = render(f"*The architecture:*  \n{URL}")
    assert f"<br>\n{shown(URL)}" in html or f"<br>{shown(URL)}" in html


def test_several_image_lines():
    other = "https://example.com/fig2.jpg"
    html = render(f"{URL}\n{other}\n\n> {URL}")
    assert html.count("<img") == 3
    assert shown(other) in html


@pytest.mark.parametrize(
    ("text", "before", "after"),
    [
        (f"See {URL} for the figure.", "<p>See ", " for the figure.</p>"),
        (f"See {URL}", "<p>See ", "</p>"),
        (f"{URL} shows it.", "<p>", " shows it.</p>"),
        (f"*Figure:* {URL}", "<p><em>Figure:</em> ", "</p>"),
        (f"{URL} *(figure)*", "<p>", " <em>(figure)</em></p>"),
        (f"Figure: {URL}\nnext line", "<p>Figure: ", "\nnext line</p>"),
        # Punctuation after the address belongs to the sentence, as on GitHub.
        (f"See {URL}.", "<p>See ", ".</p>"),
        (f"(see {URL})", "<p>(see ", ")</p>"),
        (f"Figures: {URL}, {URL}; and more", "<p>Figures: ", ", "),
        (f"**Figure {URL}**", "<p><strong>Figure ", "</strong></p>"),
    ],
)
def test_image_url_inside_a_sentence_shows_the_image(text, before, after):
    # The original site (marked) turned any bare image link into the image.
    html = render(text)
    assert f"{before}{shown(URL)}{after}" in html


def test_image_url_glued_to_a_word_stays_text():
    html = render(f"x{URL}")
    assert "<img" not in html


def test_image_url_with_balanced_parentheses_keeps_them():
    url = "https://example.com/File:Plot_(log).png"
    html = render(f"({url})")
    assert f"<p>({shown(url)})</p>" in html


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com/paper.pdf",
        "https://example.com/a.png.html",
        "https://example.com/a.pngx",
        "https://example.com?f=a.png",
        "https://example.com/a?f=b.png",
        "https://example.com/a.png#frag",
        "https://example.com/a.png/",
    ],
)
def test_other_urls_alone_on_a_line_stay_links(url):
    html = render(url)
    assert "<img" not in html
    assert linked(url) in html


@pytest.mark.parametrize(
    "text",
    [
        "javascript:alert(1)//x.png",
        "javascript:alert(1)//example.com/x.png",
        "JAVASCRIPT://example.com/x.png",
        "data:image/png;base64,iVBORw0KGgo=.png",
        "data:image/svg+xml,<svg onload=alert(1)>.svg",
        "ftp://example.com/x.png",
        "//example.com/x.png",
        "/static/x.png",
        "![x](javascript:alert(1)//x.png)",
        "![x](data:image/png;base64,iVBORw0KGgo=)",
        '<img src="javascript:alert(1)//x.png">',
        '<img src="data:image/png;base64,iVBORw0KGgo=">',
    ],
)
def test_script_and_data_urls_never_become_images(text):
    html = render(text)
    assert not re.search(r"<img[^>]*\ssrc=", html)
    for url in urls(html):
        assert url.startswith(("http://", "https://"))


def test_image_urls_in_code_and_links_are_left_alone():
    html = render(f"`{URL}`\n\n    {URL}\n\n[{URL}](https://example.org/)\n\n<{URL}>")
    assert "<img" not in html
    assert f"<code>{URL}</code>" in html


@pytest.mark.parametrize(
    "text",
    [f"- {URL}\n- two", f"| a |\n|---|\n| {URL} |", f"> quoted {URL}", f"# Figure {URL}"],
)
def test_image_url_in_lists_tables_quotes_and_headings_shows_the_image(text):
    assert shown(URL) in render(text)


def test_image_url_in_a_markdown_link_stays_a_link():
    html = render(f"[the figure]({URL}) and [{URL}](https://example.org/)")
    assert "<img" not in html
    assert f'<a href="{URL}" {REL}>the figure</a>' in html


def test_comments_get_a_link_not_the_image():
    html = render(f"Look:\n\n{URL}\n\nand {URL} here", flavor="comment")
    assert "<img" not in html
    assert f"<p>{linked(URL)}</p>" in html
    assert f"<p>and {linked(URL)} here</p>" in html


# --- Markdown image syntax ----------------------------------------------------------------


@pytest.mark.parametrize("flavor", ["summary", "abstract"])
def test_markdown_images_load_lazily(flavor):
    html = render("![a figure](https://example.com/fig.png)", flavor=flavor)
    assert '<img alt="a figure" loading="lazy" src="https://example.com/fig.png">' in html


def test_markdown_images_need_http():
    html = render("![x](/static/x.png) ![y](ftp://example.com/y.png)")
    assert "src=" not in html


def test_no_images_in_comments():
    html = render(
        "Look: ![a figure](https://example.com/fig.png) and <img src='https://x.org/a.png'>",
        flavor="comment",
    )
    assert "<img" not in html
    assert f'<a href="https://example.com/fig.png" {REL}>a figure</a>' in html


def test_image_with_a_non_web_address_leaves_its_alt_text():
    html = render("![a diagram](figures/local.png) and ![](data:image/png;base64,AAAA)")
    assert "<img" not in html
    assert "a diagram" in html
