from django.urls import path

from . import views

app_name = "topics"
urlpatterns = [
    path("topic/", views.topic_list, name="list"),
    path("topic/<str:slug>/", views.detail, name="detail"),
]
