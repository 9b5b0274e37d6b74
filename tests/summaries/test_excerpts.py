"""Excerpts: a bounded prefix of a summary's Markdown, rendered when it is saved, which
cards print instead of the whole text (markup.excerpt, Summary.excerpt_html)."""

import importlib
import io
import re

import pytest
from django.apps import apps
from django.core.management import call_command
from django.urls import reverse

from markup.excerpt import CHARS, ELLIPSIS, FORMULAS, count_formulas, excerpt
from markup.render import RENDERER_VERSION
from summaries.excerpts import EXCERPT_MAX_HTML
from summaries.models import Summary
from tests.factories import make_paper, make_summary, make_user

HOME = reverse("summaries:home")
PAGE_LIMIT = 300_000


def paragraph(n, words=40):
    return f"Paragraph {n}: " + "the method is explained here " * (words // 5)


# --- The prefix -------------------------------------------------------------------------


def test_a_text_within_the_budget_is_whole_and_unchanged():
    text = "A short text with $x$ and \\cite{conf/a/B20}.\r\n\r\nAnd a second paragraph."
    assert excerpt(text) == excerpt(text, max_chars=10_000)
    assert excerpt(text).cut is False
    assert excerpt(text).text == text
    assert excerpt("") == excerpt("", max_chars=0)
    assert excerpt("").cut is False


def test_whole_paragraphs_while_they_fit():
    text = "\n\n".join(paragraph(n) for n in range(1, 30))
    part = excerpt(text)
    assert part.cut
    assert part.text.startswith(paragraph(1).strip())
    assert len(part.text) <= CHARS
    # Whole paragraphs, so no ellipsis, and the next one would not have fitted.
    assert not part.text.endswith(ELLIPSIS)
    kept = part.text.count("Paragraph ")
    assert text.startswith(part.text)
    assert len("\n\n".join(paragraph(n) for n in range(1, kept + 2))) > CHARS


def test_an_excerpt_does_not_end_on_the_heading_of_a_section_it_leaves_out():
    opening = paragraph(1, words=200)
    part = excerpt(f"# Summary\n\n{opening}\n\n## Results\n\n{paragraph(2, words=200)}")
    assert part.cut
    assert part.text == f"# Summary\n\n{opening}".rstrip()


def test_a_first_block_over_the_budget_is_cut_at_a_word_and_marked():
    text = "Opening " + "word " * 2000
    part = excerpt(text)
    assert part.cut and part.text.endswith("word" + ELLIPSIS)
    assert len(part.text) <= CHARS + 1


def test_a_short_opening_is_followed_by_the_start_of_a_long_list():
    items = "\n".join(f"- item {n} " + "with some words " * 5 for n in range(200))
    part = excerpt("The paper in one line.\n\n" + items)
    assert part.text.startswith("The paper in one line.\n\n- item 0 ")
    assert part.text.endswith(ELLIPSIS)
    assert CHARS // 2 < len(part.text) <= CHARS + 1


@pytest.mark.parametrize(
    "formula",
    [
        "$" + "x + " * 60 + "y$",
        "$$" + "x + " * 60 + "y$$",
        "\\(" + "x + " * 60 + "y\\)",
        "\\[" + "x + " * 60 + "y\\]",
        "\\cite{" + ", ".join(f"conf/x/Paper{n}" for n in range(20)) + "}",
    ],
)
def test_never_cuts_inside_a_formula_or_a_citation(formula):
    # The budget ends in the middle of the formula, which sits in the first block.
    text = "word " * (CHARS // 5 - 20) + formula + " after"
    part = excerpt(text)
    assert part.cut
    assert formula not in part.text
    assert part.text == "word " * (CHARS // 5 - 21) + "word" + ELLIPSIS
    # Under a budget that holds it, it comes whole.
    assert formula in excerpt(text, max_chars=len(text) - 3).text


def test_the_formula_budget():
    text = " ".join(f"$x_{{{n}}}$" for n in range(100))
    part = excerpt(text)
    assert part.cut
    assert count_formulas(part.text) == FORMULAS
    assert part.text.endswith(f"$x_{{{FORMULAS - 1}}}${ELLIPSIS}")
    # A literal dollar is no formula, and dollars in code are code.
    text = "Costs \\$5 or \\$6. " * 20 + "\n\n```\n" + "$x$ " * 100 + "\n```\n"
    assert excerpt(text).cut is False


def test_a_long_code_block_first_is_cut_at_a_line_and_closed():
    text = "```python\n" + "".join(f"line_{n} = {n}  # $x$\n" for n in range(500)) + "```\n\nAfter."
    part = excerpt(text)
    assert part.cut
    assert part.text.startswith("```python\nline_0 = 0")
    assert part.text.endswith(f"{ELLIPSIS}\n```")
    assert len(part.text) <= CHARS
    # A code block after a long enough paragraph is left out whole.
    text = paragraph(1, words=150) + "\n\n" + text
    assert excerpt(text).text == paragraph(1, words=150).rstrip()


def test_an_unclosed_fence_is_text():
    part = excerpt("```\n" + "$x$ and " * 500)
    assert part.cut
    assert count_formulas(part.text) == FORMULAS


def test_placeholders_written_by_the_user_are_text():
    text = "mathph0000000000000000n0e citeph0000000000000000n0e " * 100
    part = excerpt(text)
    assert part.cut and part.text.startswith("mathph0000000000000000n0e citeph")


PATHOLOGICAL = {
    "no blank lines": "word and $x$\n" * 8_000,
    "one long word": "x" * 100_000,
    "dollars": "$" * 100_000,
    "dollars and spaces": "$ $a" * 25_000,
    "unclosed openers": "\\(" * 25_000 + "\\[" * 25_000,
    "unclosed citations": "\\cite{" * 16_000,
    "unclosed fences": "```\n$x$\n" * 8_000 + "````",
    "fences only": "```\n" * 25_000,
    "blank lines": "\n" * 100_000 + "x",
    "formulas without spaces": "".join(f"$a_{n}$" for n in range(14_000)),
}


@pytest.mark.parametrize("text", PATHOLOGICAL.values(), ids=PATHOLOGICAL.keys())
def test_any_text_gives_a_bounded_excerpt(text):
    part = excerpt(text)
    assert len(part.text if part.cut else part.text.strip()) <= CHARS + 2
    assert count_formulas(part.text) <= FORMULAS


# --- What is stored ---------------------------------------------------------------------

pytestmark_db = pytest.mark.django_db


@pytestmark_db
def test_a_short_summary_stores_no_excerpt():
    summary = make_summary(body="Short, with $x$.")
    assert summary.excerpt_html == ""
    assert summary.renderer_version == RENDERER_VERSION


@pytestmark_db
def test_a_long_summary_stores_the_html_of_its_start():
    summary = make_summary(body="First words, $x^2$.\n\n" + paragraph(2, 1000) + "\n\nLast words.")
    assert "First words" in summary.excerpt_html and "katex" in summary.excerpt_html
    assert "Last words" not in summary.excerpt_html
    assert "Last words" in summary.body_html


@pytestmark_db
def test_heavy_formulas_are_held_to_the_html_limit():
    # Few characters and few formulas, but each a large one.
    heavy = (
        "$$\\sum_{i=1}^{n} \\frac{a_i^2}{b_i} \\int_0^1"
        " \\begin{pmatrix}a&b\\\\c&d\\end{pmatrix}dx$$"
    )
    body = "\n\n".join([heavy] * 10)
    summary = make_summary(body=body)
    assert len(summary.body_html) > EXCERPT_MAX_HTML
    assert excerpt(body).cut is False  # within the budget of characters and formulas...
    assert summary.excerpt_html  # ...yet cut, by its weight
    assert len(summary.excerpt_html) <= EXCERPT_MAX_HTML


def formula_dense(size=100_000):
    """A long summary with a formula in every sentence, about `size` characters: some
    500 formulas, within what one text may have (markup.limits)."""
    sentence = (
        "The regularized loss $\\mathcal{L}_\\lambda(\\theta_t)$ falls as the step size goes to"
        " zero, which the authors show on four data sets and two architectures, keeping"
        " the same schedule throughout. "
    )
    return "\n\n".join(sentence * 10 for _ in range(size // (len(sentence) * 10)))


@pytestmark_db
def test_a_homepage_of_formula_dense_summaries_stays_light(client):
    one = make_summary(body=formula_dense())
    assert len(one.body_html) > 500_000 and len(one.body) >= 99_000
    assert len(one.excerpt_html) <= EXCERPT_MAX_HTML
    # Nine more like it, as stored, without rendering them again.
    Summary.objects.bulk_create(
        Summary(
            paper=make_paper(),
            author=make_user(),
            body=one.body,
            body_html=one.body_html,
            excerpt_html=one.excerpt_html,
            renderer_version=one.renderer_version,
        )
        for _ in range(9)
    )
    response = client.get(HOME)
    html = response.content.decode()
    assert html.count('class="card mb-4 feed-item"') == 10
    assert html.count(">Read more<") == 10
    assert len(response.content) < PAGE_LIMIT
    for path in (reverse("summaries:top"), one.author.get_absolute_url()):
        assert len(client.get(path).content) < PAGE_LIMIT


@pytestmark_db
def test_cards_show_the_whole_text_until_excerpts_are_made(client):
    """Rows from before excerpts have none; the migration marks them for rerender."""
    summary = make_summary(body="First words.\n\n" + paragraph(2, 1000) + "\n\nLast words.")
    Summary.objects.update(excerpt_html="")
    migration = importlib.import_module("summaries.migrations.0006_summary_excerpt_html")
    migration.mark_for_rerender(apps, None)
    assert Summary.objects.get().renderer_version == 0
    html = client.get(HOME).content.decode()
    assert "Last words." in html and ">Read more<" not in html

    call_command("rerender", stdout=io.StringIO(), stderr=io.StringIO())
    stored = Summary.objects.get()
    assert stored.excerpt_html == summary.excerpt_html != ""
    assert stored.renderer_version == RENDERER_VERSION
    html = client.get(HOME).content.decode()
    assert "Last words." not in html and ">Read more<" in html


@pytestmark_db
def test_an_anonymous_summarys_card_keeps_its_author_unnamed(client):
    author = make_user("unnamed_author")
    make_summary(author=author, is_anonymous=True, body=f"{author.username} " * 500)
    html = client.get(HOME).content.decode()
    # Only the text itself names anyone; the card adds no link or byline with the name.
    assert f'href="/user/{author.username}/"' not in html
    assert "Anonymous" in html


@pytestmark_db
def test_private_summaries_have_no_card_even_for_their_author(client):
    author = make_user()
    make_summary(author=author, is_private=True, body="Private words. " * 500)
    client.force_login(author)
    for path in (HOME, author.get_absolute_url()):
        assert "Private words." not in client.get(path).content.decode()


@pytestmark_db
def test_the_demo_homepage_shows_excerpts(client):
    call_command("load_demo", stdout=io.StringIO())
    response = client.get(HOME)
    html = response.content.decode()
    cards = html.count('class="card mb-4 feed-item"')
    assert cards == 10
    assert 0 < html.count(">Read more<") <= cards
    assert len(response.content) < PAGE_LIMIT
    # Every card opens with text, not with an ellipsis alone.
    bodies = re.findall(r'<div class="summary-body rendered">(.*?)</div>', html, re.DOTALL)
    assert len(bodies) == cards
    assert all(len(re.sub(r"<[^>]+>", "", body).strip()) > 100 for body in bodies)
