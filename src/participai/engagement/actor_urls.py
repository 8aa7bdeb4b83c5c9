"""Staff pages: the actor map, under /workspace/procurements/<slug>/engagement/actors/."""

from django.urls import path

from .views import actors as views

urlpatterns = [
    path("", views.actor_map, name="actor_map"),
    path("add/", views.actor_add, name="actor_add"),
    path("involvements/", views.involvements_save, name="involvements_save"),
    path("suggestions/accept/", views.suggestion_accept, name="actor_suggestion_accept"),
    path("<int:actor_id>/edit/", views.actor_edit, name="actor_edit"),
    path("<int:actor_id>/remove/", views.actor_remove, name="actor_remove"),
    path("<int:actor_id>/involvements/", views.involvement_edit, name="involvement_edit"),
]
