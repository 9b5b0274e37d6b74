"""The interface, Markdown's block structure, and headings per flavor."""

import re

import pytest

from markup.highlight import PYGMENTS_CLASSES
from markup.render import FLAVORS, RENDERER_VERSION, render

from .helpers import katex_count


def test_interface():
    assert isinstance(RENDERER_VERSION, int) and RENDERER_VERSION >= 1
    assert set(FLAVORS) == {"summary", "comment", "abstract"}
    for flavor in FLAVORS:
        assert "<p>plain</p>" in render("plain", flavor=flavor)
    assert render("") == ""
    assert render(None) == ""
    with pytest.raises(ValueError):
        render("x", flavor="email")


# --- Headings ---------------------------------------------------------------------------


def test_summary_headings_sit_below_the_page_outline():
    html = render("# One\n\n## Two\n\n### Three\n\n#### Four\n\n##### Five\n\n###### Six")
    assert re.findall(r"<(h\d)>(\w+)</h\d>", html) == [
        ("h3", "One"),
        ("h4", "Two"),
        ("h5", "Three"),
        ("h6", "Four"),
        ("h6", "Five"),
        ("h6", "Six"),
    ]


def test_setext_headings_are_demoted_too():
    html = render("Big\n===\n\nSmall\n-----\n")
    assert "<h3>Big</h3>" in html and "<h4>Small</h4>" in html


def test_heading_content_survives_demotion():
    html = render("# Big $x$ and *em*\n\n## `code`")
    assert re.search(r'<h3>Big <span class="katex">.*</span> and <em>em</em></h3>', html)
    assert "<h4><code>code</code></h4>" in html


@pytest.mark.parametrize("flavor", ["comment", "abstract"])
def test_comment_and_abstract_headings_are_bold_paragraphs(flavor):
    html = render("# Big $x$\n\nSetext\n------\n\n### Small *em* tail", flavor=flavor)
    assert not re.search(r"<h\d", html)
    assert '<p><strong>Big <span class="katex">' in html
    assert "<p><strong>Setext</strong></p>" in html
    assert "<p><strong>Small <em>em</em> tail</strong></p>" in html
    assert katex_count(html) == 1


# --- Markdown features ---------------------------------------------------------------------


def test_tables():
    html = render("| a | b |\n|:--|--:|\n| 1 | 2 |\n")
    assert "<table>" in html and "<thead>" in html and "<tbody>" in html
    assert '<th align="left">a</th>' in html
    assert '<td align="right">2</td>' in html


def test_fenced_code_is_highlighted_with_classes():
    html = render("```python\ndef f(x):\n    return x  # note\n```")
    assert '<div class="highlight"><pre>' in html
    assert '<span class="k">def</span>' in html
    assert '<span class="c1"># note</span>' in html
    assert "style=" not in html
    classes = set(re.findall(r'<span class="([^"]*)"', html))
    assert classes and classes <= PYGMENTS_CLASSES


def test_fenced_code_without_language_is_not_guessed():
    html = render("```\ndef f(): pass\n```")
    assert (
        '<div class="highlight"><pre><span></span><code>def f(): pass\n</code></pre></div>' in html
    )


def test_footnotes():
    html = render("Claim.[^1]\n\n[^1]: Source with $x$.")
    prefix = re.search(r'<li id="fn:(\w{6})-1">', html).group(1)
    assert f'<sup id="fnref:{prefix}-1"><a class="footnote-ref" href="#fn:{prefix}-1">1</a>' in html
    assert '<div class="footnote">' in html
    assert f'class="footnote-backref" href="#fnref:{prefix}-1"' in html
    assert katex_count(html) == 1


def test_footnote_ids_differ_between_texts():
    # A paper page shows several summaries; their footnotes must not share ids.
    first = render("One.[^1]\n\n[^1]: First.")
    second = render("Two.[^1]\n\n[^1]: Second.")
    ids = re.compile(r'id="(fn:[^"]+)"')
    assert set(ids.findall(first)).isdisjoint(ids.findall(second))


def test_headings_demoted_from_the_texts_own_top_level():
    assert "<h3>Top</h3>" in render("## Top\n\n### Below")
    assert "<h4>Below</h4>" in render("## Top\n\n### Below")
    assert "<h3>Top</h3>" in render("# Top\n\n## Below")
    assert "<h6>Deep</h6>" in render("# A\n\n###### Deep")


def test_nested_lists():
    html = render("1. one\n    - inner $a$\n    - inner b\n2. two\n")
    assert re.search(r"<ol>\s*<li>one\s*<ul>\s*<li>inner <span class=\"katex\">", html)
    assert "<li>two</li>" in html


def test_ordered_list_start():
    assert '<ol start="3">' in render("3. three\n4. four\n")


def test_blockquote_and_rule():
    html = render("> quoted *text*\n\n---\n")
    assert "<blockquote>\n<p>quoted <em>text</em></p>\n</blockquote>" in html
    assert "<hr>" in html


def test_links_with_brackets_in_their_text():
    html = render("[see [1] and [x [y]]](https://example.org/)")
    assert (
        '<a href="https://example.org/" rel="nofollow ugc noopener">see [1] and [x [y]]</a>' in html
    )


def test_brackets_nested_too_deep_to_be_link_text_stay_text():
    html = render("[" * 40 + "x" + "]" * 40 + "(/paper/x/)")
    assert "<a" not in html
    assert "[" * 40 + "x" + "]" * 40 in html
    html = render("[" * 5000 + "]" * 5000)
    assert html == "<p>" + "[" * 5000 + "]" * 5000 + "</p>"


def test_no_nl2br():
    assert "<br" not in render("line one\nline two")
