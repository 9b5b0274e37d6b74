from django.urls import include, path

from . import views

app_name = "accounts"
urlpatterns = [
    path("accounts/signup/", views.signup, name="signup"),
    path("accounts/settings/", views.settings_page, name="settings"),
    path("accounts/settings/export/", views.export, name="export"),
    path("accounts/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("user/<str:username>/", views.profile, name="profile"),
]

# Django's own login, logout and password views keep their own (un-namespaced) names,
# which their templates and redirects expect.
auth_urlpatterns = [path("accounts/", include("django.contrib.auth.urls"))]
