"""The words a reader sees in the HTML markup renders, as plain text: for the search
index and its snippets, moderators' excerpts, and titles in <title>, feeds and mail
(Paper.plain_title).

Here rather than in search, which it began in: papers and moderation read it too, and
it depends on nothing but the HTML that markup makes.
"""

import re
from html.parser import HTMLParser

_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def readable_text(html):
    """The words a reader sees in rendered, sanitized HTML (markup.render), as plain text
    for the index, its snippets and moderators' excerpts: never the Markdown or LaTeX
    it was written in.

    A formula reads as its MathML copy's symbols, with the signs of its layouts put back
    between them (x_i, x^2, a/b, √y): KaTeX's visual copy and the TeX source are left
    out. Images read as their alt text. One pass of the HTML parser: linear in the HTML,
    about 0.2 s for the largest a text may render to.
    """
    reader = _Reader()
    reader.feed(html)
    reader.close()
    text = _CONTROL_CHARS.sub(" ", "".join(reader.parts))
    return _SPACE_BEFORE_PUNCTUATION.sub(r"\1", " ".join(text.split()))


_SPACE_BEFORE_PUNCTUATION = re.compile(r" ([.,;:!?)])")
_VOID_TAGS = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
)
# Elements whose edges are word boundaries: "<p>a</p><p>b</p>" is "a b", not "ab".
_BLOCK_TAGS = frozenset(
    {"p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "blockquote"}
    | {"table", "tr", "td", "th", "br", "hr", "dt", "dd", "section", "math"}
)
_UNREAD_TAGS = frozenset({"annotation", "script", "style", "svg"})
# MathML layouts whose children read with a sign between them.
_LAYOUT_SIGNS = {
    "msub": ("_",),
    "msup": ("^",),
    "msubsup": ("_", "^"),
    "munder": ("_",),
    "mover": ("^",),
    "munderover": ("_", "^"),
    "mfrac": ("/",),
}


class _Reader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts = []
        self.depth = 0
        self.unread_from = None  # the depth of the element being left out, if any
        self.layouts = []  # [depth, signs, children ended] of the open MathML layouts

    def handle_starttag(self, tag, attrs):
        if tag in _VOID_TAGS:
            if self.unread_from is None:
                alt = dict(attrs).get("alt") if tag == "img" else None
                self.parts.append(f" {alt} " if alt else " ")
            return
        self.depth += 1
        if self.unread_from is not None:
            return
        if tag in _UNREAD_TAGS or (tag == "span" and _has_class(attrs, "katex-html")):
            self.unread_from = self.depth
        elif tag in _BLOCK_TAGS:
            self.parts.append(" ")
        elif tag in _LAYOUT_SIGNS:
            self.layouts.append([self.depth, _LAYOUT_SIGNS[tag], 0])
        elif tag in ("msqrt", "mroot"):
            self.parts.append("√")

    def handle_endtag(self, tag):
        if tag in _VOID_TAGS:
            return
        if self.unread_from == self.depth:
            self.unread_from = None
        elif self.unread_from is None:
            if tag in _BLOCK_TAGS:
                self.parts.append(" ")
            if self.layouts:
                layout = self.layouts[-1]
                if layout[0] == self.depth:
                    self.layouts.pop()
                elif layout[0] + 1 == self.depth:  # a child of the layout ended
                    if layout[2] < len(layout[1]):
                        self.parts.append(layout[1][layout[2]])
                    layout[2] += 1
        self.depth -= 1

    def handle_data(self, data):
        if self.unread_from is None:
            self.parts.append(data)


def _has_class(attrs, name):
    return any(key == "class" and name in (value or "").split() for key, value in attrs)
