"""\\cite{key}: links to papers' pages, and the list of keys a text cites. No database."""

import pytest
from django.urls import reverse

from markup.citations import CitedPaper
from markup.render import cited_keys, render

from .helpers import katex_count

RESNET = CitedPaper(
    "conf/cvpr/HeZRS16",
    "Deep Residual Learning",
    ("Kaiming He", "Xiangyu Zhang", "Shaoqing Ren", "Jian Sun"),
    2016,
    "CVPR",
)
KNOWN = {"conf/cvpr/hezrs16": RESNET}
RESNET_LINK = (
    '<a class="citation" href="/paper/conf/cvpr/HeZRS16/" '
    'title="conf/cvpr/HeZRS16: Deep Residual Learning">[He et al., 2016]</a>'
)


def paper(key, title):
    return CitedPaper(key, title, ("A. Author",), 2020)


def unknown(key):
    return (
        f'<a class="citation citation-unknown" href="/paper/{key}/" '
        f'title="Not in the catalogue yet">[{key}]</a>'
    )


def invalid(text):
    return f'<span class="citation citation-invalid">[{text}]</span>'


def test_known_key_links_to_the_paper_with_its_title():
    html = render(r"Builds on \cite{conf/cvpr/HeZRS16}.", citations=KNOWN, references=False)
    assert html == f"<p>Builds on {RESNET_LINK}.</p>"


def test_link_is_the_paper_url():
    html = render(r"\cite{conf/cvpr/HeZRS16}", citations=KNOWN)
    assert f'href="{reverse("papers:detail", args=["conf/cvpr/HeZRS16"])}"' in html


def test_known_key_in_any_case_shows_the_canonical_key():
    html = render(r"See \cite{CONF/CVPR/hezrs16}.", citations=KNOWN)
    assert RESNET_LINK in html
    assert "hezrs16" not in html


def test_title_is_escaped():
    html = render(r"\cite{k}", citations={"k": paper("k", 'A "quoted" <b>title</b> & more')})
    assert 'title="k: A &quot;quoted&quot; &lt;b&gt;title&lt;/b&gt; &amp; more"' in html
    assert ">A &quot;quoted&quot; &lt;b&gt;title&lt;/b&gt; &amp; more</a>" in html
    assert "<b>" not in html


@pytest.mark.parametrize("citations", [None, {}, KNOWN])
def test_unknown_key_still_links_and_is_marked(citations):
    html = render(r"See \cite{conf/nowhere/Ghost20}.", citations=citations)
    assert unknown("conf/nowhere/Ghost20") in html


@pytest.mark.parametrize(
    ("key", "shown"),
    [
        ("not a key", "not a key"),
        ("-leading-dash", "-leading-dash"),
        ("a//b", "a//b"),
        ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
        ("x" * 256, "x" * 256),
        ("é", "é"),
    ],
)
def test_invalid_key_is_text_without_a_link(key, shown):
    html = render(f"See \\cite{{{key}}}.", citations={key.lower(): paper("k", "T")})
    assert invalid(shown) in html
    assert "<a" not in html and "<script" not in html


def test_several_keys_in_one_cite():
    html = render(r"\cite{conf/cvpr/HeZRS16, b/c ,,bad key}", citations=KNOWN, flavor="comment")
    assert html == f"<p>{RESNET_LINK}, {unknown('b/c')}, {invalid('bad key')}</p>"


def test_keys_are_not_markdown():
    html = render(r"\cite{a_b_c} and \cite{x_y} and \cite{p+q}_r_")
    assert unknown("a_b_c") in html and unknown("x_y") in html and unknown("p+q") in html
    assert "<em>" not in html.split("</a>_r_")[0]


@pytest.mark.parametrize(
    "text",
    [
        r"`\cite{a}`",
        "```\n\\cite{a}\n```",
        "~~~\n\\cite{a}\n~~~",
        "Code:\n\n    \\cite{a}\n",
        r"<code>\cite{a}</code>",
        "<pre>\n\\cite{a}\n</pre>",
    ],
)
def test_cite_in_code_is_untouched(text):
    html = render(text)
    assert r"\cite{a}" in html
    assert "citation" not in html
    assert cited_keys(text) == []


@pytest.mark.parametrize(
    "text",
    [r"$\cite{a}$", r"$$\cite{a}$$", r"\(\cite{a} + x\)", r"\[x \cite{a}\]", "$$\n\\cite{a}\n$$"],
)
def test_cite_in_math_is_left_to_katex(text):
    # KaTeX has no \cite: the formula is shown as an error, with its source as written.
    html = render(text)
    assert html.count("math-error-source") == 1
    assert "Undefined control sequence: \\cite" in html
    assert "citation" not in html
    assert cited_keys(text) == []


