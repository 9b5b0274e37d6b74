"""The access-token page, under the account settings. The API itself is mounted at
/api/ by shortscience.urls (api.endpoints)."""

from django.urls import path

from . import token_views

app_name = "tokens"
urlpatterns = [
    path("accounts/settings/tokens/", token_views.tokens_page, name="list"),
    path("accounts/settings/tokens/<int:pk>/revoke/", token_views.revoke, name="revoke"),
]
