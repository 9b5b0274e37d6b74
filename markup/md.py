"""Step 2 of rendering: Python-Markdown, its extensions, and what each flavor allows.

The syntax is a superset of the original site's (marked, GitHub-flavoured): lists nest
at two spaces (markup.lists), ``~~strikethrough~~`` and task lists (pymdown-extensions),
bare image addresses show the image wherever they stand, and a YouTube or Vimeo address
on a line of its own becomes a preview that loads the player only when clicked.

- summary: headings, moved down so that the text's top level is an h3 (the page
  around a summary has its own h1 and h2) and the levels below follow without gaps;
  images, bare image addresses shown as images, video previews.
- abstract: images and video previews as in summaries; headings become bold paragraphs.
- comment: no headings (bold paragraphs), no images and no previews (links to them).
"""

from __future__ import annotations

import hashlib
import re
from html import escape
from types import MethodType
from urllib.parse import unquote, urlsplit
from xml.etree import ElementTree as etree

import markdown
from markdown.extensions import Extension
from markdown.extensions.codehilite import CodeHilite, CodeHiliteExtension, parse_hl_lines
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor
from markdown.util import HTML_PLACEHOLDER_RE

from .fences import fenced_blocks
from .highlight import CSS_CLASS
from .links import is_image_url, is_shown_image, video
from .lists import ListIndentPreprocessor

__all__ = [
    "DEMOTED_HEADINGS",
    "IMAGE_CLASS",
    "TASK_ITEM_CLASS",
    "TASK_LIST_CLASS",
    "VIDEO_CLASSES",
    "convert",
]

# Fenced code comes from markup.fences (see _FencedCodePreprocessor), not from
# Python-Markdown's fenced_code extension, whose pattern is superlinear.
_EXTENSIONS = [
    "tables",
    "footnotes",
    "sane_lists",
    "codehilite",
    "pymdownx.tilde",
    "pymdownx.tasklist",
]
_CONFIG = {
    "codehilite": {"css_class": CSS_CLASS, "guess_lang": False, "noclasses": False},
    # Alignment as an attribute: inline styles are not allowed in user content.
    "tables": {"use_align_attribute": True},
    # ~~struck~~ only: a lone "~" stays a tilde ("~5 ms", "x ~ N(0, 1)" outside $…$).
    "pymdownx.tilde": {"subscript": False},
}
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_TOP_LEVEL = 3  # the page has its own h1 (the paper) and h2 (the summaries)
DEMOTED_HEADINGS = frozenset({"h3", "h4", "h5", "h6"})
IMAGE_CLASS = "summary-image"
# A task list's items and the list that holds them (pymdownx.tasklist's names).
TASK_ITEM_CLASS = "task-list-item"
TASK_LIST_CLASS = "task-list"
# A video preview: the link (markup.sanitize adds its data attributes), the play
# button drawn by CSS, and the caption.
VIDEO_CLASS = "video-preview"
VIDEO_CLASSES = {"link": VIDEO_CLASS, "play": "video-play", "caption": "video-caption"}
_VIDEO_NAMES = {"youtube": "YouTube", "vimeo": "Vimeo"}


def convert(text: str, flavor: str) -> str:
    # A fresh instance per call: Markdown objects keep per-document state and are not
    # thread-safe, and building one costs about a millisecond.
    # Footnote ids get a prefix drawn from the text: a paper page shows several
    # summaries, and each one's "fn:1" must be its own.
    footnote_prefix = hashlib.sha1(text.encode()).hexdigest()[:6]
    md = markdown.Markdown(
        extensions=[*_EXTENSIONS, _FlavorExtension(flavor, footnote_prefix)],
        extension_configs=_CONFIG,
        output_format="html",
    )
    return md.convert(text)


