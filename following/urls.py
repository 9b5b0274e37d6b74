from django.urls import path

from . import views

app_name = "following"
urlpatterns = [
    path("follow/", views.toggle, name="toggle"),
    path("following/", views.following_tab, name="tab"),
]
