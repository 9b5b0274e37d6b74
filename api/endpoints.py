"""The public read API (django-ninja): papers by any name, summaries, comments, search,
batch lookup and, with an access token, the token owner's own data.

What every request goes through first (no session, tokens, rate limits, CORS, ETags)
is api.boundary. Lists that can grow are keyset-paged (shortscience.pagination): the
`next` and `previous` addresses carry a signed cursor, and no page counts a table or
skips rows with OFFSET. Search ranks at most 500 matches, so its pages are numbered.
"""

from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import NinjaAPI, Query, Status
from ninja.security import HttpBearer

from accounts import export
from accounts.models import User
from papers import venues
from papers.lookup import find_paper, paper_name, site_hosts
from papers.models import Paper
from papers.views import VENUE_MAX_PAPERS
from search import queries
from search.models import Document
from search.queries import MAX_RESULTS
from search.text import clean_query, highlight_terms, marked_headline, parse_query
from shortscience import fragments
from shortscience.pagination import keyset_page, paginate

from . import lookup as batch
from . import schemas, serialize
from .boundary import problem

PAGE_SIZE = 20
MAX_PAGE_SIZE = 50
# A paper's summaries come whole, with their Markdown: fewer to a page.
MAX_PAPER_PAGE_SIZE = 10
SNIPPET_CHARS = 240


class AccessTokenAuth(HttpBearer):
    """The token api.boundary has already checked (request.api_token): here for the
    endpoints that need one, and for the schema, which then documents it."""

    def authenticate(self, request, token):
        return request.api_token


api = NinjaAPI(
    title="ShortScience API",
    version="1",
    description=(
        "Read-only access to the site's public papers, summaries and comments. "
        "See docs/api.md for examples, limits and paging."
    ),
    urls_namespace="api",
    openapi_url="/schema",
    docs_url="/docs",
)


def refuse(status, detail):
    return Status(status, {"detail": detail})


def absolute(path):
    return serialize.site_url(path) if path else None


def page_of(request, page, rows):
    return {
        "results": rows,
        "next": absolute(page.next_url),
        "previous": absolute(page.previous_url),
    }


@api.get(
    "/papers/{path:name}",
    response={200: schemas.Paper, 404: schemas.Error},
    url_name="paper",
    summary="A paper by any of its names",
)
def paper(request, name: str):
    """A paper by its BibTeX key (which may hold slashes), an alias key, its arXiv id in
    any spelling (`1706.03762v5`, `arXiv:1706.03762`) or its DOI (with or without
    `doi:` or https://doi.org/). Percent-encode `?`, `#` and `%` in a name."""
    found = Paper.objects.resolve(name)
    if found is None:
        return refuse(404, f"No paper is known by the name {name!r}.")
    return serialize.paper(found)


@api.get(
    "/summaries",
    response={200: schemas.SummaryPage, 400: schemas.Error, 404: schemas.Error},
    url_name="summaries",
    summary="Public summaries: recent, or of one paper, person or venue",
)
def summaries(
    request,
    paper: str = Query("", description="A paper by any of its names: its summaries, best first."),
    user: str = Query("", description="A username: their signed summaries, newest first."),
    venue: str = Query("", description="A venue: its papers' summaries, newest first."),
    limit: int | None = Query(None, ge=1, le=MAX_PAGE_SIZE, description="20 unless given."),
):
    """Without a filter, the newest public summaries (the homepage's Recent tab). Texts
    are excerpts where long, except a paper's summaries, which come whole (up to 100 KB
    of HTML each) with their Markdown, at most 10 to a page."""
    filters = [
        name for name, value in (("paper", paper), ("user", user), ("venue", venue)) if value
    ]
    if len(filters) > 1:
        return refuse(400, f"Give one of paper, user or venue, not {' and '.join(filters)}.")
    if paper:
        found = Paper.objects.resolve(paper)
        if found is None:
            return refuse(404, f"No paper is known by the name {paper!r}.")
        limit = limit or MAX_PAPER_PAGE_SIZE
        if limit > MAX_PAPER_PAGE_SIZE:
            return refuse(400, f"A paper's summaries come at most {MAX_PAPER_PAGE_SIZE} a page.")
        rows = serialize.summaries(whole_up_to=serialize.PAPER_WHOLE_UP_TO).filter(paper=found)
        rows = rows.best_first()
    elif user:
        person = User.objects.filter(username=user, is_active=True).first()
        if person is None:
            return refuse(404, f"No one is called {user!r}.")
        # Their signed summaries only (as their profile): an anonymous one listed under
        # them would be signed.
        rows = serialize.summaries().on_profile(person).newest_first()
    elif venue:
        known = venues.lookup(venue)
        name = known.name if known else venue.strip()
        papers = fragments.cached(
            "api-venue-papers", (name.lower(),), [fragments.LISTINGS], lambda: venue_papers(name)
        )
        rows = serialize.summaries().filter(paper_id__in=papers).newest_first()
    else:
        rows = serialize.summaries().newest_first()
    page = keyset_page(request, rows, limit or PAGE_SIZE)
    return page_of(request, page, [serialize.summary(row) for row in page])


