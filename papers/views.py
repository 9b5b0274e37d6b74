from functools import wraps
from itertools import groupby
from urllib.parse import quote

from django.http import HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.safestring import mark_safe

from following.services import with_follower_count
from following.views import follow_context
from shortscience import fragments
from shortscience.pagination import offset_page, paginate
from shortscience.text import plural
from summaries import cards, discussion, listing
from summaries.models import TEXT_FIELDS, Citation, Summary
from topics.services import paper_topics

from . import identifiers, venues
from .head import head_html
from .keys import is_valid_key
from .models import Paper, VenueYear, venue_display_name

# Enough to show the paper's place in the conversation without making the page a list.
CITING_LIMIT = 20
# A paper's page lists its summaries a few at a time, each with the start of its
# discussion, so that it weighs about the same however much was written about the paper:
# a summary whose HTML is over WHOLE_SUMMARY_UP_TO bytes shows as its excerpt, and
# under each the first COMMENT_THREADS threads with up to REPLIES_PER_THREAD replies each.
# The rest is on the summary's own page.
SUMMARIES_PER_PAGE = 5
WHOLE_SUMMARY_UP_TO = 20_000
COMMENT_THREADS = 3
REPLIES_PER_THREAD = 2
VENUE_PAGE_SIZE = 50
# A venue's papers of a year are paged by OFFSET (see venue_year), so the depth is
# bounded: 5,000 papers with summaries from one venue in one year is far beyond any.
VENUE_MAX_PAGES = 100
# A venue's page across years lists at most this many of its papers (the newest): its
# ids are read first, in one query of one column, and a page of them in a second.
VENUE_MAX_PAPERS = VENUE_PAGE_SIZE * VENUE_MAX_PAGES


class PaperNotFound(Exception):
    """Raised with the key that was asked for; answered with a page that names it."""

    def __init__(self, key, malformed=False):
        super().__init__(key)
        self.key = key
        self.malformed = malformed


def get_paper_or_404(request, key, papers=None):
    """The paper `key` names: its key, or an alias, arXiv id or DOI (which callers
    redirect to the canonical address), read from `papers` (all of them by default).
    DOIs hold characters no key may, such as `()<>;`, so they are looked up before
    anything is called malformed."""
    paper = (Paper.objects.all() if papers is None else papers).resolve(key)
    if paper is None:
        raise PaperNotFound(key, malformed=not _could_name_a_paper(key))
    return paper


def _could_name_a_paper(key):
    return bool(
        is_valid_key(key) or identifiers.normalize_doi(key) or identifiers.normalize_arxiv_id(key)
    )


def answers_unknown_papers(view):
    """Answer an unknown or malformed key with a 404 page that names the key."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except PaperNotFound as exc:
            context = {"key": exc.key, "malformed": exc.malformed}
            return render(request, "papers/not_found.html", context, status=404)

    return wrapper


@answers_unknown_papers
def detail(request, key):
    # Its follower count read with it, for the Follow button (following.views).
    paper = get_paper_or_404(request, key, with_follower_count(Paper.objects.all(), "paper"))
    if paper.bibtex_key != key:
        # Keys match whatever their case, and aliases, arXiv ids and DOIs name the
        # paper too; the page lives at one address.
        return HttpResponsePermanentRedirect(paper.get_absolute_url())
    if request.user.is_authenticated:
        # Not cached: a reader's own summary, votes and forms (with their CSRF token)
        # are theirs alone.
        listing = _summaries_listing(request, paper)
    else:
        scopes = [fragments.paper_scope(paper.pk)]
        parts = (paper.pk, request.get_full_path())
        listing = fragments.cached(
            "paper", parts, scopes, lambda: _summaries_listing(request, paper)
        )
    # Most papers are cited by no summary: the citations' own index answers that in
    # one short query, and only a cited paper's page asks for the summaries.
    citing = (
        Summary.objects.public()
        .filter(pk__in=Citation.objects.citing(paper))
        .exclude(paper=paper)
        .select_related("paper", "author")
        .defer(*TEXT_FIELDS, "paper__abstract", "paper__abstract_html")
        .newest_first()[:CITING_LIMIT]
        if Citation.objects.is_cited(paper)
        else ()
    )
    context = {
        "paper": paper,
        "paper_head": head_html(request, paper, paper_topics(paper)),
        "citing_summaries": citing,
        **listing,
    }
    return render(request, "papers/detail.html", context)


def listed_summaries(paper, user):
    """The summaries of `paper` (a Paper, or its id) that `user` sees, in the order its
    page lists them: best first, the reader's own before all others. Read through a
    Paper's related manager, each summary comes with that Paper (see `for_listing`)."""
    summaries = (
        paper.summaries.all() if isinstance(paper, Paper) else Summary.objects.filter(paper=paper)
    )
    return summaries.on_paper_page(user)


