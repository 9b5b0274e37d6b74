from django.urls import path

from . import views

app_name = "papers"
urlpatterns = [
    # The old site's links: /paper?bibtexKey=KEY&a=username
    path("paper", views.legacy_redirect, name="legacy"),
    path("paper/<path:key>/", views.detail, name="detail"),
]
