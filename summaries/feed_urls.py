"""The RSS and Atom feeds' addresses, under /feeds/ (namespace "feeds")."""

from django.urls import path

from . import feeds

app_name = "feeds"

# Each feed in both formats. The format comes before the key, username or venue, which
# may hold slashes: no key can then be taken for a format, and no route for a key.
urlpatterns = [
    path("rss/", feeds.RecentSummaries(), name="rss"),
    path("atom/", feeds.RecentSummariesAtom(), name="atom"),
    path("rss/paper/<path:key>/", feeds.PaperSummaries(), name="paper_rss"),
    path("atom/paper/<path:key>/", feeds.PaperSummariesAtom(), name="paper_atom"),
    path("rss/user/<str:username>/", feeds.UserSummaries(), name="user_rss"),
    path("atom/user/<str:username>/", feeds.UserSummariesAtom(), name="user_atom"),
    path("rss/venue/<path:venue>/", feeds.VenueSummaries(), name="venue_rss"),
    path("atom/venue/<path:venue>/", feeds.VenueSummariesAtom(), name="venue_atom"),
    path("rss/topic/<str:slug>/", feeds.TopicSummaries(), name="topic_rss"),
    path("atom/topic/<str:slug>/", feeds.TopicSummariesAtom(), name="topic_atom"),
]
