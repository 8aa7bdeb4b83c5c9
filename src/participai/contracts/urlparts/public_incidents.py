"""Public incident reports, under /p/<slug>/monitoring/report/ (namespace "monitoring")."""

from django.urls import path

from .. import views_public_incidents as views

urlpatterns: list = [
    path("", views.report, name="report"),
    path("<str:reference>/", views.report_status, name="report_status"),
]
