"""Stored HTML made fit for feed readers (RSS and Atom, summaries/feeds.py)."""

from html import escape
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit


def feed_html(html, base_url):
    """A summary's stored HTML made fit for feed readers.

    Each formula is stored twice, as KaTeX's HTML (drawn by KaTeX's stylesheet) and as
    MathML. Readers do not load that stylesheet, so the HTML version would show as a
    jumble next to the MathML one: it is dropped and the MathML kept. Relative links
    (citations of papers, footnotes) are made absolute against `base_url`, since a
    reader has no page to resolve them against.

    The input is the stored, already sanitized HTML; this only removes elements and
    rewrites link addresses (re-escaped), so it cannot add markup.
    """
    parser = _FeedHTMLParser(base_url)
    parser.feed(html)
    parser.close()
    return "".join(parser.out)


class _FeedHTMLParser(HTMLParser):
    URL_ATTRIBUTES = frozenset({"href", "src"})

    def __init__(self, base_url):
        # Character references are passed through as written, not decoded and re-encoded.
        super().__init__(convert_charrefs=False)
        self.base_url = base_url
        self.out = []
        # Depth of <span> elements inside a KaTeX HTML subtree being dropped; 0 outside.
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        if self.skipping:
            if tag == "span":
                self.skipping += 1
            return
        if tag == "span" and "katex-html" in (dict(attrs).get("class") or "").split():
            self.skipping = 1
            return
        self.out.append(self._start_tag(tag, attrs))

    def handle_startendtag(self, tag, attrs):
        if not self.skipping:
            self.out.append(self._start_tag(tag, attrs))

    def handle_endtag(self, tag):
        if self.skipping:
            if tag == "span":
                self.skipping -= 1
            return
        self.out.append(f"</{tag}>")

    def handle_data(self, data):
        if not self.skipping:
            self.out.append(data)

    def handle_entityref(self, name):
        if not self.skipping:
            self.out.append(f"&{name};")

    def handle_charref(self, name):
        if not self.skipping:
            self.out.append(f"&#{name};")

    def _start_tag(self, tag, attrs):
        original = self.get_starttag_text()
        relative = [
            name
            for name, value in attrs
            if name in self.URL_ATTRIBUTES and value and not urlsplit(value).scheme
        ]
        if not relative:
            return original
        parts = []
        for name, value in attrs:
            if value is None:
                parts.append(f" {name}")
                continue
            if name in relative:
                value = urljoin(self.base_url, value)
            parts.append(f' {name}="{escape(value, quote=True)}"')
        closing = "/>" if original.endswith("/>") else ">"
        return f"<{tag}{''.join(parts)}{closing}"
