from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    # allauth's sign-up page (account_signup), under the site's limit per address; the
    # rest of allauth's pages follow in shortscience/urls.py.
    path("accounts/signup/", views.signup),
    path("accounts/settings/", views.settings_page, name="settings"),
    path("accounts/settings/export/", views.export, name="export"),
    path("accounts/delete/", views.delete_account, name="delete"),
    path("accounts/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("user/<str:username>/", views.profile, name="profile"),
]
