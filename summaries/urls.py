from django.urls import path

app_name = "summaries"
urlpatterns: list = []
