"""A search result's snippet: its text with the query's matches marked, by PostgreSQL's
ts_headline, from a bounded window of a long text (search.queries).
"""

from django.contrib.postgres.search import SearchHeadline
from django.db.models import Func, TextField
from django.db.models.functions import Left

from .text import SEARCH_CONFIG, START_SEL, STOP_SEL, STOP_WORDS

# ts_headline parses the whole text it is given, about 0.09 µs a character (as much as
# to_tsvector), so a snippet's cost grows with its text: one 100,000-character summary
# took 13 ms, as much as ranking 500 matches. So it is given a window of a long text
# (HeadlineWindow), near the first place where one of the query's words starts a word
# in the text's first HEADLINE_SOURCE_CHARS: ten times a typical summary. Looking for
# them there (lower-casing the text and a strpos for each) is linear and costs about a
# tenth of parsing as much. A text whose words lie only further on, or are not found
# (a stem that starts none of its word's forms: "studi", "study"), shows its start,
# unmarked; its title and rank still come from the whole.
HEADLINE_SOURCE_CHARS = 10_000
# The window: room for ts_headline's two fragments of up to 35 words (about 500
# characters) and a choice of where they come from. On the benchmark's pages of ten
# summaries for "neural network" (2,500 characters on average) the page's second query
# took 3.7 ms with the first 10,000 characters, 2.75 ms with this window (1,000: 2.55;
# 1,500: 3.05). Of 4,600 snippets of long texts, 57 lost their mark and 186 gained one
# (1,000 characters: 65 lost; 1,500: 40; the text's first 1,200 characters: 1,332).
HEADLINE_WINDOW_CHARS = 1_200
# The window starts this much before the place found, about 11 words: ts_headline shows
# up to 17 words before a match, and when the window has no match of the whole query
# its first 15 words, which this keeps the word found among.
HEADLINE_LEAD_CHARS = 80
# A text of at most this many bytes (its header says, without reading it) is given to
# ts_headline whole: finding a window for shorter ones costs about what it saves. Per
# text, 1,600 to 2,000 characters took 151 µs whole and 153 µs windowed; 2,000 to 2,500,
# 248 and 174; 3,000 to 4,000, 425 and 206.
HEADLINE_WHOLE_BYTES = 2_000
# At most this many of the query's terms are looked for, with two strpos each.
HEADLINE_TERMS = 6


def snippets(tsquery, body):
    """A result's snippet of `body` and its title, the matches marked by ts_headline."""
    return {
        "headline": _headline(
            body, tsquery, max_words=35, min_words=15, max_fragments=2, fragment_delimiter=" … "
        ),
        "title_headline": _headline("title", tsquery, highlight_all=True),
    }


def _headline(field, tsquery, **options):
    return SearchHeadline(
        field, tsquery, config=SEARCH_CONFIG, start_sel=START_SEL, stop_sel=STOP_SEL, **options
    )


def headline_window(field, places):
    """The part of a text its snippet is drawn from (HEADLINE_WINDOW_CHARS): near the
    first of the `places` (window_places of the query's terms) found, or the text's
    start."""
    if not places:
        return Left(field, HEADLINE_WINDOW_CHARS)
    return HeadlineWindow(field, places=places)


def window_places(terms):
    """What HeadlineWindow looks for of each of the first HEADLINE_TERMS terms, as
    (is_phrase, text, first): the term as typed, and the first of its words that is not
    a stop word, whose stem is looked for too. A compiled statement (search.queries)
    has Params for the texts, one statement for each sequence of `is_phrase`."""
    places = []
    for term in terms[:HEADLINE_TERMS]:
        first = next(word for word in term.words if word.lower() not in STOP_WORDS)
        places.append((term.is_phrase, term.text, first))
    return places


class HeadlineWindow(Func):
    """A text whole if it is at most HEADLINE_WHOLE_BYTES long, else HEADLINE_WINDOW_CHARS
    characters of its first HEADLINE_SOURCE_CHARS, cut at spaces so that no word shows
    in part: from HEADLINE_LEAD_CHARS before the first place where one of `terms` is
    found (or as near it as the text's end allows), or from its start if none is.

    A word is found where it, or its stem, first starts a word: a stem is usually the
    start of each form of its word ("network" of "networks"), not always ("studi" of
    "study"). A phrase is found where it is as typed, else where the stem of its first
    word is ("neural networks" in "a neural-network decoder"). Both are looked for
    after a space in the lower-cased text, so that "gan" is not found in "organ"; a word
    right after other punctuation is missed. Each step is a subquery of its own, which
    OFFSET 0 keeps PostgreSQL from copying into the next: the text is read, lower-cased
    and measured once.
    """

    output_field = TextField()
    template = """CASE WHEN octet_length(%(text)s) <= %(whole)s THEN %(text)s ELSE (
        SELECT substr(head.text, start.at, CASE WHEN start.at + %(window)s > lowered.chars
            THEN %(window)s ELSE %(window)s - strpos(reverse(
                substr(head.text, start.at + %(window)s - %(lead)s, %(lead)s)), ' ') END)
        FROM (SELECT CASE WHEN octet_length(%(text)s) <= %(source)s THEN %(text)s
            ELSE left(%(text)s, %(source)s) END AS text OFFSET 0) AS head,
        LATERAL (SELECT ' ' || lower(head.text) AS text, length(head.text) AS chars
            OFFSET 0) AS lowered,
        LATERAL (SELECT LEAST(%(places)s) AS at OFFSET 0) AS found,
        LATERAL (SELECT CASE WHEN %(earliest)s = 1 THEN 1 ELSE %(earliest)s
            + strpos(substr(head.text, %(earliest)s, %(lead)s), ' ') END AS at
            OFFSET 0) AS start
    ) END"""
    # Where the window may start: HEADLINE_LEAD_CHARS before the place found, or earlier
    # if that leaves fewer than HEADLINE_WINDOW_CHARS to the end; then it moves on to
    # the next word.
    earliest = (
        "GREATEST(1, LEAST(COALESCE(found.at, 1) - %(lead)s, lowered.chars - %(window)s + 1))"
    )
    # Where a string starts a word of the text, NULL if nowhere (or if it is NULL).
    place = "NULLIF(strpos(lowered.text, ' ' || {}), 0)"
    typed = "lower(%s)"
    stem = "(tsvector_to_array(to_tsvector(%s::regconfig, %s)))[1]"

    def __init__(self, expression, *, places):
        super().__init__(expression)
        self.places = places

    def as_sql(self, compiler, connection, **extra_context):
        text, text_params = compiler.compile(self.source_expressions[0])
        places, params = [], []
        for is_phrase, typed_text, first in self.places:
            typed = self.place.format(self.typed)
            if is_phrase:
                places.append(f"COALESCE({typed}, {self.place.format(self.stem)})")
                params += [typed_text, SEARCH_CONFIG, first]
            else:
                # Its stem is not looked for again when it is the word as typed.
                places += [typed, self.place.format(f"NULLIF({self.stem}, {self.typed})")]
                params += [typed_text, SEARCH_CONFIG, first, typed_text]
        values = {
            "text": text,
            "whole": HEADLINE_WHOLE_BYTES,
            "window": HEADLINE_WINDOW_CHARS,
            "source": HEADLINE_SOURCE_CHARS,
            "lead": HEADLINE_LEAD_CHARS,
            "places": ", ".join(places),
        }
        sql = self.template % {**values, "earliest": self.earliest % values}
        # The text is in the template before the places, and only there.
        return sql, (*text_params * self.template.count("%(text)s"), *params)