def venue_papers(name):
    """The ids of the venue's papers with public summaries, as its page reads them: at
    most VENUE_MAX_PAPERS, the newest. Read first, and cached until a summary or paper
    changes (the LISTINGS scope): joined into the page's query instead, PostgreSQL
    walked the newest summaries of the whole site looking for the venue's, every one of
    them for a venue with none."""
    papers = Paper.objects.summarized_in_venue(name).values_list("pk", flat=True)
    return list(papers[:VENUE_MAX_PAPERS])


def public_summary(pk):
    rows = serialize.summaries(whole_up_to=None).filter(pk=pk)
    return get_object_or_404(rows)


@api.get(
    "/summaries/{int:pk}",
    response={200: schemas.Summary, 404: schemas.Error},
    url_name="summary",
    summary="One public summary, whole, with its Markdown",
)
def summary(request, pk: int):
    return serialize.summary(public_summary(pk))


@api.get(
    "/summaries/{int:pk}/comments",
    response={200: schemas.CommentPage, 404: schemas.Error},
    url_name="comments",
    summary="The comments under a public summary, oldest first",
)
def comments(request, pk: int, limit: int = Query(PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)):
    """Deleted, removed and hidden comments are left out; a reply to one keeps its
    `parent_id`. Comments longer than 20 KB of HTML come as their excerpt."""
    parent = public_summary(pk)
    page = keyset_page(request, serialize.comments(parent), limit)
    return page_of(request, page, [serialize.comment(row, parent) for row in page])


@api.get(
    "/search",
    response={200: schemas.SearchPage},
    url_name="search",
    summary="Search papers, public summaries and comments",
)
def search(
    request,
    q: str = Query(..., description="Words, quoted phrases, OR, -word; or a paper's name."),
    venue: str = Query("", max_length=200),
    year: int | None = Query(None, ge=1000, le=9999),
    limit: int = Query(10, ge=1, le=MAX_PAGE_SIZE),
):
    """The site's search (/search): the same index, syntax and ranking, over public
    text only. At most 500 matches are ranked; pages are numbered (`page`). A query that
    names a paper (an arXiv id, DOI, link or key) answers with that paper."""
    query = clean_query(q)
    answer = {"query": query, "paper": None, "count": 0, "capped": False, "results": []}
    name = paper_name(query, hosts=site_hosts(request))
    if name is not None and (named := find_paper(name)) is not None:
        return {**answer, "paper": serialize.paper_ref(named), "next": None, "previous": None}
    parsed = parse_query(query)
    if not (parsed.is_searchable or parsed.is_name_query):
        return {**answer, "next": None, "previous": None}
    documents = queries.search(query, parsed, venue=venue.strip(), year=year)
    page = paginate(request, documents, limit)
    terms = parsed.positive_terms + (list(parsed.names) if parsed.is_name_query else [])
    results = [_search_result(document, documents.snippets, terms) for document in page]
    count = page.paginator.count
    return {
        **answer,
        "count": count,
        "capped": count >= MAX_RESULTS,
        "results": results,
        "next": absolute(page.next_url),
        "previous": absolute(page.previous_url),
    }


def _search_result(document, snippets, terms):
    if snippets:  # PostgreSQL's ts_headline, the page's own snippets
        snippet = marked_headline(document.headline)
    else:
        snippet = highlight_terms(document.body, terms, max_chars=SNIPPET_CHARS)
    summary = document.summary if document.kind == Document.Kind.SUMMARY else None
    return {
        "kind": document.kind,
        "url": serialize.site_url(document.get_absolute_url()),
        "paper": serialize.paper_ref(document.paper),
        "summary_id": document.summary_id,
        "byline": summary.byline if summary else None,
        "snippet_html": str(snippet),
    }


def _lookup(ids):
    try:
        return {"results": (results := batch.lookup(ids)), "with_summaries": _counted(results)}
    except batch.TooManyIds as exc:
        return refuse(400, str(exc))


def _counted(results):
    return sum(1 for result in results if result["public_summary_count"])


LOOKUP_DOC = (
    "Which of up to 100 arXiv ids and DOIs the site has, with links and their numbers of "
    "public summaries, in the order sent. One database query whatever their number."
)


@api.get(
    "/lookup",
    response={200: schemas.LookupPage, 400: schemas.Error},
    url_name="lookup",
    summary="Batch lookup of arXiv ids and DOIs",
    description=LOOKUP_DOC + " Repeat `id` for each: `?id=1706.03762&id=10.1145/3065386`.",
)
def lookup_get(request, id: list[str] = Query(...)):  # noqa: B008 (how ninja declares it)
    return _lookup(id)


@api.post(
    "/lookup",
    response={200: schemas.LookupPage, 400: schemas.Error},
    url_name="lookup_post",
    summary="Batch lookup of arXiv ids and DOIs (JSON body)",
    description=LOOKUP_DOC + ' Send `{"ids": [...]}`. Reads only: no CSRF token needed.',
)
def lookup_post(request, body: schemas.LookupRequest):
    return _lookup(body.ids)


@api.get(
    "/me/export",
    auth=AccessTokenAuth(),
    response={200: dict, 401: schemas.Error},
    url_name="export",
    summary="Your own data (needs an access token)",
)
def my_export(request):
    """What "Download my data" gives as data.json: your summaries (private, anonymous
    and hidden ones included, with their earlier versions), drafts and comments."""
    return export.export_data(request.auth.user)


@api.exception_handler(Http404)
def not_found(request, exc):
    return problem(404, "Not found: no such public summary, or no such address.")
