from urllib.parse import quote, urlencode

from django import template
from django.urls import NoReverseMatch, reverse

from papers import venues

register = template.Library()

# The search page belongs to the search app, built on its own: its address is taken
# from its URL name where that is installed, and written out otherwise, so that author
# links render either way.
SEARCH_PATH = "/search"


@register.filter
def author_search_url(name):
    """The search for papers by this author: /search?q="Name" (quoted, as a phrase)."""
    try:
        path = reverse("search:results")
    except NoReverseMatch:
        path = SEARCH_PATH
    query = urlencode({"q": '"' + name + '"'}, quote_via=quote)
    return f"{path}?{query}"


@register.filter
def names_year(venue, year):
    """Whether the venue's name ends with the year ("ICML 2019"): printed once, then."""
    return venues.names_year(venue, year)


@register.filter
def venue_and_year(paper):
    """ "NeurIPS 2020" as plain text (page descriptions): the year once, either alone."""
    if paper.year and not venues.names_year(paper.venue, paper.year):
        return f"{paper.venue} {paper.year}".strip()
    return paper.venue
