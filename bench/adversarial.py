"""A pathological summary that the site nonetheless accepts, for `bench/pages.py`.

The page targets hold "whatever users wrote": a listing page must stay light even when
someone posts the longest text the form takes, full of formulas, each of which KaTeX
turns into a few hundred bytes of markup. This summary is about 99 KB of ordinary words
with some 2,700 small inline formulas (`$x_i^2$`), saved through the site's own code
(the form checks it, `services.save_summary` renders and indexes it) as the newest
public summary, so that it heads the homepage and the feeds. Its author is the most
prolific one and its paper the busiest one, so that the profile, the paper page and the
venue page measured carry it too: a summary they had of that paper is deleted first
(one summary per author and paper), which leaves both counts as they were.

A site that caps the formulas of a text would refuse it: then it has as many formulas
as the form accepts, in as much text, and the refusal is reported.
"""

import random

from django.conf import settings
from django.db import connection

from bench import search as search_bench

LENGTH = 99_000
FORMULAS = 2_700
# Formulas per paragraph: about a kilobyte of text each.
PARAGRAPH = 27
# Words of the search measured, so the summary is among its results.
OPENING = "On attention and the transformer, term by term."


def text(length=LENGTH, formulas=FORMULAS, seed=1):
    """Ordinary words with `formulas` small inline formulas spread evenly (as many as
    fit), at most `length` characters, filled up with words."""
    rng = random.Random(seed)
    words = search_bench.VOCABULARY[:400]
    # Room for the word that overshoots a formula's place.
    slack = max(map(len, words)) + 2
    pieces, size, separator = [OPENING], len(OPENING), " "

    def add(piece):
        nonlocal size
        pieces.append(separator + piece)
        size += len(separator) + len(piece)

    for number in range(formulas):
        formula = f"${'xyzuvwab'[number % 8]}_{'ijkn'[number % 4]}^{2 + number % 3}$"
        ends_paragraph = number % PARAGRAPH == PARAGRAPH - 1
        piece = formula + ("." if ends_paragraph else "")
        place = (number + 1) * length // formulas - len(piece) - slack
        if size + 1 + len(piece) > length:
            break
        while size < place:
            add(rng.choice(words))
            separator = " "
        add(piece)
        separator = "\n\n" if ends_paragraph else " "
    while True:
        word = rng.choice(words)
        if size + len(separator) + len(word) > length:
            return "".join(pieces)
        add(word)
        separator = " "


def accepted_text(length, formulas):
    """(text, the form's refusal of the first one tried or None): the text with the
    most formulas, up to `formulas`, that the summary form accepts."""
    from summaries.forms import SummaryForm
    from summaries.models import Summary

    def refusal(body):
        form = SummaryForm(data={"body": body})
        if not form.is_valid():
            return form.errors.as_text()
        # A renderer with limits of its own may refuse the text only when it renders
        # it (markup's refusals are ValueErrors).
        try:
            Summary(body=body).rendered_fields()
        except ValueError as error:
            return str(error)
        return None

    body = text(length, formulas)
    if (first := refusal(body)) is None:
        return body, None
    if (other := refusal(text(length, 0))) is not None:
        raise RuntimeError(f"the site refuses even plain text of this length: {other}")
    # Accepted with `low` formulas, refused with `high`.
    low, high = 0, formulas
    while high - low > 1:
        middle = (low + high) // 2
        if refusal(text(length, middle)) is None:
            low = middle
        else:
            high = middle
    return text(length, low), first


def choose_author_and_paper():
    """(author id, paper id): the most prolific public author, and the paper with the
    most public summaries; as bench/pagelist.py chooses the pages measured."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT author_id FROM summaries_summary
            WHERE NOT is_private AND NOT is_hidden AND NOT is_anonymous
            GROUP BY author_id ORDER BY count(*) DESC, author_id LIMIT 1
            """
        )
        (author,) = cursor.fetchone()
        cursor.execute(
            """
            SELECT paper_id FROM summaries_summary
            WHERE NOT is_private AND NOT is_hidden
            GROUP BY paper_id ORDER BY count(*) DESC, paper_id LIMIT 1
            """
        )
        (paper,) = cursor.fetchone()
    return author, paper


def insert(length=LENGTH, formulas=FORMULAS):
    """Post the summary as the site would; returns what was posted."""
    from accounts.models import User
    from papers.models import Paper
    from summaries import services
    from summaries.models import Summary

    body, refused = accepted_text(min(length, settings.SUMMARY_MAX_LENGTH), formulas)
    author_id, paper_id = choose_author_and_paper()
    author, paper = User.objects.get(pk=author_id), Paper.objects.get(pk=paper_id)
    replaced = Summary.objects.filter(paper=paper, author=author).values_list("pk", flat=True)
    replaced = replaced.first()
    if replaced is not None:
        # As the site deletes one (summaries.views.delete): its comments and votes go too.
        Summary.objects.get(pk=replaced).delete()
    summary, _ = services.save_summary(
        paper=paper,
        author=author,
        body=body,
        is_private=False,
        is_anonymous=False,
    )
    return {
        "id": summary.pk,
        "paper": paper.bibtex_key,
        "author": author.username,
        "characters": len(summary.body),
        "formulas": summary.body.count("$") // 2,
        "html_bytes": len(summary.body_html.encode()),
        "refused": refused,
        "replaced": replaced,
    }
