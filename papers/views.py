from functools import wraps
from itertools import groupby
from urllib.parse import quote

from django.http import HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import content_disposition_header

from shortscience import fragments
from shortscience.pagination import paginate
from summaries.forms import CommentForm
from summaries.models import Summary

from . import identifiers
from .keys import is_valid_key
from .models import Paper, venue_display_name

# Enough to show the paper's place in the conversation without making the page a list.
CITING_LIMIT = 20
VENUE_PAGE_SIZE = 50


class PaperNotFound(Exception):
    """Raised with the key that was asked for; answered with a page that names it."""

    def __init__(self, key, malformed=False):
        super().__init__(key)
        self.key = key
        self.malformed = malformed


def get_paper_or_404(request, key):
    """The paper `key` names: its key, or an alias, arXiv id or DOI (which callers
    redirect to the canonical address). DOIs hold characters no key may, such as
    `()<>;`, so they are looked up before anything is called malformed."""
    paper = Paper.objects.resolve(key)
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
    paper = get_paper_or_404(request, key)
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
    citing = (
        Summary.objects.public()
        .citing(paper)
        .exclude(paper=paper)
        .select_related("paper", "author")
        .newest_first()[:CITING_LIMIT]
    )
    return render(
        request, "papers/detail.html", {"paper": paper, "citing_summaries": citing, **listing}
    )


def _summaries_listing(request, paper):
    """The paper's summaries as its page lists them: the rendered list, the public
    count and the reader's own summary."""
    summaries = list(
        Summary.objects.filter(paper=paper)
        .visible_to(request.user)
        .for_listing()
        .with_comments()
        .with_user_vote(request.user)
        .best_first()
    )
    context = {
        "paper": paper,
        "summaries": summaries,
        "own_summary": next((s for s in summaries if s.author_id == request.user.id), None),
        "public_count": sum(1 for s in summaries if not (s.is_private or s.is_hidden)),
        "comment_form": CommentForm(),
    }
    html = render_to_string("papers/_summaries.html", context, request)
    return {
        "summaries_html": html,
        "public_count": context["public_count"],
        "own_summary": context["own_summary"],
    }


def legacy_redirect(request):
    """`/paper?bibtexKey=KEY&a=username` from the old site, moved here for good.

    A key the site knows (or an alias, arXiv id, DOI) goes straight to the paper's
    canonical page; any other goes to /paper/KEY/, which says it is not known.
    """
    key = request.GET.get("bibtexKey", "").strip()
    if not key:
        return redirect("summaries:feed", permanent=True)
    paper = Paper.objects.resolve(key)
    url = paper.get_absolute_url() if paper else "/paper/" + quote(key, safe="/:+") + "/"
    if username := request.GET.get("a", "").strip():
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
    """Venues, each with its years, counting public summaries only."""
    rows = sorted(Paper.objects.venue_years(), key=lambda row: row["venue"].lower())
    venues = [
        _venue_entry(list(group)) for _, group in groupby(rows, lambda row: row["venue"].lower())
    ]
    return render(request, "venues/list.html", {"venues": venues})


def _venue_entry(rows):
    """One venue from its rows (spellings × years): printed in the spelling with the
    most summaries, its years newest first."""
    by_spelling = {}
    by_year = {}
    for row in rows:
        count = row["public_summary_count"]
        by_spelling[row["venue"]] = by_spelling.get(row["venue"], 0) + count
        by_year[row["year"]] = by_year.get(row["year"], 0) + count
    name = venue_display_name(by_spelling)
    years = [
        {"year": year, "public_summary_count": by_year[year]}
        for year in sorted((year for year in by_year if year is not None), reverse=True)
    ]
    return {"name": name, "summary_count": sum(by_year.values()), "years": years}


def venue_year(request, venue, year):
    """A venue's papers of one year that have public summaries, most summarized first."""
    papers = (
        Paper.objects.in_venue(venue, year)
        .with_public_summaries()
        .order_by("-public_summary_count", "title", "pk")
    )
    page = paginate(request, papers, VENUE_PAGE_SIZE)
    name = page.object_list[0].venue if page.object_list else venue
    return render(
        request,
        "venues/year.html",
        {"venue": name, "year": year, "page": page},
        status=200 if page.object_list else 404,
    )


def legacy_venue(request):
    """`/venue?key=nips&year=2016` from the old site, moved here for good."""
    venue = request.GET.get("key", "").strip()
    year = request.GET.get("year", "").strip()
    if venue and year.isdigit() and len(year) == 4:
        return redirect("papers:venue_year", venue, int(year), permanent=True)
    return redirect("papers:venues", permanent=True)
