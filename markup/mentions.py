"""`@username` in user text: found in the source, linked in the sanitized HTML.

Like ``\\cite{key}`` (markup.citations), the markup module knows nothing of users: the
caller finds the names a text mentions (``mentioned_names``), looks them up in one query
(papers.rendering) and passes ``{lowercased name: (username, profile path)}`` to
``render``, which links the mentions of known users (``link_mentions``). Unknown names
stay text. Only the first MENTION_LIMIT distinct users of a text are linked; the rest
stay text too, and only linked users are notified (summaries' and comments' inboxes
read the links back with ``linked_usernames``).

Linking is done on the sanitized HTML, whose tags markup.math's ``_TAG_RE`` finds
exactly (the serializer escapes ``<`` and ``>`` in attribute values): text inside
links, code and preformatted blocks is left alone, and so are attributes. The scans are
single passes with a bounded pattern: no backtracking over user text.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from html import escape

# Distinct users linked (and so notified) per text.
MENTION_LIMIT = 10

# "@" not preceded by a word character or another "@" (so addresses like a@b.org are
# not mentions), then a username's characters (accounts.names: letters, digits and
# . + - _), at most 150 of them. One character class with a bounded repeat: linear.
_MENTION_RE = re.compile(r"(?<![\w@])@([\w.+-]{1,150})")
# Sentence punctuation after a name is not part of it ("thanks @ada.").
_TRAILING = ".+-"
_TAG_RE = re.compile(r"<[^>]*>")
_SKIPPED = frozenset({"a", "code", "pre"})
_TAG_NAME_RE = re.compile(r"</?([a-zA-Z0-9]+)")
_LINKED_RE = re.compile(r'<a class="mention" data-mention="([^"]*)"')


def _name(match: re.Match[str]) -> str:
    return match.group(1).rstrip(_TRAILING)


def mentioned_names(text: str) -> list[str]:
    """The distinct names ``@``-mentioned in a text, lowercased, first first, at most
    ``MENTION_LIMIT * 5`` (enough to find MENTION_LIMIT real users among typos)."""
    if "@" not in text:
        return []
    names: dict[str, None] = {}
    for match in _MENTION_RE.finditer(text):
        if name := _name(match).lower():
            names.setdefault(name)
            if len(names) >= MENTION_LIMIT * 5:
                break
    return list(names)


def link_mentions(html: str, mentions: Mapping[str, tuple[str, str]] | None) -> str:
    """Link the mentions of known users in sanitized HTML (see the module's notes)."""
    if not mentions or "@" not in html:
        return html
    linked: set[str] = set()

    def replace(match: re.Match[str]) -> str:
        name = _name(match)
        target = mentions.get(name.lower())
        if target is None or (len(linked) >= MENTION_LIMIT and name.lower() not in linked):
            return match.group(0)
        linked.add(name.lower())
        username, path = target
        rest = match.group(1)[len(name) :]
        return (
            f'<a class="mention" data-mention="{escape(username)}" href="{escape(path)}">'
            f"@{escape(name)}</a>{rest}"
        )

    out: list[str] = []
    depth = 0  # inside how many <a>, <code>, <pre>
    pos = 0
    for tag in _TAG_RE.finditer(html):
        text = html[pos : tag.start()]
        out.append(_MENTION_RE.sub(replace, text) if depth == 0 and "@" in text else text)
        out.append(tag.group(0))
        pos = tag.end()
        name = _TAG_NAME_RE.match(tag.group(0))
        if name and name.group(1).lower() in _SKIPPED and not tag.group(0).endswith("/>"):
            depth = max(0, depth + (-1 if tag.group(0).startswith("</") else 1))
    text = html[pos:]
    out.append(_MENTION_RE.sub(replace, text) if depth == 0 and "@" in text else text)
    return "".join(out)


def linked_usernames(html: str) -> list[str]:
    """The usernames a stored text links as mentions, in order, each once."""
    return list(dict.fromkeys(_LINKED_RE.findall(html)))[:MENTION_LIMIT]