def listing_url(summary, user):
    """The address of the page of the paper's summaries that lists `summary`, at it.

    One query, of the paper's summaries' ids: a paper has at most a few hundred.
    """
    ids = list(listed_summaries(summary.paper_id, user).values_list("pk", flat=True))
    number = ids.index(summary.pk) // SUMMARIES_PER_PAGE + 1 if summary.pk in ids else 1
    query = f"?page={number}" if number > 1 else ""
    return f"{summary.paper.get_absolute_url()}{query}#{summary.anchor}"


def _summaries_listing(request, paper):
    """The paper's summaries as its page lists them: one page of them, rendered; the
    public count; the reader's own summary and the page's number.

    A fixed number of queries: the count, the page, its comments; for a logged-in
    reader also their own summary, which the public count leaves out when it is private
    or hidden, and which the pages after the first, where it is not listed, link to.
    """
    user = request.user

    def summaries():
        # Built only for the count of a long list and for its later pages: building it
        # cost 0.4 ms, and most papers' summaries fit on the first page.
        summaries = listed_summaries(paper, user).for_listing(whole_up_to=WHOLE_SUMMARY_UP_TO)
        return summaries.with_user_vote(user)

    page = paginate(
        request,
        summaries,
        SUMMARIES_PER_PAGE,
        # The first page, through a statement compiled once.
        first=lambda: listing.paper_first_page(
            paper, user, limit=SUMMARIES_PER_PAGE + 1, whole_up_to=WHOLE_SUMMARY_UP_TO
        ),
    )
    # The first threads of each, every comment as its excerpt, which links to the
    # comment whole in context (CommentQuerySet.for_listing).
    discussion.attach_heads(page, threads=COMMENT_THREADS, replies=REPLIES_PER_THREAD)
    cards.attach_blocks(page, request, comment_sections=True)
    own = None
    if user.is_authenticated:
        own = (
            Summary.objects.filter(paper=paper, author=user)
            .only("pk", "is_private", "is_hidden")
            .first()
        )
    # The paginator counts the reader's own summary even when only they can see it.
    public_count = page.paginator.count - bool(own and (own.is_private or own.is_hidden))
    # No comment form: the paper page links each summary's "Add a comment" to its own page.
    context = {"paper": paper, "page": page}
    return {
        "summaries_html": render_to_string("papers/_summaries.html", context, request),
        "public_count": public_count,
        "own_summary": own,
        "page_number": page.number,
    }


@answers_unknown_papers
def legacy_redirect(request):
    """`/paper?bibtexKey=KEY&a=username` from the old site, moved here for good.

    A key the site knows (or an alias, arXiv id, DOI) goes straight to the paper's
    canonical page; any other valid key goes to /paper/KEY/, which says it is not known.
    A name that is no valid key is answered here, with the page that says it is not
    known or not a key: the address is only ever built from a valid key, whose parts
    hold no `..` that would lead out of /paper/ (see papers.keys). With `a=username`,
    to that user's summary: to its own page, which is where it stays, whereas its place
    among the paper's summaries moves with every vote. Only a public summary signed
    with the name is found by it; otherwise the link goes to the paper's page at
    `#username`, as it would for a name that wrote nothing.
    """
    key = request.GET.get("bibtexKey", "").strip()
    if not key:
        return redirect("summaries:home", permanent=True)
    paper = Paper.objects.resolve(key)
    if paper:
        url = paper.get_absolute_url()
    elif is_valid_key(key):
        url = reverse("papers:detail", args=[key])
    else:
        raise PaperNotFound(key, malformed=not _could_name_a_paper(key))
    if username := request.GET.get("a", "").strip():
        signed = (
            Summary.objects.signed()
            .filter(paper=paper, author__username=username)
            .values_list("pk", flat=True)
            .first()
            if paper
            else None
        )
        if signed is not None:
            return HttpResponsePermanentRedirect(reverse("summaries:detail", args=[signed]))
        url += "#" + quote(username, safe="")
    return HttpResponsePermanentRedirect(url)


