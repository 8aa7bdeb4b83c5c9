"""Staff pages: plan (under /workspace/procurements/<slug>/engagement/plan/)."""

from django.urls import path

from .views import plan as views

urlpatterns = [
    path("", views.plan, name="plan"),
    path("recommend/", views.plan_recommend, name="plan_recommend"),
    path("activities/add/", views.activity_add, name="activity_add"),
    path("activities/<int:activity_id>/", views.activity_edit, name="activity_edit"),
    path("activities/<int:activity_id>/accept/", views.activity_accept, name="activity_accept"),
    path("activities/<int:activity_id>/cancel/", views.activity_cancel, name="activity_cancel"),
]
