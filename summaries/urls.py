from django.urls import path

from . import comment_views, history_views, views, vote_views

app_name = "summaries"
urlpatterns = [
    path("", views.home, name="home"),
    path("popular/", views.home, {"tab": "popular"}, name="popular"),
    path("top/", views.home, {"tab": "top"}, name="top"),
    path("summaries/write/<path:key>/", views.write, name="write"),
    path("summaries/preview/", views.preview, name="preview"),
    path("summaries/drafts/<int:paper_pk>/", views.save_draft, name="save_draft"),
    path("summaries/<int:pk>/", views.detail, name="detail"),
    path("summaries/<int:pk>/edit/", views.edit, name="edit"),
    path("summaries/<int:pk>/delete/", views.delete, name="delete"),
    path("summaries/<int:pk>/vote/", vote_views.vote, name="vote"),
    path("summaries/<int:pk>/history/", history_views.history, name="history"),
    path("summaries/<int:pk>/history/diff/", history_views.diff, name="diff"),
    path("summaries/<int:pk>/comments/", comment_views.comment, name="comment"),
    path("comments/<int:pk>/edit/", comment_views.edit_comment, name="edit_comment"),
    path("comments/<int:pk>/delete/", comment_views.delete_comment, name="delete_comment"),
    path("comments/<int:pk>/remove/", comment_views.remove_comment, name="remove_comment"),
]