class _FlavorExtension(Extension):
    def __init__(self, flavor: str, footnote_prefix: str) -> None:
        super().__init__()
        self.flavor = flavor
        self.footnote_prefix = footnote_prefix

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 (Markdown's API)
        # After "inline" (20), which creates the <img> elements and leaves bare URLs as
        # text.
        md.treeprocessors.register(
            _FlavorTreeprocessor(md, self.flavor, self.footnote_prefix), "flavor", 15
        )
        # The name and priority of fenced_code's preprocessor: after whitespace is
        # normalized (30), before raw HTML blocks are stashed (20).
        md.preprocessors.register(_FencedCodePreprocessor(md), "fenced_code_block", 25)
        # After fenced code and raw HTML blocks are stashed: their lines are never
        # re-indented.
        md.preprocessors.register(ListIndentPreprocessor(md), "list_indent", 15)
        for name in _LINK_PATTERNS:
            if name in md.inlinePatterns:
                processor = md.inlinePatterns[name]
                processor.getText = MethodType(_link_text, processor)
                if hasattr(processor, "getLink"):
                    processor.getLink = _bounded_link(processor.getLink)


# Pygments' lexers are regular expressions, and some backtrack on crafted input: a text's
# code is highlighted up to this many characters in all; the rest is shown plain.
_MAX_HIGHLIGHTED = 30_000


class _FencedCodePreprocessor(Preprocessor):
    """Fenced code blocks, found by markup.fences, highlighted and stashed.

    What Python-Markdown's fenced_code does with its blocks, less what the sanitizer
    would drop anyway (ids, arbitrary attributes): the language is the first class,
    ``hl_lines`` marks lines.
    """

    def run(self, lines: list[str]) -> list[str]:
        text = "\n".join(lines)
        config = next(
            (
                e.getConfigs()
                for e in self.md.registeredExtensions
                if isinstance(e, CodeHiliteExtension)
            ),
            {},
        )
        out = []
        pos = 0
        budget = _MAX_HIGHLIGHTED
        for block in fenced_blocks(text):
            if budget >= len(block.code):
                budget -= len(block.code)
                options = {**config, "lang": block.lang or None}
                options.pop("pygments_style", None)
                if block.hl_lines:
                    options["hl_lines"] = parse_hl_lines(block.hl_lines)
                html = CodeHilite(block.code, **options).hilite(shebang=False)
            else:
                html = f"<pre><code>{escape(block.code)}</code></pre>"
            out.append(text[pos : block.start])
            out.append(f"\n{self.md.htmlStash.store(html)}\n\n")
            pos = block.end
        if not out:
            return lines
        out.append(text[pos:])
        return "".join(out).split("\n")


# Every inline pattern that reads "[text]" through LinkInlineProcessor.getText.
_LINK_PATTERNS = (
    "reference",
    "link",
    "image_link",
    "image_reference",
    "short_reference",
    "short_image_ref",
)
# Markdown's getText walks, for each "[", to its matching "]" character by character:
# thousands of nested brackets took seconds. Real link text nests a level or two.
_MAX_BRACKET_DEPTH = 32
_BRACKET_RE = re.compile(r"[\[\]]")


def _link_text(self: object, data: str, index: int) -> tuple[str, int, bool]:
    """LinkInlineProcessor.getText, giving up on brackets nested too deep to be a link."""
    depth = 1
    for m in _BRACKET_RE.finditer(data, index):
        depth += 1 if m.group(0) == "[" else -1
        if depth == 0:
            return data[index : m.start()], m.end(), True
        if depth > _MAX_BRACKET_DEPTH:
            break
    return "", index, False


# Markdown's getLink reads, for each "[text](", up to the matching ")" character by
# character, to the end of the paragraph if there is none: a text of unclosed links took
# minutes. A link's address and title fit in this many characters.
_MAX_LINK_TARGET = 2_048


def _bounded_link(get_link):
    """LinkInlineProcessor.getLink, reading at most _MAX_LINK_TARGET characters."""

    def bounded(data: str, index: int) -> tuple[str, str | None, int, bool]:
        href, title, end, handled = get_link(data[index : index + _MAX_LINK_TARGET], 0)
        return href, title, index + end, handled

    return bounded


class _FlavorTreeprocessor(Treeprocessor):
    def __init__(self, md: markdown.Markdown, flavor: str, footnote_prefix: str) -> None:
        super().__init__(md)
        self.demote = flavor == "summary"
        # Images and video previews: both show what another site serves.
        self.media = flavor != "comment"
        self.footnote_prefix = footnote_prefix

    def run(self, root: etree.Element) -> None:
        headings = [el for el in root.iter() if el.tag in _HEADINGS]
        # The text's own top level becomes the page's next free level (h3), and the
        # levels below follow it, so the page outline has no gaps whatever level the
        # author started at.
        shift = _TOP_LEVEL - min((int(el.tag[1]) for el in headings), default=_TOP_LEVEL)
        for el in headings:
            if self.demote:
                el.tag = f"h{min(int(el.tag[1]) + shift, 6)}"
            else:
                _to_bold_paragraph(el)
        for el in list(root.iter()):
            if el.tag == "img":
                if not is_shown_image(el.get("src", "")):
                    _image_to_text(el)
                elif self.media:
                    el.set("loading", "lazy")
                else:
                    _image_to_link(el)
            elif el.tag in ("a", "li", "sup") and self.footnote_prefix:
                _prefix_footnote_ids(el, self.footnote_prefix)
            if el.tag == "li" and TASK_ITEM_CLASS in el.get("class", ""):
                _task_box_to_glyph(self.md, el)
        if self.media:
            for el in _text_holders(root):
                _show_bare_media(el)


def _prefix_footnote_ids(el: etree.Element, prefix: str) -> None:
    for name in ("id", "href"):
        value = el.get(name)
        if value and value.lstrip("#").startswith(("fn:", "fnref:")):
            head, _, number = value.partition(":")
            el.set(name, f"{head}:{prefix}-{number}")


def _image_to_text(el: etree.Element) -> None:
    # Only web images and figures are shown; an image with another address would be left with no
    # source at all by the sanitizer. Its alt text stands in for it.
    alt, tail = el.get("alt", ""), el.tail
    el.clear()
    el.tag, el.text, el.tail = "span", alt, tail


def _to_bold_paragraph(el: etree.Element) -> None:
    strong = etree.Element("strong")
    strong.text = el.text
    strong.extend(list(el))
    tail = el.tail
    el.clear()
    el.tag, el.tail = "p", tail
    el.append(strong)


def _image_to_link(el: etree.Element) -> None:
    # The alt text is kept: it is what the author wrote.
    src, alt, title = el.get("src", ""), el.get("alt", ""), el.get("title")
    el.attrib.clear()
    if is_shown_image(src):
        el.tag = "a"
        el.set("href", src)
        if title:
            el.set("title", title)
        el.text = alt or src
    else:
        el.tag = "span"
        el.text = alt


# A web address in text, as far as it can run in prose. Each search resumes where the
# last match ended, and the character class stops at the first space: one linear scan.
_BARE_URL_RE = re.compile(r"https?://[^\s<>\"'`\\]+", re.IGNORECASE)
# Punctuation that ends a sentence rather than an address (GitHub's rule), and a closing
# parenthesis that has no opening one in the address.
_TRAILING = frozenset(".,:;!?*_~")
# Elements whose text is not prose: links, code and images are left as written.
_NOT_PROSE = frozenset({"a", "code", "pre", "img"})
# Elements that may hold a video preview (a block of its own, drawn by CSS).
_VIDEO_HOLDERS = frozenset({"p", "li"})
# Elements that end a line, so text just before or after them starts or ends one.
_LINE_BREAKS = frozenset({"br"})


def _text_holders(root: etree.Element) -> list[etree.Element]:
    """Every element whose own text is prose: all but links, code and images, and what
    they hold. Walked with a stack, listed before any is changed."""
    found, stack = [], [root]
    while stack:
        el = stack.pop()
        found.append(el)
        stack.extend(child for child in el if child.tag not in _NOT_PROSE)
    return found


def _show_bare_media(el: etree.Element) -> None:
    """Bare image addresses in ``el``'s own text become the image, wherever they stand;
    a YouTube or Vimeo address alone on its line, in a paragraph or list item, becomes a
    video preview. Other addresses stay text (linkify makes them links).

    Text inside inline elements is looked at in its own turn (``_text_holders``); text in
    links, code and images never is.
    """
    children = list(el)
    # Each run of the element's own text: its text, then each child's tail.
    for index in range(len(children), -1, -1):
        text = el.text if index == 0 else children[index - 1].tail
        if not text or "://" not in text:
            continue
        opens_line = index == 0 or children[index - 1].tag in _LINE_BREAKS
        closes_line = index == len(children) or children[index].tag in _LINE_BREAKS
        pieces: list[str | etree.Element] = []
        pos = 0
        for m in _BARE_URL_RE.finditer(text):
            if m.start() > 0 and text[m.start() - 1].isalnum():
                continue
            url = _trim(m.group(0))
            end = m.start() + len(url)
            if is_image_url(url):
                shown = _image_link(url)
            elif (
                el.tag in _VIDEO_HOLDERS
                and (found := video(url))
                and _alone_on_line(text, m.start(), end, opens_line, closes_line)
            ):
                shown = _video_link(url, found.provider)
            else:
                continue
            pieces.append(text[pos : m.start()])
            pieces.append(shown)
            pos = end
        if not pieces:
            continue
        pieces.append(text[pos:])
        _replace_text(el, index, pieces)


def _trim(url: str) -> str:
    """``url`` without the punctuation after it that belongs to the sentence."""
    unmatched = url.count(")") - url.count("(")
    end = len(url)
    while end:
        char = url[end - 1]
        if char in _TRAILING:
            end -= 1
        elif char == ")" and unmatched > 0:
            end -= 1
            unmatched -= 1
        else:
            break
    return url[:end]


def _alone_on_line(text: str, start: int, end: int, opens_line: bool, closes_line: bool) -> bool:
    """Only spaces between ``text[start:end]`` and the line's ends. Each look goes no
    further than the spaces next to the address, so the scan stays linear."""
    before = start
    while before > 0 and text[before - 1] == " ":
        before -= 1
    after = end
    while after < len(text) and text[after] == " ":
        after += 1
    starts = text[before - 1] == "\n" if before > 0 else opens_line
    ends = text[after] == "\n" if after < len(text) else closes_line
    return starts and ends


def _video_link(url: str, provider: str) -> etree.Element:
    """The preview: a link to the video, drawn as a box with a play button. It stays a
    link without JavaScript; static/js/video.js puts the player in its place on click,
    from the data attributes markup.sanitize derives from the link's address."""
    link = etree.Element("a", {"href": url, "class": VIDEO_CLASSES["link"]})
    etree.SubElement(link, "span", {"class": VIDEO_CLASSES["play"]})
    caption = etree.SubElement(link, "span", {"class": VIDEO_CLASSES["caption"]})
    caption.text = f"{_VIDEO_NAMES[provider]} video: {url}"
    return link


_TASK_BOXES = {False: "\u2610", True: "\u2611"}  # ☐ and ☑


def _task_box_to_glyph(md: markdown.Markdown, item: etree.Element) -> None:
    """pymdownx.tasklist's checkbox, stashed as raw ``<input>``, becomes a glyph.

    A glyph cannot be ticked, needs no form element in user content, and is read out
    ("ballot box", "ballot box with check") by screen readers.
    """
    holder = item
    if not item.text and len(item) and item[0].tag == "p":
        holder = item[0]
    m = HTML_PLACEHOLDER_RE.match(holder.text or "")
    if m is None:
        return
    stashed = md.htmlStash.rawHtmlBlocks[int(m.group(1))]
    if not str(stashed).startswith('<input type="checkbox"'):
        return
    checked = " checked" in str(stashed)
    holder.text = f"{_TASK_BOXES[checked]} {holder.text[m.end() :]}"


def _image_link(url: str) -> etree.Element:
    # The link's only content is the image, so its alt text is the link's name.
    name = unquote(urlsplit(url).path.rsplit("/", 1)[-1]) or "image"
    link = etree.Element("a", {"href": url})
    attributes = {"src": url, "alt": f"Image: {name}", "loading": "lazy", "class": IMAGE_CLASS}
    etree.SubElement(link, "img", attributes)
    return link


def _replace_text(paragraph: etree.Element, index: int, pieces: list) -> None:
    """Put text, element, text, element, ..., text in place of run ``index``."""
    texts, elements = pieces[0::2], pieces[1::2]
    if index == 0:
        paragraph.text = texts[0]
    else:
        paragraph[index - 1].tail = texts[0]
    for offset, (element, tail) in enumerate(zip(elements, texts[1:], strict=True)):
        element.tail = tail
        paragraph.insert(index + offset, element)
