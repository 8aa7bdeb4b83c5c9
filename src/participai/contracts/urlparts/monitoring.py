"""KPI monitoring, under /workspace/procurements/<slug>/contract/monitoring/
(names in the namespace "contract")."""

from django.urls import path

from .. import views_monitoring as views

urlpatterns = [
    path("", views.monitoring, name="monitoring"),
    path("kpis/<int:kpi_id>/measure/", views.measure, name="monitoring_measure"),
    path("import/", views.import_csv, name="monitoring_import"),
    path("suppliers/grant/", views.access_grant, name="monitoring_access_grant"),
    path(
        "suppliers/<int:access_id>/revoke/", views.access_revoke, name="monitoring_access_revoke"
    ),
    path("alerts/<int:alert_id>/resolve/", views.alert_resolve, name="monitoring_alert_resolve"),
    path("alerts/check/", views.alerts_check, name="monitoring_alerts_check"),
]
