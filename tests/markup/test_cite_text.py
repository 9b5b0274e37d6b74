"""How a citation reads ("Goodfellow et al., 2014") and a summary's references. No database."""

import re

import pytest

from markup.citations import CitedPaper, author_year, surname
from markup.limits import MAX_CITED_KEYS, MAX_HTML
from markup.render import render

GAN = CitedPaper(
    "conf/nips/GoodfellowPMXWOCB14",
    "Generative Adversarial Nets",
    ("Ian J. Goodfellow", "Jean Pouget-Abadie", "Mehdi Mirza", "Bing Xu"),
    2014,
    "NIPS",
)
ADAM = CitedPaper(
    "journals/corr/KingmaB14", "Adam", ("Diederik P. Kingma", "Jimmy Ba"), 2015, "ICLR"
)
SHANNON = CitedPaper(
    "shannon1948", "A Mathematical Theory of Communication", ("Claude Shannon",), 1948
)
TSNE = CitedPaper(
    "vandermaaten08",
    "Visualizing Data using t-SNE",
    ("Laurens van der Maaten", "Geoffrey Hinton"),
    2008,
    "JMLR",
)
KNOWN = {paper.key.lower(): paper for paper in (GAN, ADAM, SHANNON, TSNE)}


def link_texts(html):
    """The text of each citation link in the prose, in order."""
    prose = html.split('<div class="references">')[0]
    return re.findall(r'<a class="citation[^"]*" href="[^"]*" title="[^"]*">([^<]*)</a>', prose)


def references(html):
    """The items of the references list, tags removed."""
    found = re.search(r'<div class="references"><h3>References</h3><ol>(.*?)</ol></div>', html)
    if found is None:
        return None
    return [re.sub(r"<[^>]*>", "", item) for item in re.findall(r"<li>(.*?)</li>", found.group(1))]


@pytest.mark.parametrize(
    ("paper", "text"),
    [
        (SHANNON, "Shannon, 1948"),
        (ADAM, "Kingma and Ba, 2015"),
        (GAN, "Goodfellow et al., 2014"),
        (TSNE, "van der Maaten and Hinton, 2008"),
        (GAN._replace(authors=("Ian J. Goodfellow", "others")), "Goodfellow et al., 2014"),
        (GAN._replace(authors=("A. One", "B. Two", "C. Three")), "One et al., 2014"),
        (GAN._replace(year=None), "Goodfellow et al."),
        (GAN._replace(authors=()), "conf/nips/GoodfellowPMXWOCB14"),
    ],
)
def test_link_text_names_first_author_and_year(paper, text):
    assert author_year(paper) == text
    html = render(rf"\cite{{{paper.key}}}", citations={paper.key.lower(): paper})
    assert link_texts(html) == [f"[{text}]"]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Ian J. Goodfellow", "Goodfellow"),
        ("Laurens van der Maaten", "van der Maaten"),
        ("Ludwig van Beethoven", "van Beethoven"),
        ("Charles-Camille Saint-Saëns", "Saint-Saëns"),
        ("Wei Liu 0005", "Liu"),
        ("Martin Luther King Jr.", "King"),
        ("yann lecun", "lecun"),  # the first word stays a given name
        ("Plato", "Plato"),
        ("", ""),
    ],
)
def test_surname(name, expected):
    assert surname(name) == expected


def test_tooltip_holds_key_and_title():
    html = render(r"\cite{journals/corr/kingmab14}", citations=KNOWN)
    assert 'title="journals/corr/KingmaB14: Adam"' in html


def test_unknown_key_shows_the_key_marked_unknown():
    html = render(r"\cite{x/y/Ghost20}", citations=KNOWN)
    assert link_texts(html) == ["[x/y/Ghost20]"]
    assert 'class="citation citation-unknown"' in html
    assert 'title="Not in the catalogue yet"' in html


def test_several_keys_are_separated_as_before():
    html = render(r"\cite{shannon1948, journals/corr/KingmaB14,x/Unknown}", citations=KNOWN)
    prose = html.split('<div class="references">')[0]
    assert re.sub(r"<[^>]*>", "", prose) == "[Shannon, 1948], [Kingma and Ba, 2015], [x/Unknown]"


