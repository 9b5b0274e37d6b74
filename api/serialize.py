"""Rows as the API gives them (the shapes of api.schemas), and the querysets that load
what those shapes print in a fixed number of queries.

Every summary comes through `Summary.objects.public()` and every comment through
`Comment.objects.public()`, the querysets the site's pages use, and the HTML is the
stored, sanitized HTML: nothing is rendered again per request. An anonymous summary's
author, and a comment by that author under it, are never named (the pages' rule, see
`Summary.byline` and `Comment.author_is_withheld`).
"""

from urllib.parse import urlencode

from django.conf import settings
from django.db.models import F
from django.urls import reverse

from summaries.models import Comment, Summary

# Lists of summaries show each text whole up to this much HTML, else its excerpt: a page
# of 50 weighs about what the homepage's cards do. A paper's summaries, which a browser
# extension shows in full, are whole up to PAPER_WHOLE_UP_TO, with their Markdown.
PAPER_WHOLE_UP_TO = 100_000
COMMENT_WHOLE_UP_TO = 20_000


def site_url(path):
    return settings.SITE_URL + path


def api_url(url_name, **kwargs):
    return site_url(reverse(f"api:{url_name}", kwargs=kwargs))


def paper_ref(paper):
    return {
        "key": paper.bibtex_key,
        "title": paper.plain_title,
        "authors": paper.author_list,
        "venue": paper.venue,
        "year": paper.year,
        "arxiv_id": paper.arxiv_id,
        "doi": paper.doi,
        "url": site_url(paper.get_absolute_url()),
        "api_url": api_url("paper", name=paper.bibtex_key),
    }


def paper(paper):
    return {
        **paper_ref(paper),
        "abstract_html": paper.abstract_html,
        "public_summary_count": paper.public_summary_count,
        "summaries_url": f"{api_url('summaries')}?{urlencode({'paper': paper.bibtex_key})}",
    }


def author(user):
    return {
        "username": user.username,
        "display_name": user.display_name,
        "url": site_url(reverse("accounts:profile", args=[user.username])),
    }


def summaries(whole_up_to=0):
    """Public summaries with what `summary()` prints: the paper, the author, the count
    of comments and `shown_html`; with `markdown` (the source) when `whole_up_to` is
    set, as the texts are then shown whole."""
    queryset = Summary.objects.public().for_listing(whole_up_to=whole_up_to)
    if whole_up_to != 0:
        # An annotation, since for_listing() defers the body: loading it that way would
        # cost a query per summary.
        queryset = queryset.annotate(markdown=F("body"))
    return queryset


def summary(row):
    return {
        "id": row.pk,
        "url": site_url(row.get_absolute_url()),
        "api_url": api_url("summary", pk=row.pk),
        "paper": paper_ref(row.paper),
        "author": None if row.is_anonymous else author(row.author),
        "byline": row.byline,
        "score": row.score,
        "comment_count": row.comment_count,
        "created_at": row.created_at,
        "edited_at": row.edited_at,
        "html": row.shown_html,
        "html_is_excerpt": row.is_cut,
        # Only with the whole text: an excerpt's source would be all of it.
        "markdown": None if row.is_cut else getattr(row, "markdown", None),
    }


def comments(summary_row):
    """The comments under a public summary that anyone sees, oldest first: neither
    hidden nor deleted (nor removed). Replies keep their `parent_id`."""
    return (
        Comment.objects.public()
        .filter(summary=summary_row, deleted_at__isnull=True)
        .for_listing(whole_up_to=COMMENT_WHOLE_UP_TO)
        .annotate(markdown=F("body"))
        .order_by("created_at", "pk")
    )


def comment(row, summary_row):
    row.summary = summary_row  # what author_is_withheld reads, without a query
    if row.author_is_withheld:
        shown, byline = None, "The summary's author"
    elif row.author.deleted_at is not None:
        shown, byline = None, "A deleted account"
    else:
        shown, byline = author(row.author), row.author.username
    return {
        "id": row.pk,
        "url": site_url(row.get_absolute_url()),
        "parent_id": row.parent_id,
        "author": shown,
        "byline": byline,
        "created_at": row.created_at,
        "edited_at": row.edited_at,
        "html": row.shown_html,
        "html_is_excerpt": row.is_cut,
        "markdown": row.markdown,
    }
