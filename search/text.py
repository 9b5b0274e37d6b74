"""Text handling for search: the query syntax and safe highlighting (the indexed plain
text is markup.readable's).

Nothing here touches the database. PostgreSQL parses queries itself
(websearch_to_tsquery); the parser below serves the fallback on other databases, and on
both decides whether a query has anything to look for at all.
"""

import re
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import mark_safe

# PostgreSQL's English stop words (tsearch_data/english.stop). The fallback drops them
# as PostgreSQL does, so that "the transformer" means the same on both databases, and
# so that a query made of stop words and exclusions ("the -gan") is recognised as having
# nothing to look for: PostgreSQL would turn it into a bare NOT, which matches almost
# every row and cannot use the index.
_STOP_WORDS_TEXT = """
    i me my myself we our ours ourselves you your yours yourself yourselves he him his
    himself she her hers herself it its itself they them their theirs themselves what
    which who whom this that these those am is are was were be been being have has had
    having do does did doing a an the and but if or because as until while of at by for
    with about against between into through during before after above below to from up
    down in out on off over under again further then once here there when where why how
    all any both each few more most other some such no nor not only own same so than too
    very s t can will just don should now
"""
STOP_WORDS = frozenset(_STOP_WORDS_TEXT.split())

# Longer queries are cut: a few hundred characters is more than anyone types, and a
# bound keeps a pasted essay from becoming a thousand-term query.
MAX_QUERY_LENGTH = 200

# ts_headline marks matches with these; they cannot occur in indexed text
# (markup.readable.readable_text removes control characters), so after escaping they
# can only be PostgreSQL's marks.
# The text search configuration of the stored vectors: the trigger in the migrations
# uses the same one, and a query must too, or its words would be stemmed differently.
SEARCH_CONFIG = "english"

START_SEL = "\x02"
STOP_SEL = "\x03"

_TOKENS = re.compile(r'(-?)"([^"]*)"?|([^\s"]+)')
_EDGE_PUNCTUATION = re.compile(r"^\W+|\W+$")
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Term:
    text: str
    negated: bool = False

    @property
    def words(self):
        return _WORD.findall(self.text)

    @property
    def is_stop_word(self):
        return all(word.lower() in STOP_WORDS for word in self.words)

    @property
    def is_phrase(self):
        return len(self.words) > 1


@dataclass(frozen=True)
class ParsedQuery:
    """A query as clauses that must all hold; each clause is terms of which one must.

    `a b OR c -d` is [[a], [b, c], [-d]]: OR binds tighter than the implicit AND, as in
    PostgreSQL's websearch syntax. `names` are the stop words typed outside phrases,
    which the clauses leave out (see is_name_query).
    """

    clauses: tuple
    names: tuple = ()

    @property
    def positive_terms(self):
        return [term for clause in self.clauses for term in clause if not term.negated]

    @property
    def is_searchable(self):
        """Whether some clause needs a real word to be present.

        Otherwise the query only excludes ("-word", "-a OR b") or only has stop words,
        and would match everything or nothing without saying anything useful.
        """
        return any(
            all(not term.negated and not term.is_stop_word for term in clause)
            for clause in self.clauses
        )

    @property
    def required_words(self):
        """The words every match must have, lower case and each once: those of the
        clauses of one term (not of alternatives), excluded words and stop words left
        out."""
        words = []
        for clause in self.clauses:
            if len(clause) == 1 and not clause[0].negated:
                words += [word.lower() for word in _WORD.findall(clause[0].text)]
        return list(dict.fromkeys(word for word in words if word not in STOP_WORDS))

    @property
    def phrases_as_words(self):
        """The query with each phrase's words required anywhere rather than in order,
        as websearch text; None when it has no phrase, or when that would not be a
        looser query of the same documents (a clause of alternatives, an excluded
        phrase). Every document a phrase matches is among this one's matches: the
        search looks for the phrase in a bounded number of them (queries.PHRASE_CANDIDATES).
        Each word is quoted, so that none reads as an operator ("or", "-x").
        """
        terms = [term for clause in self.clauses for term in clause]
        phrases = [term for term in terms if term.is_phrase]
        if not phrases or any(len(clause) > 1 for clause in self.clauses):
            return None
        if any(term.negated for term in phrases):
            return None
        return " ".join(
            f'{"-" if term.negated else ""}"{word}"' for term in terms for word in term.text.split()
        )

    @property
    def snippet_terms(self):
        """The terms a snippet is drawn near: those the query looks for, each once
        whatever its case, stop words left out. Not a name query's names: snippets are
        marked with the english configuration, which drops them."""
        terms = {}
        for term in self.positive_terms:
            if not term.is_stop_word:
                terms.setdefault(term.text.lower(), term)
        return list(terms.values())

    @property
    def is_name_query(self):
        """Whether the query is only stop words (and exclusions): "He", "Do", "An".

        Those are authors' surnames as often as words, and a query of nothing else can
        only mean the name: it is looked for among the papers' authors, word for word
        (Document.names). Among other words ("attention is all you need") stop words
        stay dropped, as PostgreSQL drops them.
        """
        return bool(self.names) and not self.is_searchable


