from django import forms
from django.shortcuts import redirect, render
from django.urls import reverse

from papers import venues
from papers.lookup import find_paper, paper_name, site_hosts
from shortscience.pagination import paginate

from . import cards, queries
from .queries import MAX_RESULTS
from .suggest import forgiving_search
from .text import clean_query, highlight_terms, marked_headline, parse_query

PAGE_SIZE = 10
# Fallback snippets: about as long as PostgreSQL's two fragments of up to 35 words.
SNIPPET_CHARS = 240


class FilterForm(forms.Form):
    venue = forms.CharField(required=False, max_length=200)
    year = forms.IntegerField(required=False, min_value=1000, max_value=9999)


def results(request):
    # The query is cleaned rather than validated: whatever was typed gets searched.
    query = clean_query(request.GET.get("q", ""))
    # An arXiv id, a DOI, a link to a paper or a key goes to the paper, if it is here.
    name = paper_name(query, hosts=site_hosts(request))
    if name is not None and (paper := find_paper(name)) is not None:
        return redirect(paper)
    missing = name if name is not None and name.certain else None
    form = FilterForm(request.GET)
    form.is_valid()
    # An invalid filter is left out of cleaned_data: the search runs without it and the
    # form says what was wrong with it.
    venue = (form.cleaned_data.get("venue") or "").strip()
    year = form.cleaned_data.get("year")
    parsed = parse_query(query)
    searchable = parsed.is_searchable or parsed.is_name_query
    listing = not query and bool(venue or year is not None)
    page = suggestion = None
    corrected = False
    if (searchable and not missing) or listing:
        verbatim = request.GET.get("verbatim") == "1"
        documents, suggestion, corrected = _search(
            query, parsed, venue=venue, year=year, verbatim=verbatim
        )
        # Numbered and counted: the matches are at most MAX_RESULTS ids, ranked in one
        # query and then counted and sliced in Python (SearchResults), so neither the
        # count nor a deep page costs more than the first page does.
        page = paginate(request, documents, PAGE_SIZE)
        if venue and not page.paginator.count and (name := venues.other_name(venue)):
            # Papers are stored under the venue's name: "nips" searches NeurIPS. Asked
            # only when the spelling as typed finds nothing.
            venue = name
            documents, suggestion, corrected = _search(
                query, parsed, venue=venue, year=year, verbatim=verbatim
            )
            page = paginate(request, documents, PAGE_SIZE)
        # The words marked are those searched: the suggestion's when its results show.
        _add_snippets(page, parse_query(suggestion.query) if corrected else parsed)
        cards.attach(page)
    return render(
        request,
        "search/results.html",
        {
            "form": form,
            "query": query,
            "venue": venue,
            "year": year,
            "missing": missing,
            "listing": listing,
            "searchable": searchable,
            "page": page,
            "capped": page is not None and page.paginator.count >= MAX_RESULTS,
            "phrase_bounded": page is not None and page.paginator.object_list.phrase_bounded,
            "phrase_candidates": queries.PHRASE_CANDIDATES,
            "suggestion": suggestion,
            "suggestion_url": suggestion and _query_url(request, suggestion.query),
            "corrected": corrected,
            "verbatim_url": corrected and _query_url(request, query, verbatim=True),
        },
    )


def _query_url(request, query, *, verbatim=False):
    """This search for another query: the same filters, its first page."""
    params = request.GET.copy()
    params["q"] = query
    params.pop("page", None)
    params.pop("verbatim", None)
    if verbatim:
        params["verbatim"] = "1"
    return f"{reverse('search:results')}?{params.urlencode()}"


def _search(query, parsed, *, venue, year, verbatim=False):
    """A query's ranked matches; without one, the filters' papers (a listing). As
    (results, suggestion, corrected): a query that finds little gets a spelling
    suggestion, one that finds nothing the suggestion's results if it has any
    (search.suggest), unless `verbatim`."""
    if not query:
        return queries.listing(venue=venue, year=year), None, False

    def search(query, parsed):
        return queries.search(query, parsed, venue=venue, year=year)

    return forgiving_search(search, query, parsed, verbatim=verbatim)


def _add_snippets(page, parsed):
    """Give each result its title and snippet as safe HTML, the matches marked."""
    if page.paginator.object_list.snippets:  # PostgreSQL's ts_headline
        for document in page:
            document.snippet = marked_headline(document.headline)
            document.title_html = marked_headline(document.title_headline)
        return
    terms = parsed.positive_terms + (list(parsed.names) if parsed.is_name_query else [])
    for document in page:
        document.snippet = highlight_terms(document.body, terms, max_chars=SNIPPET_CHARS)
        document.title_html = highlight_terms(document.title, terms)
