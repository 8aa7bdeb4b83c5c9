"""Staff pages of incident reports, under /workspace/procurements/<slug>/contract/incidents/
(namespace "contract", names prefixed "incident")."""

from django.urls import path

from .. import views_incidents as views

urlpatterns: list = [
    path("", views.incidents, name="incidents"),
    path("<int:incident_id>/", views.incident, name="incident"),
    path("<int:incident_id>/triage/", views.triage, name="incident_triage"),
    path("<int:incident_id>/update/", views.update, name="incident_update"),
    path("<int:incident_id>/resolve/", views.resolve, name="incident_resolve"),
    path("<int:incident_id>/notify/", views.notify, name="incident_notify"),
]
