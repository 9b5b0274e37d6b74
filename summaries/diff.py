"""Word-level differences between two versions of a text, shown as HTML.

The texts are Markdown sources, compared as sources: a reader of the history wants to
see what the author typed differently, including in formulas, not how the rendering
shifted. The HTML is built here from escaped text, so nothing a user wrote reaches the
page unescaped, and the stored rendering path is not involved.
"""

import difflib
import re
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import mark_safe

EQUAL, INSERT, DELETE = "equal", "insert", "delete"

# A word and the whitespace after it: joined back, a text's words give the text exactly
# (after its leading whitespace), line breaks and indentation included.
_WORD = re.compile(r"(\S+)(\s*)")
_LINE = re.compile(r"[^\n]*\n|[^\n]+")

# A changed block is compared word by word only up to this many pairs of words; past
# that it is shown as removed and written anew. difflib's work grows with the product,
# and anyone may ask for the difference between two versions of a public summary.
MAX_WORD_PAIRS = 2_000_000


@dataclass(frozen=True)
class Chunk:
    op: str  # EQUAL, INSERT or DELETE
    text: str


def normalize_newlines(text):
    # Browsers post textareas with CRLF while other writers use LF: a version saved
    # through the form would otherwise differ from its predecessor on every line.
    return text.replace("\r\n", "\n").replace("\r", "\n")


def count_words(text):
    return len(text.split())


def diff_texts(old, new, max_word_pairs=MAX_WORD_PAIRS):
    """The chunks that turn `old` into `new`: equal, deleted and inserted text, in order.

    Lines are matched first and only changed blocks of lines are compared word by word,
    which keeps unchanged paragraphs whole and the work small for long texts. Where a
    block changed, its deletion comes before its insertion. A page that shows many
    differences at once passes a smaller `max_word_pairs`.
    """
    old, new = normalize_newlines(old), normalize_newlines(new)
    old_lines, new_lines = _LINE.findall(old), _LINE.findall(new)
    chunks = []
    matcher = difflib.SequenceMatcher(None, old_lines, new_lines)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        old_block, new_block = "".join(old_lines[i1:i2]), "".join(new_lines[j1:j2])
        if op == "equal":
            chunks.append(Chunk(EQUAL, old_block))
        elif op == "replace":
            chunks.extend(_diff_words(old_block, new_block, max_word_pairs))
        else:
            chunks.extend(_changed(old_block, new_block))
    return _merged(chunks)


def _diff_words(old, new, max_word_pairs=MAX_WORD_PAIRS):
    """Compare two blocks word by word, keeping every character of both.

    Only the words are matched: whitespace tokens, being everywhere, would give difflib
    countless equally good short matches to choose from (and quadratic work). The
    whitespace after each kept word is compared on its own, so a line break put in or
    taken out between two kept words still shows.
    """
    old_lead, old_words = _split_words(old)
    new_lead, new_words = _split_words(new)
    if len(old_words) * len(new_words) > max_word_pairs:
        return _changed(old, new)
    chunks = _changed_or_equal(old_lead, new_lead)
    # Common words are kept as anchors (no autojunk): a long rewritten paragraph would
    # otherwise lose its "the" and "of" matches and read as wholly replaced.
    matcher = difflib.SequenceMatcher(
        None, [word for word, _ in old_words], [word for word, _ in new_words], autojunk=False
    )
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            for (word, old_space), (_, new_space) in zip(
                old_words[i1:i2], new_words[j1:j2], strict=True
            ):
                chunks.append(Chunk(EQUAL, word))
                chunks.extend(_changed_or_equal(old_space, new_space))
        else:
            old_part = "".join(word + space for word, space in old_words[i1:i2])
            new_part = "".join(word + space for word, space in new_words[j1:j2])
            # Whitespace both sides end with is not part of the change.
            if old_part and new_part:
                same = _common_space_suffix(old_part, new_part)
                chunks.extend(
                    _changed(old_part[: len(old_part) - same], new_part[: len(new_part) - same])
                )
                chunks.append(Chunk(EQUAL, old_part[len(old_part) - same :]))
            else:
                chunks.extend(_changed(old_part, new_part))
    return [chunk for chunk in chunks if chunk.text]


def _split_words(text):
    """Leading whitespace, then each word with the whitespace that follows it."""
    lead = text[: len(text) - len(text.lstrip())]
    return lead, [(match[1], match[2]) for match in _WORD.finditer(text)]


def _common_space_suffix(a, b):
    size = 0
    while size < min(len(a), len(b)) and a[-1 - size] == b[-1 - size] and a[-1 - size].isspace():
        size += 1
    return size


def _changed_or_equal(old, new):
    return [Chunk(EQUAL, old)] if old == new else _changed(old, new)


def _changed(old, new):
    return [chunk for chunk in (Chunk(DELETE, old), Chunk(INSERT, new)) if chunk.text]


def _merged(chunks):
    """Each run of changes as one deletion then one insertion, between equal stretches."""
    merged, deleted, inserted = [], [], []
    for chunk in [*chunks, Chunk(EQUAL, "")]:
        if chunk.op == DELETE:
            deleted.append(chunk.text)
        elif chunk.op == INSERT:
            inserted.append(chunk.text)
        else:
            merged.extend(_changed("".join(deleted), "".join(inserted)))
            deleted, inserted = [], []
            if merged and merged[-1].op == EQUAL:
                merged[-1] = Chunk(EQUAL, merged[-1].text + chunk.text)
            elif chunk.text:
                merged.append(chunk)
    return merged


def count_changes(chunks):
    """(words added, words removed) by these chunks."""
    added = sum(count_words(chunk.text) for chunk in chunks if chunk.op == INSERT)
    removed = sum(count_words(chunk.text) for chunk in chunks if chunk.op == DELETE)
    return added, removed


_TAGS = {INSERT: "ins", DELETE: "del"}


def render_html(chunks):
    """The chunks as HTML for a block that keeps line breaks: every piece of text is
    escaped, insertions in <ins> and deletions in <del>.

    An inserted or deleted line break would be invisible, so it gets a marker that
    the stylesheet draws (`.diff-newline`); the marker holds no text of its own.
    """
    parts = []
    for chunk in chunks:
        text = escape(chunk.text)
        tag = _TAGS.get(chunk.op)
        if tag is None:
            parts.append(text)
        else:
            text = text.replace("\n", '<span class="diff-newline"></span>\n')
            parts.append(f"<{tag}>{text}</{tag}>")
    # Safe: the only markup is the tags above; all text went through escape().
    return mark_safe("".join(parts))
