"""Audits and their findings, under .../contract/audits/ (namespace "contract")."""

from django.urls import path

from .. import views_audits as views

urlpatterns = [
    path("", views.audits, name="audits"),
    path("add/", views.audit_add, name="audit_add"),
    path("<int:audit_id>/edit/", views.audit_edit, name="audit_edit"),
    path("<int:audit_id>/findings/add/", views.finding_add, name="finding_add"),
    path("findings/<int:finding_id>/", views.finding_update, name="finding_update"),
]
