"""Moderators' pages, under /workspace/moderation/<organisation slug>/."""

from django.urls import path

from .views import moderation as views

app_name = "participation_moderation"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("<int:contribution_id>/hide/", views.hide, name="hide"),
    path("<int:contribution_id>/restore/", views.restore, name="restore"),
    path("<int:contribution_id>/dismiss/", views.dismiss, name="dismiss"),
]
