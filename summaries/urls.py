from django.urls import path

from . import views

app_name = "summaries"
urlpatterns = [
    path("", views.feed, name="feed"),
    path("summaries/write/<path:key>/", views.write, name="write"),
    path("summaries/preview/", views.preview, name="preview"),
    path("summaries/<int:pk>/", views.detail, name="detail"),
    path("summaries/<int:pk>/edit/", views.edit, name="edit"),
    path("summaries/<int:pk>/delete/", views.delete, name="delete"),
    path("summaries/<int:pk>/comments/", views.comment, name="comment"),
    path("comments/<int:pk>/delete/", views.delete_comment, name="delete_comment"),
]
