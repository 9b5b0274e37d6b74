from django.urls import path

from . import add_views, correction_views, coverage_views, merge_views, views

app_name = "papers"
urlpatterns = [
    # The old site's links: /paper?bibtexKey=KEY&a=username
    path("paper", views.legacy_redirect, name="legacy"),
    # KEY may be a key, an alias, an arXiv id or a DOI; all but the key redirect.
    path("paper/<path:key>/", views.detail, name="detail"),
    # Its own prefix: under /paper/<path:key>/ a key ending in "/bibtex" would clash.
    path("bibtex/<path:key>.bib", views.bibtex, name="bibtex"),
    path("papers/add/", add_views.add, name="add"),
    path("papers/add/details/", add_views.add_details, name="add_details"),
    # Prefixes of their own, as for the BibTeX entry: keys hold slashes.
    path("papers/correct/<path:key>/", correction_views.suggest, name="suggest_correction"),
    path("papers/history/<path:key>/", correction_views.paper_history, name="history"),
    path("papers/corrections/", correction_views.queue, name="corrections"),
    path("papers/corrections/mine/", correction_views.own_corrections, name="own_corrections"),
    path("papers/corrections/<int:pk>/", correction_views.correction, name="correction"),
    path("papers/corrections/<int:pk>/decide/", correction_views.decide, name="decide_correction"),
    # Staff only: one paper's page merged into another's, and the log to undo merges.
    path("papers/merge/", merge_views.merge, name="merge"),
    path("papers/merges/", merge_views.merge_log, name="merges"),
    path("papers/merges/<int:pk>/undo/", merge_views.undo, name="merge_undo"),
    path("papers/coverage/", coverage_views.check_list, name="coverage"),
    # The old site's links: /venue?key=nips&year=2016
    path("venue", views.legacy_venue, name="venue_legacy"),
    path("venue/", views.venue_list, name="venues"),
    # Venue names may hold slashes ("ACM/IEEE CS"), hence <path:>. The year page comes
    # first: /venue/NIPS/2016/ is NIPS's 2016, and only an address that ends in no year
    # is a venue across its years (a venue named "X/2016" would be read as X's 2016).
    path("venue/<path:venue>/<int:year>/", views.venue_year, name="venue_year"),
    path("venue/<path:venue>/", views.venue_page, name="venue"),
]
