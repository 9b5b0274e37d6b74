from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path
from django.views.generic import RedirectView, TemplateView

from summaries import feeds

from . import health, views
from .sitemaps import kept, sections

# Each feed in both formats. The format comes before the key, username or venue, which
# may hold slashes: no key can then be taken for a format, and no route for a key.
feed_urlpatterns = [
    path("rss/", feeds.RecentSummaries(), name="rss"),
    path("atom/", feeds.RecentSummariesAtom(), name="atom"),
    path("rss/paper/<path:key>/", feeds.PaperSummaries(), name="paper_rss"),
    path("atom/paper/<path:key>/", feeds.PaperSummariesAtom(), name="paper_atom"),
    path("rss/user/<str:username>/", feeds.UserSummaries(), name="user_rss"),
    path("atom/user/<str:username>/", feeds.UserSummariesAtom(), name="user_atom"),
    path("rss/venue/<path:venue>/", feeds.VenueSummaries(), name="venue_rss"),
    path("atom/venue/<path:venue>/", feeds.VenueSummariesAtom(), name="venue_atom"),
]

# What search engines and feed readers look for at fixed addresses.
discovery_urlpatterns = [
    path(
        "sitemap.xml",
        kept(sitemap_views.index),
        {"sitemaps": sections(), "sitemap_url_name": "discovery:sitemap_section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        kept(sitemap_views.sitemap),
        {"sitemaps": sections()},
        name="sitemap_section",
    ),
    path(
        "robots.txt",
        TemplateView.as_view(template_name="robots.txt", content_type="text/plain"),
        name="robots",
    ),
    # The old site's feed address.
    path("rss.xml", RedirectView.as_view(pattern_name="feeds:rss", permanent=True)),
]

# Pages about the site itself.
help_urlpatterns = [
    path("syntax/", views.syntax_help, name="syntax"),
]

urlpatterns = [
    path("healthz", health.healthz, name="health"),
    path("help/", include((help_urlpatterns, "help"))),
    path("", include("summaries.urls")),
    path("", include("papers.urls")),
    path("", include("accounts.urls")),
    path("", include("search.urls")),
    path("", include("moderation.urls")),
    path("feeds/", include((feed_urlpatterns, "feeds"))),
    path("", include((discovery_urlpatterns, "discovery"))),
    # Log-in, log-out, e-mail addresses and passwords: allauth's pages and names
    # (account_login, account_logout, …). accounts.urls, above, wraps its sign-up page.
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
]

handler403 = "shortscience.views.permission_denied"
handler404 = "shortscience.views.page_not_found"
handler500 = "shortscience.views.server_error"
