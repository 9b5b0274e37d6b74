"""Venue names: the many spellings of a conference or journal, mapped to its one name.

"NIPS", "Advances in Neural Information Processing Systems 33" and "Advances in Neural
Information Processing Systems 33 (NeurIPS 2020)" are one venue, NeurIPS. Each spelling
a source, an import or a user may write is reduced to a key (`venue_key`: lowercased,
years, volume numbers, ordinals and filler words such as "Proceedings of the" dropped),
and the keys of the known spellings are rows of `VenueAlias`, each naming its `Venue`.

A raw venue is read as a few candidate keys, most specific first (`candidate_keys`):
the whole text without its parentheses, then (unless it names a workshop, findings,
a companion volume…) each parenthesis and each part between commas or colons, where
the abbreviation or the series' name usually stands. The first candidate the alias
table knows gives the canonical name; a venue none of them matches is kept as written,
whitespace trimmed, never dropped.

Everything here reads the text once, character by character or with regular
expressions that cannot backtrack (single character classes), and reads at most
MAX_INPUT characters: it runs on user text and on every record of a bulk import.

Where the canonical name goes: `Paper.venue` stays a text column holding it (see
papers.models.Paper.venue for why), written by the add form, the sources, the admin
and the imports through `canonical`/`VenueMap`.
"""

import re

# More than any real venue string (DBLP's longest booktitles run to about 300).
MAX_INPUT = 1_000
# A stored venue's length (Paper.venue).
VENUE_MAX_LENGTH = 200

# Words that carry nothing about which venue is meant, or that each source writes its
# own way: "Proceedings of the", "IEEE/CVF", "Annual".
_FILLER_TEXT = """
    a an the of on in and for at to proceedings proc annual ieee cvf acm vol volume
    no part
    """
_FILLER = frozenset(_FILLER_TEXT.split())
# Ordinals written out ("Thirty-Third AAAI Conference") and months (dates in DBLP's
# booktitles); cardinal numbers are not dropped, "PLOS ONE" being a journal.
_NUMBER_WORDS_TEXT = """
    first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth
    thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth
    twentieth thirtieth fortieth fiftieth sixtieth seventieth eightieth ninetieth
    hundredth twenty thirty forty fifty sixty seventy eighty ninety
    january february march april june july august september october november december
    """
_NUMBER_WORDS = frozenset(_NUMBER_WORDS_TEXT.split())
_ORDINAL_SUFFIXES = ("st", "nd", "rd", "th")
# A venue that names one of these is a satellite of a series, not the series: its
# parentheses and parts are not read on their own ("Workshop on X, ICML 2020" is not
# ICML). Its whole text may still be an alias a moderator added.
_SATELLITE_WORDS_TEXT = """
    workshop workshops companion findings demo demos demonstration demonstrations
    tutorial tutorials student doctoral consortium adjunct supplement supplemental
    """
_SATELLITE_WORDS = frozenset(_SATELLITE_WORDS_TEXT.split())
# Runs of letters and digits: one character class, so the scan is linear.
_WORD = re.compile(r"[^\W_]+")
_BRACKET = re.compile(r"[()\[\]]")
_SEPARATOR = re.compile(r"[,;:]")


def _keep(word):
    """`word` as it goes into a key, or "" when it says nothing of the venue."""
    if word in _FILLER or word in _NUMBER_WORDS or word.isdigit():
        return ""
    if word[-2:] in _ORDINAL_SUFFIXES and word[:-2].isdigit():
        return ""  # 37th
    # "NeurIPS2020", "CVPR17": a year fused to a name.
    letters = word.rstrip("0123456789")
    if len(word) - len(letters) in (2, 4) and len(letters) >= 2 and letters.isalpha():
        return letters
    return word


def venue_key(text):
    """The key a spelling is known by: its words lowercased, filler dropped."""
    words = (_keep(word) for word in _WORD.findall(text.casefold().replace("&", " and ")))
    return " ".join(word for word in words if word)