@answers_unknown_papers
def bibtex(request, key):
    """The paper's BibTeX entry as a .bib file."""
    paper = get_paper_or_404(request, key)
    if paper.bibtex_key != key:
        return HttpResponsePermanentRedirect(reverse("papers:bibtex", args=[paper.bibtex_key]))
    response = HttpResponse(paper.bibtex_entry, content_type="application/x-bibtex; charset=utf-8")
    filename = paper.bibtex_key.replace("/", "_").replace(":", "_") + ".bib"
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def venue_list(request):
    """Venues, each with its years, counting public summaries only.

    The counts are the VenueYear rows, one per venue and year, kept by the database.
    The page links every venue's every year, so its table is kept as HTML and a
    visitor's whole page is cached. They change only with a summary written, deleted,
    hidden or made private, or a paper's venue or year changed, and each of those
    invalidates the LISTINGS scope (summaries.receivers, moderation.services,
    papers.importing).
    """
    return fragments.cached_page(request, [fragments.LISTINGS], lambda: _venue_list_page(request))


def _venue_list_page(request):
    # The table is the same for everyone, and printing a link per venue and year is
    # most of the page's cost (30 ms for 600 of them): kept as HTML, for readers too.
    table = fragments.cached("venues", (), [fragments.LISTINGS], _venue_table)
    return render(request, "venues/list.html", {"table": mark_safe(table)})


def _venue_table():
    venues = _venues()
    return render_to_string("venues/_table.html", {"venues": venues}) if venues else ""


def _venues():
    rows = sorted(VenueYear.objects.listed(), key=lambda row: row["venue"].lower())
    return [
        _venue_entry(list(group)) for _, group in groupby(rows, lambda row: row["venue"].lower())
    ]


def _venue_entry(rows, name=None):
    """One venue from its rows (VenueYear.objects.listed: spellings × years): printed
    under `name`, or else in the spelling with the most summaries; its years newest
    first (year 0, papers without one, counts for the venue but links nowhere)."""
    by_spelling = {}
    by_year = {}
    for row in rows:
        count = row["public_summary_count"]
        by_spelling[row["venue"]] = by_spelling.get(row["venue"], 0) + count
        by_year[row["year"]] = by_year.get(row["year"], 0) + count
    name = name or venue_display_name(by_spelling)
    # The year pages' addresses are the venue's with the year added (papers.urls): one
    # reverse() per venue rather than one per year, 600 of them on the venue list.
    url = reverse("papers:venue", args=[name])
    years = [
        {
            "year": year,
            "url": f"{url}{year}/",
            "title": plural(by_year[year], "summary", "summaries"),
        }
        for year in sorted((year for year in by_year if year), reverse=True)
    ]
    return {"name": name, "url": url, "summary_count": sum(by_year.values()), "years": years}


