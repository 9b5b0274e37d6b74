"""One paper, one page: is a paper about to be added one the site has already?

The rule, in order:

1. Identifiers. Its key or any of its other keys names a paper (canonical or alias),
   or its arXiv id or DOI is a paper's (`PaperQuerySet.matching`). These are the
   paper itself: the user is taken to it, and the database's unique constraints would
   refuse a second copy anyway.
2. Title, first author and year (`similar_paper`). Its normalised title
   (`normalize_title`) is a paper's, its first author's surname is that paper's first
   author's (`first_surname`), and the years are at most one apart (a preprint and
   its proceedings version; either year missing does not rule a paper out). This is
   what catches a Google Scholar entry (`he2016deep`) for a paper filed under its
   DBLP key; it is a likeness, not a proof, so the user is shown the paper and may
   still add theirs, saying how it differs (`add_paper_anyway`, kept as a
   DistinctClaim for moderators to see).

The normalised title is a stored, indexed column (`Paper.normalized_title`), so the
second rule is one index lookup whatever the size of the table; surname and year are
compared in Python over the few papers that share the title.
"""

import re
import unicodedata

from django.db import transaction

from markup.citations import surname

from . import services
from .models import MORE_AUTHORS, DistinctClaim, Paper

# The column's length: titles are at most 500 characters (Paper.title), and a
# normalised title is rarely longer than its title; one that is (a title of Greek
# letters, each written out) is cut, which still compares its first 500 characters.
NORMALIZED_TITLE_MAX_LENGTH = 500
# More papers than this under one normalised title are titles like "Introduction";
# the first ones are enough to say whether one of them is by the same author.
MAX_CANDIDATES = 20

# A LaTeX command (`\alpha`, `\textbf`, an accent such as `\"` or `\'`) or an escaped
# character (`\&`, whose character stays): at most a run of letters after a
# backslash, which no input can make the engine backtrack over.
_latex_command = re.compile(r"\\([A-Za-z]+|[\"'`^~=.]?)")
# Commands that stand for a letter rather than format or accent one.
_LATEX_LETTERS = {"o": "ø", "O": "Ø", "l": "ł", "L": "Ł", "i": "i", "j": "j", "ss": "ß"}
_LATEX_LETTERS |= {"ae": "æ", "AE": "Æ", "oe": "œ", "OE": "Œ", "aa": "å", "AA": "Å"}
# Commands that stand for a letter a title means, rather than format one: Greek
# letters, which titles write as `$\alpha$` as often as "α" or "alpha".
_GREEK_VARIANTS = {"varepsilon": "epsilon", "vartheta": "theta", "varpi": "pi"}
_GREEK_VARIANTS |= {"varrho": "rho", "varsigma": "sigma", "varphi": "phi"}
# Dropped without a trace: what joins the parts of one word ("Non-local",
# "Nonlocal"; "Bayes'"), and BibTeX's and LaTeX's grouping (`{D}eep`, `$x$`).
_JOINERS = set("'’ʼ`{}$")


def normalize_title(title):
    """The form in which two spellings of one title are equal.

    Casefolded; accents and other combining marks dropped (after compatibility
    decomposition, so "ﬁ" is "fi" and "𝛼" is "α"); Greek letters written out, as
    Unicode or as LaTeX commands (`$\\alpha$`, "α" and "alpha" are one word); other
    LaTeX commands, braces and dollars dropped; dashes and apostrophes dropped, so
    "Non-local" is "Nonlocal"; any other punctuation or symbol a space; runs of
    spaces one. One pass over the text for each step, whatever it holds.
    """
    if "\\" in title:
        title = _latex_command.sub(_latex_letter, title)
    text = unicodedata.normalize("NFKD", title.casefold()).translate(_CHARACTERS)
    return " ".join(text.split())[:NORMALIZED_TITLE_MAX_LENGTH].rstrip()


def _latex_letter(match):
    name = match.group(1)
    if name in _LATEX_LETTERS:
        return _LATEX_LETTERS[name]
    name = _GREEK_VARIANTS.get(name, name)
    # `\alpha` and `\Gamma`; any other command (`\textbf`, `\c`, `\"`) is dropped.
    case = "CAPITAL" if name[:1].isupper() else "SMALL"
    try:
        return unicodedata.lookup(f"GREEK {case} LETTER {name.upper()}") if len(name) > 1 else ""
    except KeyError:
        return ""


class _CharacterMap(dict):
    """str.translate's table for normalize_title, each character decided the first time
    it is met: one dictionary lookup a character after that."""

    def __missing__(self, code):
        char = chr(code)
        category = unicodedata.category(char)
        if category.startswith("M") or category == "Pd" or char in _JOINERS:
            value = None
        elif char.isalnum():
            name = unicodedata.name(char, "")
            greek = name.startswith("GREEK SMALL LETTER ") and len(name.split()) == 4
            value = name.split()[-1].lower() if greek else char
        else:
            value = " "
        self[code] = value
        return value


_CHARACTERS = _CharacterMap()


def first_surname(names):
    """The first author's surname in the form surnames are compared in, or "".

    Surnames are told apart as citations do (markup.citations.surname: a homonym
    number or "Jr." left out), then normalised as titles are, and only their last word
    is kept: sources disagree on particles ("van der Maaten", "Van der Maaten",
    "Maaten") far more often than two papers of one title and year have first authors
    who differ only there.
    """
    first = next((name.strip() for name in names if name.strip()), "")
    if not first or first == MORE_AUTHORS:
        return ""
    words = normalize_title(surname(first)).split()
    return words[-1] if words else ""


def similar_paper(*, title, authors, year):
    """The paper the site has under this title, first author and year (the second rule
    of the module's docstring), or None. One query; none when the title or the authors
    leave nothing to compare.

    `authors` is the list of names, in the paper's order.
    """
    key, name = normalize_title(title), first_surname(authors)
    if not key or not name:
        return None
    candidates = (
        Paper.objects.filter(normalized_title=key)
        .only("bibtex_key", "title", "title_html", "authors", "venue", "year")
        .order_by("pk")[:MAX_CANDIDATES]
    )
    for paper in candidates:
        if alike(name, year, first_surname(paper.author_list), paper.year):
            return paper
    return None


def alike(surname, year, other_surname, other_year):
    """Whether two papers of one normalised title are one by the rest of the rule: the
    same first surname (`first_surname`, not empty) and years at most one apart, a
    missing year ruling nothing out. Bulk imports compare a batch with it."""
    close = year is None or other_year is None or abs(other_year - year) <= 1
    return close and bool(surname) and surname == other_surname


def add_paper_anyway(*, similar_to, reason, user, aliases=(), **fields):
    """Add a paper the user says differs from `similar_to`, keeping why they say so.

    As services.add_paper, whose answer it returns: a paper here already by its
    identifiers is returned instead, and then nothing is claimed. The paper and the
    claim are written together or not at all.
    """
    with transaction.atomic():
        paper, created = services.add_paper(aliases=aliases, **fields)
        if created:
            DistinctClaim.objects.create(
                paper=paper, similar_to=similar_to, reason=reason, user=user
            )
    return paper, created
