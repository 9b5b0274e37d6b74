from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path
from django.views.generic import RedirectView, TemplateView

from api.endpoints import api

from . import health, views
from .sitemaps import kept, sections

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
        {"sitemaps": sections(), "template_name": "sitemap_section.xml"},
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
    path("", include("figures.urls")),
    path("", include("topics.urls")),
    path("", include("following.urls")),
    # The public read API (api.endpoints), its schema at /api/schema; the access-token
    # page under the account settings.
    path("api/", api.urls),
    path("", include("api.urls")),
    path("feeds/", include("summaries.feed_urls")),
    path("", include((discovery_urlpatterns, "discovery"))),
    # Log-in, log-out, e-mail addresses and passwords: allauth's pages and names
    # (account_login, account_logout, …). accounts.urls, above, wraps its sign-up page.
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
]

handler403 = "shortscience.views.permission_denied"
handler404 = "shortscience.views.page_not_found"
handler500 = "shortscience.views.server_error"
