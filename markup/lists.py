"""Lists that nest at two spaces, as on GitHub and the original site, for Python-Markdown.

Python-Markdown nests a list item only when it is indented by four spaces (its
``tab_length``) more than its parent; GitHub-flavoured Markdown, which the original site
rendered with marked, nests it once it is indented under the parent's content, two
spaces for ``- a``, three for ``1. a``. Old summaries and habits use two.

No installed extension does this: pymdown-extensions has none (its fancylists counts
in ``tab_length`` too), and setting ``tab_length`` to 2 would also make two spaces an
indented code block. ``mdx_truly_sane_lists`` would, but is a package we do not ship.
So this preprocessor rewrites the indentation of list lines into Python-Markdown's:

- A list item indented at least two spaces more than an open item's marker (or up to
  that item's content, for ``1. a`` with three) is that item's child; it is rewritten to
  four spaces per level. Two, three and four spaces all make one level, as on GitHub.
- Any other line inside a list (a paragraph after a blank line, indented code, a
  quote) belongs to the deepest item it is indented under, and moves with it; what it
  has beyond that item's content (four more spaces make code) is kept.
- A line indented under no open item closes the list after a blank line; without one it
  continues the paragraph above (a lazy line) and is left alone.
- Outside lists nothing changes: four spaces after a blank line are still code.

It runs after fenced code and raw HTML blocks are stashed (markup.md), so their lines
are never touched. Each line is read once; the stack of open items is at most one entry
per level of indentation, which markup.limits bounds: linear time.

Not covered: lists inside block quotes (``> - a``) and footnotes still nest at four
spaces, as the quote's or footnote's own text is parsed after preprocessing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from markdown.preprocessors import Preprocessor

__all__ = ["ListIndentPreprocessor", "reindent"]

# A list item once its indentation is removed: the marker Python-Markdown knows (with
# sane_lists: "-", "*", "+" or "1.") and the spaces after it.
_ITEM_RE = re.compile(r"([*+-]|\d{1,9}\.)([ ]+)")
_TAB = 4  # Python-Markdown's tab_length: the indentation of one level


@dataclass(slots=True)
class _Item:
    content: int  # the column its text starts at, as GitHub counts it
    child: int  # indentation from which a line belongs to it


def reindent(lines: list[str]) -> list[str]:
    """The lines with their list indentation rewritten (see the module's docstring)."""
    out: list[str] = []
    stack: list[_Item] = []
    after_blank = True
    for line in lines:
        text = line.lstrip(" ")
        if not text:
            out.append(line)
            after_blank = True
            continue
        indent = len(line) - len(text)
        item = _ITEM_RE.match(text)
        if item is not None and (stack or indent < _TAB):
            while stack and indent < stack[-1].child:
                stack.pop()
            depth = len(stack)
            spaces = len(item.group(2))
            # GitHub: text after five or more spaces is indented code inside the item,
            # whose content then starts one space after the marker.
            content = indent + len(item.group(1)) + (spaces if spaces <= 4 else 1)
            stack.append(_Item(content, min(content, indent + 2)))
            out.append(" " * (_TAB * depth) + text if depth else line)
            after_blank = False
            continue
        level = len(stack)
        while level and indent < stack[level - 1].child:
            level -= 1
        if level == 0:
            if after_blank:
                stack.clear()
            out.append(line)
        else:
            if after_blank:
                # A block after a blank line ends the items deeper than its own.
                del stack[level:]
            extra = max(0, indent - stack[level - 1].content)
            out.append(" " * (_TAB * level + extra) + text)
        after_blank = False
    return out


class ListIndentPreprocessor(Preprocessor):
    def run(self, lines: list[str]) -> list[str]:
        return reindent(lines)
