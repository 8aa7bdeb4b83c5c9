"""Staff pages of the contract record, under /workspace/procurements/<slug>/contract/."""

from django.urls import include, path

from . import views

app_name = "contract"
urlpatterns = [
    path("", views.contract, name="contract"),
    path("start/", views.start, name="start"),
    path("edit/", views.edit, name="edit"),
    path("sign/", views.sign, name="sign"),
    path("kpis/add/", views.kpi_add, name="kpi_add"),
    path("kpis/<int:kpi_id>/", views.kpi_edit, name="kpi_edit"),
    path("kpis/<int:kpi_id>/remove/", views.kpi_remove, name="kpi_remove"),
    path("milestones/add/", views.milestone_add, name="milestone_add"),
    path("milestones/<int:milestone_id>/", views.milestone_edit, name="milestone_edit"),
    path(
        "milestones/<int:milestone_id>/remove/",
        views.milestone_remove,
        name="milestone_remove",
    ),
    # Monitoring under the contract: each part has its own URL module.
    path("monitoring/", include("participai.contracts.urlparts.monitoring")),
    path("payments/", include("participai.contracts.urlparts.payments")),
    path("audits/", include("participai.contracts.urlparts.audits")),
    path("incidents/", include("participai.contracts.urlparts.incidents")),
    path("review/", include("participai.contracts.urlparts.review")),
]