def venue_year(request, venue, year):
    """A venue's papers of one year that have public summaries, most summarized first,
    then newest first: the order of an index (paper_venue_year_top_idx), read a page at a
    time. Numbered pages by OFFSET, which VENUE_MAX_PAGES bounds, so that a page's
    number can be linked.
    """
    papers = (
        Paper.objects.in_venue(venue, year)
        .with_public_summaries()
        .defer("abstract", "abstract_html")
        .order_by("-public_summary_count", "-pk")
    )
    page = offset_page(request, papers, VENUE_PAGE_SIZE, VENUE_MAX_PAGES)
    if page.number == 1 and not page.object_list and (name := venues.other_name(venue)):
        # Only when nothing is stored under this spelling: an old link (`/venue/nips/`)
        # to papers now stored under the venue's name costs no query otherwise.
        return _moved(request, "papers:venue_year", name, year)
    name = page.object_list[0].venue if page.object_list else venue
    return render(
        request,
        "venues/year.html",
        {"venue": name, "year": year, "page": page},
        status=200 if page.object_list else 404,
    )


def venue_page(request, venue):
    """A venue's papers with public summaries across its years, newest first, with its
    years linking to their pages. `/venue/NIPS/` redirects to `/venue/NeurIPS/`.

    Ids first: the venue's papers with a public summary are read as ids, newest first,
    at most VENUE_MAX_PAPERS, in the order of an index (paper_venue_recent_idx); a page
    of them is then read by id. Numbered pages count that list in Python, with no COUNT
    and no OFFSET. The years are the venue's VenueYear rows. Cached whole for visitors,
    as the venue list is, until a summary or a paper changes (the LISTINGS scope); the
    years and the ids are cached as long for everyone else.
    """
    known = venues.lookup(venue)
    if known and known.name != venue:
        return _moved(request, "papers:venue", known.name)
    return fragments.cached_page(
        request, [fragments.LISTINGS], lambda: _venue_page(request, venue, known)
    )


def _venue_page(request, venue, known):
    # The years and the ids are kept for a reader too, as the list of venues is: only
    # the page's papers are read on each request.
    rows, ids = fragments.cached("venue", (venue,), [fragments.LISTINGS], lambda: _venue_ids(venue))
    entry = (
        _venue_entry(rows, known and known.name)
        if rows
        else {"name": venue, "summary_count": 0, "years": []}
    )
    name = known.name if known else entry["name"]
    page = paginate(request, ids, VENUE_PAGE_SIZE)
    by_id = (
        Paper.objects.filter(pk__in=page.object_list)
        .defer("abstract", "abstract_html")
        .order_by()
        .in_bulk()
    )
    page.object_list = [by_id[pk] for pk in page.object_list if pk in by_id]
    context = {
        "venue": known,
        "name": name,
        "summary_count": entry["summary_count"],
        "years": entry["years"],
        "page": page,
        "capped": len(ids) == VENUE_MAX_PAPERS,
        # No count: a visitor's venue page is cached whole (fragments.cached_page), and
        # a follow must not make every venue page stale.
        **follow_context(request, venue=name, counted=False),
    }
    # A venue of the table is a page even before its first summary; any other name is
    # one only while some paper of it has a public summary.
    return render(request, "venues/venue.html", context, status=200 if known or ids else 404)


def _venue_ids(venue):
    """A venue's rows of years (VenueYear.objects.listed) and the ids of its papers
    with a public summary, newest first, at most VENUE_MAX_PAPERS."""
    rows = list(VenueYear.objects.filter(venue__iexact=venue).listed())
    ids = list(
        Paper.objects.summarized_in_venue(venue).values_list("pk", flat=True)[:VENUE_MAX_PAPERS]
    )
    return rows, ids


def _moved(request, url_name, *args):
    url = reverse(url_name, args=args)
    if query := request.META.get("QUERY_STRING"):
        url += f"?{query}"
    return HttpResponsePermanentRedirect(url)


def legacy_venue(request):
    """`/venue?key=nips&year=2016` from the old site, moved here for good."""
    venue = request.GET.get("key", "").strip()
    year = request.GET.get("year", "").strip()
    if not venue:
        return redirect("papers:venues", permanent=True)
    # Straight to the venue's name ("nips" is NeurIPS), not through a second redirect.
    known = venues.lookup(venue)
    name = known.name if known else venue
    if year.isdigit() and len(year) == 4:
        return redirect("papers:venue_year", name, int(year), permanent=True)
    return redirect("papers:venue", name, permanent=True)
