"""The formatting help page: every example on it renders as the page says it does.

docs/syntax.md pairs each ```markdown example with the HTML it renders to, or fragments
of it (shortscience.syntax); each example is a test here, so the page cannot describe
syntax the site does not have.
"""

import re
from html import unescape

import pytest
from django.urls import reverse

from markup.render import render
from shortscience import syntax
from tests.factories import make_summary, make_user

EXAMPLES = syntax.examples()
URL = "/help/syntax/"


def test_every_example_in_the_document_is_found_and_checked():
    # Counted here without the parser: an example it skipped would be untested.
    openers = re.findall(r"^`{3,}markdown[ ]*$", syntax.SOURCE.read_text(), re.MULTILINE)
    assert len(EXAMPLES) == len(openers) >= 15
    for example in EXAMPLES:
        assert example.checks, f"an example without a check: {example.source!r}"


@pytest.mark.parametrize(
    "example", EXAMPLES, ids=[f"{i}-{e.source.split()[0][:20]}" for i, e in enumerate(EXAMPLES)]
)
def test_example_renders_as_documented(example):
    for check in example.checks:
        html = render(example.source, flavor=check.flavor)
        if check.kind == "renders":
            assert html == check.html, f"{check.flavor}: {example.source!r}"
        else:
            assert check.html in html, f"{check.flavor}: {example.source!r}"


def test_the_document_covers_what_the_site_supports():
    sources = "\n".join(e.source for e in EXAMPLES)
    for construct in [
        "*emphasis*", "# Method", "  - six layers", "- [x]", "~~Wrong~~", "> ", "```python",
        "    x = 1", "| Model |", "[^1]", "www.example.org", "![", "results.png",
        "youtube.com", "$\\mathcal", "$$", "\\(", "\\[", "\\$", "\\cite{", "<sub>",
    ]:  # fmt: skip
        assert construct in sources, construct
    flavors = {check.flavor for e in EXAMPLES for check in e.checks}
    assert flavors == {"summary", "comment"}


@pytest.mark.django_db
def test_the_page_shows_every_example_and_its_result(client):
    assert reverse("help:syntax") == URL
    response = client.get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert "<h1" in page and "Formatting help" in page
    for example in EXAMPLES:
        assert render(example.source, flavor=example.flavor) in page
    # Each source is shown as a code block, and no check or marker leaks into the page.
    blocks = re.findall(r"<pre><span></span><code>(.*?)</code></pre>", page, re.DOTALL)
    shown = [unescape(re.sub(r"<[^>]*>", "", block)) for block in blocks]
    assert [e.source + "\n" for e in EXAMPLES] == [
        code for code in shown if code in {e.source + "\n" for e in EXAMPLES}
    ]
    assert page.count('class="syntax-result"') == len(EXAMPLES)
    assert "<!--" not in page.split("<body", 1)[1] and "syntaxexample" not in page


@pytest.mark.django_db
def test_the_page_is_rendered_once(client):
    syntax.page_html.cache_clear()
    client.get(URL)
    client.get(URL)
    info = syntax.page_html.cache_info()
    assert (info.misses, info.hits) == (1, 1)


def test_the_parser_reads_flavors_and_several_checks():
    text = (
        "Intro\n\n````markdown\n```\ncode\n```\n````\n"
        "<!-- renders: <p>a</p> -->\n<!-- contains as comment: <b>\nx</b> -->\n\n"
        "```markdown\nb\n```\n\nText after.\n"
    )
    first, second = syntax.parse(text)
    assert first.source == "```\ncode\n```"
    assert [(c.kind, c.flavor, c.html) for c in first.checks] == [
        ("renders", "summary", "<p>a</p>"),
        ("contains", "comment", "<b>\nx</b>"),
    ]
    assert second.source == "b" and second.checks == ()


@pytest.mark.django_db
def test_the_summary_and_comment_forms_link_to_it(client):
    summary = make_summary()
    client.force_login(make_user())
    link = f'<a href="{URL}" target="_blank">Formatting help</a>'
    write = client.get(reverse("summaries:write", args=[summary.paper.bibtex_key]))
    assert link in write.content.decode()
    detail = client.get(summary.get_absolute_url()).content.decode()
    form = detail[
        detail.index('id="comment-form"') : detail.index(
            "</form>", detail.index('id="comment-form"')
        )
    ]
    assert f'href="{URL}" target="_blank">Formatting help</a>' in form
