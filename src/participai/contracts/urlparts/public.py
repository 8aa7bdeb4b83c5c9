"""The public pages of a deployed system, under /p/<slug>/monitoring/ (namespace "monitoring")."""

from django.urls import include, path

from .. import views_public

app_name = "monitoring"
urlpatterns: list = [
    path("", views_public.dashboard, name="dashboard"),
    path("report/", include("participai.contracts.urlparts.public_incidents")),
]
