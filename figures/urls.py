from django.urls import path

from . import views

app_name = "figures"
urlpatterns = [
    path("figures/upload/", views.upload, name="upload"),
    # MEDIA_URL: the address texts carry (markup.links.is_figure_url).
    path("media/figures/<str:name>", views.serve, name="serve"),
]
