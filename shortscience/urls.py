from django.contrib import admin
from django.urls import include, path

from accounts.urls import auth_urlpatterns

urlpatterns = [
    path("", include("summaries.urls")),
    path("", include("papers.urls")),
    path("", include("accounts.urls")),
    path("", include("search.urls")),
    path("", include("moderation.urls")),
    *auth_urlpatterns,
    path("admin/", admin.site.urls),
]

handler403 = "shortscience.views.permission_denied"
handler404 = "shortscience.views.page_not_found"
handler500 = "shortscience.views.server_error"
