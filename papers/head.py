"""A paper's head on its page, kept (shortscience.kept): rendered once for every viewer.

Its title, authors (each a link to a search), venue, topics, links, abstract and BibTeX
entry cost about 0.8 ms to render through the template engine, the largest part of a
paper page's own template work, and they change only when the paper or its topics do.
Only the follow button is the viewer's own: a slot, rendered on each request.
"""

from django.template.loader import render_to_string

from following.views import follow_context
from shortscience.kept import Kept

from .models import Paper

HEAD = Kept(
    "papers/_head.html",
    (
        "includes/paper_heading.html",
        "includes/venue.html",
        "topics/_topic_links.html",
        "papers/_bibtex.html",
    ),
    ("follow",),
)


# Every column but the count of its summaries, which the head does not print: a summary
# posted leaves the head as it was.
_PRINTED = tuple(
    field.attname
    for field in Paper._meta.concrete_fields
    if field.attname != "public_summary_count"
)


def head_html(request, paper, topics):
    """The paper's head for this request. `paper` is loaded whole (every column it
    prints is part of the key, so that any change to it makes a new one); `topics` are
    paper_topics()."""
    printed = (
        tuple(getattr(paper, name) for name in _PRINTED),
        tuple(topics),
    )
    follow_button = follow_context(request, paper=paper)
    follow = render_to_string("following/_follow.html", follow_button, request)
    context = {"paper": paper, "topics": topics}
    return HEAD.html([(HEAD.key(printed), context, {"follow": follow})])[0]
