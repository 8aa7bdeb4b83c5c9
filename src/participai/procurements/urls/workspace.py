from django.urls import path

from ..views import workspace

app_name = "workspace"
urlpatterns = [
    path("", workspace.dashboard, name="dashboard"),
    path("procurements/new/", workspace.procurement_create, name="procurement_create"),
    path("procurements/<slug:slug>/", workspace.procurement_detail, name="procurement"),
    path("procurements/<slug:slug>/edit/", workspace.procurement_edit, name="procurement_edit"),
    path(
        "procurements/<slug:slug>/publish/",
        workspace.procurement_publish,
        name="procurement_publish",
    ),
    path("procurements/<slug:slug>/gate/", workspace.gate_decide, name="gate_decide"),
    path("procurements/<slug:slug>/documents/new/", workspace.document_add, name="document_add"),
    path("audit/<slug:organisation>/", workspace.audit_log, name="audit_log"),
]
