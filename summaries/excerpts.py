"""The stored excerpts of summaries and comments (`Summary.excerpt_html`,
`Comment.excerpt_html`), which lists print.

Cut from the Markdown by markup.excerpt, rendered like the text itself, and held to a
size of HTML as well: a page lists ten cards, or dozens of comments, and must stay light
however people write.
"""

from dataclasses import dataclass

from markup.excerpt import CHARS, COMMENT_CHARS, COMMENT_FORMULAS, FORMULAS, excerpt
from papers.rendering import render_text

# A card's excerpt is held to this much HTML, whatever the text.
EXCERPT_MAX_HTML = 20_000
# A comment's, to this much: a paper's page lists up to 75 comments, whose excerpts
# (about 190 KB at most) must leave room for its summaries within the page's 300 KB.
# Two small formulas (about 1 KB of KaTeX markup each) and a few lines of text fit.
COMMENT_EXCERPT_MAX_HTML = 2_500


@dataclass(frozen=True, slots=True)
class Budget:
    """What an excerpt may hold: characters of source, formulas, characters of HTML;
    and the flavor its text renders with (a comment's allows no images)."""

    chars: int
    formulas: int
    max_html: int
    flavor: str


SUMMARY = Budget(CHARS, FORMULAS, EXCERPT_MAX_HTML, "summary")
COMMENT = Budget(COMMENT_CHARS, COMMENT_FORMULAS, COMMENT_EXCERPT_MAX_HTML, "comment")


def render_excerpt(body, body_html, keys, budget=SUMMARY):
    """The HTML of the excerpt of `body`: "" when the whole text, whose HTML is
    `body_html`, is no longer than an excerpt may be. `keys` are the body's cited keys.

    The excerpt's budget counts characters and formulas, but formulas differ in weight
    (a matrix weighs ten symbols), so its HTML is measured too, and the budget halved
    until it fits; with no characters left the excerpt is "…" alone.
    """
    chars, formulas = budget.chars, budget.formulas
    while True:
        part = excerpt(body, max_chars=chars, max_formulas=formulas)
        if not part.cut:
            if len(body_html) <= budget.max_html or chars == 0:
                return ""
        else:
            # The references end the whole text only: on a card they would crowd it out.
            html = render_text(part.text, flavor=budget.flavor, keys=keys, references=False)
            if len(html) <= budget.max_html or chars == 0:
                return html
        chars, formulas = chars // 2, formulas // 2