def test_references_list_each_work_once_in_order_of_first_citation():
    text = (
        r"GANs \cite{conf/nips/GoodfellowPMXWOCB14} train with \cite{journals/corr/KingmaB14}; "
        r"see also \cite{x/Unknown, CONF/NIPS/goodfellowpmxwocb14} and \cite{vandermaaten08}, "
        r"\cite{journals/corr/KingmaB14}, \cite{X/UNKNOWN} and \cite{bad key}."
    )
    html = render(text, citations=KNOWN)
    assert references(html) == [
        "Ian J. Goodfellow, Jean Pouget-Abadie, Mehdi Mirza et al. "
        "Generative Adversarial Nets. NIPS, 2014.",
        "Diederik P. Kingma, Jimmy Ba. Adam. ICLR, 2015.",
        "x/Unknown",
        "Laurens van der Maaten, Geoffrey Hinton. Visualizing Data using t-SNE. JMLR, 2008.",
    ]


def test_references_link_to_the_papers():
    html = render(r"\cite{shannon1948} \cite{x/Unknown}", citations=KNOWN)
    items = html.split("<ol>")[1]
    assert (
        '<a class="citation" href="/paper/shannon1948/" title="shannon1948">'
        "A Mathematical Theory of Communication</a>. 1948." in items
    )
    assert '<a class="citation citation-unknown" href="/paper/x/Unknown/"' in items
    # The site's own pages: no rel="nofollow", as for citations in the text.
    assert "rel=" not in html


def test_reference_of_a_title_that_ends_a_sentence():
    paper = SHANNON._replace(title="Is it?", year=None)
    html = render(r"\cite{shannon1948}", citations={"shannon1948": paper})
    assert references(html) == ["Claude Shannon. Is it?"]


def test_long_author_lists_are_shortened():
    many = GAN._replace(authors=tuple(f"Author Number{i}" for i in range(3_000)))
    html = render(r"\cite{conf/nips/GoodfellowPMXWOCB14}", citations={GAN.key.lower(): many})
    assert references(html)[0].startswith("Author Number0, Author Number1, Author Number2 et al. ")
    long_name = GAN._replace(authors=("x" * 5_000,))
    html = render(r"\cite{conf/nips/GoodfellowPMXWOCB14}", citations={GAN.key.lower(): long_name})
    assert len(html) < 2_000


def test_hostile_paper_fields_are_escaped_in_references():
    hostile = CitedPaper(
        "a/b", "<script>alert(1)</script>", ("<img src=x onerror=alert(2)>",), 2020, "<b>v</b>"
    )
    html = render(r"\cite{a/b}", citations={"a/b": hostile})
    assert "<script" not in html and "<img" not in html and "<b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.mark.parametrize("flavor", ["comment", "abstract"])
def test_only_summaries_get_references(flavor):
    html = render(r"\cite{shannon1948}", citations=KNOWN, flavor=flavor)
    assert link_texts(html) == ["[Shannon, 1948]"]
    assert "references" not in html


def test_no_references_without_citations_or_when_left_out():
    assert "references" not in render("No citations, \\cite{bad key}, `\\cite{a}`.")
    assert "references" not in render(r"\cite{shannon1948}", citations=KNOWN, references=False)


def test_references_pass_the_sanitizer_unchanged():
    html = render(r"\cite{shannon1948}", citations=KNOWN)
    assert '<div class="references"><h3>References</h3><ol><li>' in html
    assert render(r"\cite{shannon1948}", citations=KNOWN, sanitize=False) == html


def test_references_at_the_citation_limit_stay_within_the_html_limit():
    papers = {
        f"k/{i}": CitedPaper(f"k/{i}", "T" * 500, ("A" * 5_000,), 2020, "V" * 200)
        for i in range(MAX_CITED_KEYS)
    }
    html = render(" ".join(rf"\cite{{k/{i}}}" for i in range(MAX_CITED_KEYS)), citations=papers)
    assert len(references(html)) == MAX_CITED_KEYS
    assert len(html) <= MAX_HTML
