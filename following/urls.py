from django.urls import path

from . import inbox_views, views

app_name = "following"
urlpatterns = [
    path("follow/", views.toggle, name="toggle"),
    path("following/", views.following_tab, name="tab"),
    path("notifications/", inbox_views.inbox_page, name="inbox"),
    path("notifications/read/", inbox_views.mark_all_read, name="read_all"),
    path("notifications/<int:pk>/read/", inbox_views.mark_read, name="read"),
    path("notifications/settings/", inbox_views.inbox_settings, name="inbox_settings"),
]