@pytest.mark.parametrize(
    "text",
    [
        r"\\cite{a}",
        r"\cite{}",
        r"\cite{ , }",
        r"\cite {a}",
        r"\citep{a}",
        "\\cite{a\nb}",
        r"\cite{a",
    ],
)
def test_what_is_not_a_citation_stays_text(text):
    html = render(text)
    assert "citation" not in html
    assert "cite" in html
    assert cited_keys(text) == []


def test_cite_in_link_text_does_not_nest_links():
    text = r"[as in \cite{conf/cvpr/HeZRS16}](https://example.org/)"
    html = render(text, citations=KNOWN, references=False)
    assert html.count("<a") == 1
    assert ">as in [He et al., 2016]</a>" in html


def test_cite_in_attributes_is_its_source():
    html = render(r'![fig \cite{k}](https://e.org/f.png "from \cite{k}") [l](\cite{k})')
    assert 'alt="fig \\cite{k}"' in html and 'title="from \\cite{k}"' in html
    assert 'href="%5Ccite%7Bk%7D"' in html
    assert "citation" not in html.split('<div class="references">')[0]


def test_cite_in_raw_html_attributes_leaves_no_placeholder():
    html = render("<a title='\\cite{k}' href=/x>a</a> <a title=\\cite{k} href=/y>b</a>")
    assert "citeph" not in html
    assert html.count('title="%5Ccite%7Bk%7D"') == 2


def test_cite_in_headings_tables_lists_and_footnotes():
    text = (
        "# Intro \\cite{a}\n\n| x | y |\n|---|---|\n| \\cite{b} | 1 |\n\n"
        "- item \\cite{c}\n    - nested \\cite{d}\n\nClaim.[^1]\n\n[^1]: As in \\cite{e}."
    )
    html = render(text)
    for key in "abcde":
        assert unknown(key) in html
    assert f"<h3>Intro {unknown('a')}</h3>" in html
    assert cited_keys(text) == list("abcde")


@pytest.mark.parametrize("flavor", ["summary", "comment", "abstract"])
def test_citations_in_every_flavor(flavor):
    assert unknown("a/b") in render(r"\cite{a/b}", flavor=flavor)


def test_citations_next_to_math_and_code():
    html = render(r"$x$ \cite{a} `\cite{b}` $\cite{c}$ \cite{d}$y$")
    assert unknown("a") in html and unknown("d") in html
    assert r"<code>\cite{b}</code>" in html
    assert katex_count(html) == 2 and html.count("math-error-source") == 1
    assert "[b]" not in html and "[c]" not in html


def test_citations_are_the_same_unsanitized():
    text = r"\cite{conf/cvpr/HeZRS16} \cite{x} \cite{bad key}"
    assert render(text, citations=KNOWN, sanitize=False) == render(text, citations=KNOWN)


# --- cited_keys --------------------------------------------------------------------------


def test_cited_keys_in_order_of_first_appearance():
    text = r"\cite{b} then \cite{a, c} and again \cite{b,a} and \cite{d}"
    assert cited_keys(text) == ["b", "a", "c", "d"]


def test_cited_keys_are_unique_whatever_their_case_first_spelling_kept():
    text = r"\cite{Conf/X/Key} \cite{conf/x/key} \cite{CONF/X/KEY, other}"
    assert cited_keys(text) == ["Conf/X/Key", "other"]


def test_cited_keys_ignore_code_math_and_invalid_keys():
    text = (
        "`\\cite{code}` $\\cite{math}$ \\cite{bad key, good}\n\n"
        "```\n\\cite{fenced}\n```\n\n\\[\\cite{display}\\] \\cite{last}"
    )
    assert cited_keys(text) == ["good", "last"]


def test_cited_keys_of_nothing():
    assert cited_keys("") == [] and cited_keys(None) == [] and cited_keys("plain text") == []


def test_cited_keys_match_what_render_links():
    text = r"A \cite{x/One, y/two} b `\cite{z}` \cite{X/ONE} $\cite{w}$"
    html = render(text)
    assert cited_keys(text) == ["x/One", "y/two"]
    assert unknown("x/One") in html and unknown("y/two") in html and unknown("X/ONE") in html


def test_hostile_paper_title_stays_inside_the_title_attribute():
    # Paper titles come from users and outside services: they must not break out.
    title = '"><img src=x onerror=alert(1)> <script>alert(2)</script>'
    html = render(r"see \cite{a/b/C}", citations={"a/b/c": paper("a/b/C", title)})
    assert "<img" not in html and "<script" not in html
    assert 'title="a/b/C: &quot;&gt;&lt;img src=x onerror=alert(1)&gt;' in html
