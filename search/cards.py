"""Search results, rendered once per document and kept (shortscience.kept), as summary
cards are (summaries.cards).

What a result prints of its document and its paper (kind, byline, link, authors, venue)
is the same for every query that finds it, and rendering it through the template engine
cost about 0.1 ms a result. Its title and snippet, with the query's words marked, are
its slots.
"""

from shortscience.kept import Kept

RESULT = Kept(
    "search/_result.html", ("includes/byline.html", "includes/venue.html"), ("title", "snippet")
)


def attach(documents):
    """Set `html`, its HTML for this request, on each of a page of results: documents
    from `DocumentQuerySet.for_results`, given their `snippet` and marked `title_html`
    (search.views)."""
    documents = list(documents)
    items = []
    for document in documents:
        paper = document.paper
        # The document's own title (a paper's, marked) unless the paper's has math,
        # which only the paper's rendered title shows.
        own_title = bool(document.title) and not paper.title_html
        byline = ("", "")
        if document.kind == document.Kind.SUMMARY:
            summary = document.summary
            byline = (summary.is_anonymous, "" if summary.is_anonymous else summary.author.username)
        printed = (
            document.pk,
            document.kind,
            document.get_absolute_url(),
            own_title,
            byline,
            paper.title,
            paper.title_html,
            paper.authors,
            paper.venue,
            paper.year,
        )
        slots = {
            "title": document.title_html if own_title else paper.shown_title,
            "snippet": document.snippet,
        }
        items.append((RESULT.key(printed), {"document": document}, slots))
    for document, html in zip(documents, RESULT.html(items), strict=True):
        document.html = html
    return documents