def clean_query(value):
    """The query as searched: NUL bytes out (PostgreSQL refuses them), trimmed, bounded."""
    return value.replace("\x00", "").strip()[:MAX_QUERY_LENGTH].strip()


def parse_query(value):
    clauses = []
    names = []
    join_next = False
    for match in _TOKENS.finditer(value):
        quote_sign, phrase, word = match.groups()
        if word is not None:
            if word.lower() == "or" and clauses:
                join_next = True
                continue
            negated = word.startswith("-") and len(word) > 1
            text = _EDGE_PUNCTUATION.sub("", word)
        else:
            negated = bool(quote_sign)
            text = _EDGE_PUNCTUATION.sub("", " ".join(phrase.split()))
        if not text:
            continue
        term = Term(text, negated)
        # Stop words are dropped, except inside phrases ("attention is all you need").
        if word is not None and term.is_stop_word:
            if not negated and text.lower() != "or":
                names.append(term)
            join_next = False
            continue
        if join_next and clauses:
            clauses[-1] = (*clauses[-1], term)
        else:
            clauses.append((term,))
        join_next = False
    return ParsedQuery(tuple(clauses), tuple(names))


def highlight_terms(text, terms, *, max_chars=None):
    """HTML of the text with each term marked, optionally cut to a window around the
    first match. The text is escaped piece by piece around the matches, so nothing in
    it can become markup."""
    spans = _match_spans(text, terms)
    start, end = 0, len(text)
    if max_chars is not None and len(text) > max_chars:
        first = spans[0][0] if spans else 0
        start = max(0, first - max_chars // 3)
        end = min(len(text), start + max_chars)
        start = _word_boundary(text, start, backwards=True)
        end = _word_boundary(text, end, backwards=False)
    pieces = ["… " if start > 0 else ""]
    position = start
    for span_start, span_end in spans:
        if span_end <= start or span_start >= end:
            continue
        span_start, span_end = max(span_start, start), min(span_end, end)
        pieces.append(escape(text[position:span_start]))
        pieces.append(f"<mark>{escape(text[span_start:span_end])}</mark>")
        position = span_end
    pieces.append(escape(text[position:end]))
    pieces.append(" …" if end < len(text) else "")
    return mark_safe("".join(pieces))


def marked_headline(headline):
    """Safe HTML from ts_headline's output: everything escaped, then its marks made
    <mark>. A start without its stop (or the reverse) is dropped, never left open."""
    text = str(escape(headline))
    text = re.sub(f"{START_SEL}(.*?){STOP_SEL}", r"<mark>\1</mark>", text, flags=re.S)
    return mark_safe(text.replace(START_SEL, "").replace(STOP_SEL, ""))


def contains_word(text, word):
    """Whether `word` (or a phrase) occurs in `text` as whole words, whatever the case:
    "Ren" in "Ren, Shaoqing" but not in "differently".

    The fallback's match (SQLite has no word search): registered as an SQL function on
    SQLite connections (search.apps). Linear in the text: str.find does not backtrack,
    each occurrence is checked at its two edges only, and a word that starts with a
    letter can only start a word, so after a miss the rest of that word is skipped
    ("aaaa…" holds "aaa" once per word, not once per letter).
    """
    if text is None or not word:
        return False
    text, word = text.lower(), word.lower()
    starts_a_word = _WORD_CHAR.match(word) is not None
    start = text.find(word)
    while start != -1:
        end = start + len(word)
        if not _is_word_char(text, start - 1) and not _is_word_char(text, end):
            return True
        resume = _WORD_RUN.match(text, start).end() if starts_a_word else start + 1
        start = text.find(word, max(resume, start + 1))
    return False


_WORD_CHAR = re.compile(r"\w")
_WORD_RUN = re.compile(r"\w*")


def _is_word_char(text, index):
    return 0 <= index < len(text) and _WORD_CHAR.match(text, index) is not None


def _match_spans(text, terms):
    """Where the terms occur as whole words, as contains_word finds them. The pattern
    is literal alternatives between lookarounds of one character: no backtracking."""
    words = sorted({term.text for term in terms if not term.negated}, key=len, reverse=True)
    if not words:
        return []
    alternatives = "|".join(re.escape(word) for word in words)
    pattern = re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)
    return [m.span() for m in pattern.finditer(text)]


def _word_boundary(text, index, *, backwards):
    """The nearest space at or around index, so a window does not cut a word in two."""
    if index <= 0 or index >= len(text):
        return index
    if backwards:
        found = text.rfind(" ", max(0, index - 20), index)
        return found + 1 if found != -1 else index
    found = text.find(" ", index, index + 20)
    return found if found != -1 else index
