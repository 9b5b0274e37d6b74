"""Spelling suggestions: "Did you mean: attention" for "atention", "Hinton" for "Hinten".

A query that finds nothing or very little has each of its words looked up among the
words of the papers' titles and authors' names (search.models.Word): a word found there
stays, one that is not is replaced by the closest that is, if any is close enough. When
the query found nothing and the suggestion finds something, its results are shown
instead ("Showing results for attention. Search instead for atention").

Cost: one query for all the words of a query, each looked up through the trigram index
and bounded by a LIMIT (the few closest are then ranked again in Python), and one more
search when the results are replaced; nothing at all for a query that finds enough.
On SQLite, which has no trigrams, the words of the latest SQLITE_PAPERS papers are
compared in Python (difflib): one query, bounded work, good enough for a development
database.
"""

import difflib
import re
from collections import Counter
from dataclasses import dataclass

from django.db import connections

from .models import WORD_MAX_LENGTH, Document, Word
from .text import STOP_WORDS, parse_query

# A query finding fewer results than this gets a suggestion, if it has a word that no
# title nor name holds.
SUGGEST_BELOW = 3
# At most this many words of a query are looked up: a query is at most 200 characters.
MAX_WORDS = 8
# The fallback's vocabulary: the words of this many papers, the latest.
SQLITE_PAPERS = 1_000

# A word worth looking up, as the table keeps them (the pattern in the migrations): a
# letter, then letters or digits, 3 to WORD_MAX_LENGTH in all. Shorter words have too
# few trigrams to compare.
_WORD = re.compile(rf"\b[^\W\d_][^\W_]{{2,{WORD_MAX_LENGTH - 1}}}\b")

# For one word typed, the CANDIDATES known words closest to it by trigrams (at least
# pg_trgm.similarity_threshold alike, 0.3 by default, which `%` applies through the
# index), the commoner first among equals. Stop words are never suggested: the query
# would lose the word rather than correct it. One such SELECT a word, joined by UNION
# ALL into one query: with the word a constant, PostgreSQL estimates how many words
# are alike and reads the trigram index; with the words from an array (a LATERAL
# join) it guessed and read the whole table, 30 ms a word for 30,000 words.
_CANDIDATES_SQL = """
(SELECT %s, known.word, similarity(known.word, %s) AS similarity, known.documents
 FROM {table} AS known
 WHERE known.word %% %s AND NOT (known.word = ANY(%s))
 ORDER BY similarity DESC, known.documents DESC, known.word
 LIMIT %s)
"""
# Trigrams see a swap of two letters as two differences at least: "netwrok" is as
# close to "net" as to "network". The few closest by trigrams are ranked again by
# difflib's ratio (matching characters), which sees "network" as the closer.
CANDIDATES = 10
# The ratio a suggestion needs ("atention" and "attention": 0.94; "Hinten" and
# "Hinton": 0.83; "netwrok" and "network": 0.86).
MIN_RATIO = 0.75


@dataclass(frozen=True)
class Suggestion:
    """A query with its unknown words replaced.

    `parts`: the query as (text, corrected) pieces, to print the corrections marked.
    """

    query: str
    parts: tuple

    def __str__(self):
        return self.query


def suggest(query, parsed, *, using="default"):
    """The Suggestion for a query, or None when all its words are known (or none has
    a close enough known word). One query to the database, none without words."""
    words = words_to_check(parsed)
    if not words:
        return None
    if connections[using].vendor == "postgresql":
        closest = _closest_postgresql(words, using)
    else:
        closest = _closest_fallback(words, using)
    replacements = {word: known for word, known in closest.items() if known != word}
    return _rewrite(query, replacements) if replacements else None


def forgiving_search(search, query, parsed, *, verbatim=False):
    """`search(query, parsed)` (SearchResults), with a suggestion when it finds little:
    (results, suggestion, corrected). `corrected`: the query found nothing and the
    results are the suggestion's. `verbatim`: the reader asked for the query as typed.
    """
    results = search(query, parsed)
    if verbatim or results.count() >= SUGGEST_BELOW:
        return results, None, False
    suggestion = suggest(query, parsed, using=results.db)
    if suggestion is None or results.count():
        return results, suggestion, False
    corrected = search(suggestion.query, parse_query(suggestion.query))
    if not corrected.count():
        # A suggestion that finds nothing either is not worth a click.
        return results, None, False
    return corrected, suggestion, True


def words_to_check(parsed):
    """The query's words to look up, lower case: those it looks for (not the excluded
    ones), phrases' included, stop words left out; at most MAX_WORDS."""
    words = []
    for term in parsed.positive_terms:
        for word in _WORD.findall(term.text.lower()):
            if word not in STOP_WORDS and word not in words:
                words.append(word)
    return words[:MAX_WORDS]


def _closest_postgresql(words, using):
    table = connections[using].ops.quote_name(Word._meta.db_table)
    sql = " UNION ALL ".join([_CANDIDATES_SQL.format(table=table)] * len(words))
    stop_words = sorted(STOP_WORDS)
    params = [value for word in words for value in (word, word, word, stop_words, CANDIDATES)]
    with connections[using].cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    candidates = {}
    for typed, known, similarity, documents in rows:
        candidates.setdefault(typed, []).append((known, similarity, documents))
    closest = {}
    for typed, found in candidates.items():
        if any(known == typed for known, _, _ in found):
            closest[typed] = typed
            continue
        ratio, _, _, known = max(
            (_ratio(typed, known), similarity, documents, known)
            for known, similarity, documents in found
        )
        if ratio >= MIN_RATIO:
            closest[typed] = known
    return closest


def _ratio(a, b):
    return difflib.SequenceMatcher(None, a, b).ratio()


def _closest_fallback(words, using):
    rows = (
        Document.objects.using(using)
        .filter(kind=Document.Kind.PAPER)
        .order_by("-pk")
        .values_list("title", "names")[:SQLITE_PAPERS]
    )
    counts = Counter(
        word for title, names in rows for word in _WORD.findall(f"{title} {names}".lower())
    )
    # The commoner first: get_close_matches keeps the first of equally close words.
    vocabulary = [word for word, _ in counts.most_common() if word not in STOP_WORDS]
    closest = {}
    for word in words:
        if word in counts:
            closest[word] = word
        elif matches := difflib.get_close_matches(word, vocabulary, n=1, cutoff=MIN_RATIO):
            closest[word] = matches[0]
    return closest


def _rewrite(query, replacements):
    """The query with each replaced word swapped wherever it stands as a whole word,
    in the case it was typed in ("Hinten" → "Hinton"). The pattern is literal
    alternatives between lookarounds of one character: no backtracking."""
    alternatives = "|".join(re.escape(word) for word in sorted(replacements, key=len, reverse=True))
    pattern = re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)
    parts = []
    position = 0
    for match in pattern.finditer(query):
        typed = match.group()
        known = replacements.get(typed.lower())
        if known is None:  # a letter whose lower case differs alone and in the text
            continue
        if match.start() > position:
            parts.append((query[position : match.start()], False))
        parts.append((_same_case(typed, known), True))
        position = match.end()
    if position < len(query):
        parts.append((query[position:], False))
    if not any(corrected for _, corrected in parts):
        return None
    return Suggestion("".join(text for text, _ in parts), tuple(parts))


def _same_case(typed, word):
    if len(typed) > 1 and typed.isupper():
        return word.upper()
    if typed[:1].isupper():
        return word[:1].upper() + word[1:]
    return word
