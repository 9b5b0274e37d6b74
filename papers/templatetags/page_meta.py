"""What a page tells other sites about itself: absolute addresses, schema.org data."""

import json

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()

# The escapes of django.utils.html.json_script: inside a <script> element a "<" could
# start "</script>" (say, in a paper's title) and end the element early. JSON reads
# the escaped forms as the same characters.
_SCRIPT_SAFE = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


@register.simple_tag(takes_context=True)
def absolute_url(context, path):
    """`path` as a full address on the host this request came to (no Sites framework)."""
    request = context.get("request")
    return request.build_absolute_uri(path) if request else path


@register.simple_tag(takes_context=True)
def paper_json_ld(context, paper):
    """The paper as a schema.org ScholarlyArticle, in a JSON-LD script element."""
    data = scholarly_article(paper, absolute_url(context, paper.get_absolute_url()))
    text = json.dumps(data, ensure_ascii=False).translate(_SCRIPT_SAFE)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))


def scholarly_article(paper, url):
    data = {
        "@context": "https://schema.org",
        "@type": "ScholarlyArticle",
        "name": paper.plain_title,
        "author": [{"@type": "Person", "name": name} for name in paper.author_list],
        "url": url,
    }
    if paper.year:
        data["datePublished"] = str(paper.year)
    if paper.venue:
        # A venue is a conference series or a journal; CreativeWorkSeries covers both.
        data["isPartOf"] = {"@type": "CreativeWorkSeries", "name": paper.venue}
    if same_as := [link for link in (paper.arxiv_url, paper.doi_url) if link]:
        data["sameAs"] = same_as
    return data