def _pieces(text):
    """The text outside parentheses, the parentheses' contents (outermost, nesting
    counted), and the parts of the outside text between separators: one pass over the
    brackets, and one split."""
    outside, inside = [], []
    depth = pos = start = 0
    for bracket in _BRACKET.finditer(text):
        if bracket.group() in "([":
            if not depth:
                outside.append(text[pos : bracket.start()])
                start = bracket.end()
            depth += 1
        elif depth:
            depth -= 1
            if not depth:
                inside.append(text[start : bracket.start()])
                pos = bracket.end()
    if depth:
        inside.append(text[start:])  # an unclosed parenthesis runs to the end
    else:
        outside.append(text[pos:])
    outside = " ".join(outside)
    return outside, inside, _SEPARATOR.split(outside)


def candidate_keys(raw):
    """The keys to look `raw` up by, most specific first, without repeats."""
    text = clean(raw)
    if not text:
        return []
    outside, inside, parts = _pieces(text)
    everything = venue_key(text)
    keys = [venue_key(outside), everything]
    if _SATELLITE_WORDS.isdisjoint(everything.split()):
        keys += [venue_key(piece) for piece in (*inside, *parts)]
    return [key for key in dict.fromkeys(keys) if key]


def clean(raw):
    """`raw` as a venue is stored when nothing is known of it: whitespace squashed,
    at most VENUE_MAX_LENGTH characters."""
    return " ".join((raw or "")[:MAX_INPUT].split())[:VENUE_MAX_LENGTH].strip()


def match(raw, aliases):
    """The canonical name of `raw` by the mapping `aliases` (key: name), else `raw`
    cleaned."""
    for key in candidate_keys(raw):
        if (name := aliases.get(key)) is not None:
            return name
    return clean(raw)


class VenueMap:
    """Every alias key with its venue's name, read in one query: for the bulk import,
    which maps each record's venue with a dict lookup."""

    def __init__(self, using=None):
        from .models import VenueAlias

        aliases = VenueAlias.objects.using(using) if using else VenueAlias.objects
        self.aliases = dict(aliases.values_list("key", "venue__name").order_by())
        self._seen = {}

    def canonical(self, raw):
        # An import repeats a venue on thousands of records: each spelling is read once.
        if (name := self._seen.get(raw)) is None:
            if len(self._seen) > 100_000:
                self._seen.clear()
            name = self._seen[raw] = match(raw, self.aliases)
        return name


def lookup(raw):
    """The Venue `raw` names, or None: one indexed query (no query for an empty text)."""
    from .models import VenueAlias

    keys = candidate_keys(raw)
    if not keys:
        return None
    rows = VenueAlias.objects.filter(key__in=keys).select_related("venue").order_by()
    found = {alias.key: alias.venue for alias in rows}
    return next((found[key] for key in keys if key in found), None)


def other_name(raw):
    """The venue's name when `raw` is another spelling of a venue of the table (not
    merely another case of its name), else None. One query."""
    venue = lookup(raw)
    return venue.name if venue and venue.name.lower() != raw.strip().lower() else None


def canonical(raw):
    """The canonical name of the venue `raw` names, or `raw` trimmed: for one paper
    (the add form, a source's answer, the admin), one query."""
    venue = lookup(raw)
    return venue.name if venue else clean(raw)


def names_year(venue, year):
    """Whether the venue's name ends with the year already ("ICML 2019"), so that
    pages do not print it twice."""
    if not venue or not year:
        return False
    words = _WORD.findall(venue)
    return bool(words) and words[-1] in (str(year), f"{year % 100:02d}")


def renormalize(papers, documents, aliases):
    """Store every paper's venue under its canonical name by `aliases` (key: name), and
    the search documents' copies of it: one UPDATE of each per spelling that changes,
    not one per paper. `papers` and `documents` are querysets (historical models in a
    migration); `documents` None leaves them to the caller (the command announces the
    changes with `signals.venues_renamed`). Returns {old spelling: new name}."""
    spellings = list(papers.exclude(venue="").values_list("venue", flat=True).distinct().order_by())
    changes = {old: new for old in spellings if (new := match(old, aliases)) != old}
    for old, new in changes.items():
        papers.filter(venue=old).update(venue=new)
        if documents is not None:
            documents.filter(venue=old).update(venue=new)
    return changes
