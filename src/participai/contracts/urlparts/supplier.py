"""The supplier's pages, under /workspace/supplier/<slug>/."""

from django.urls import path

from .. import views_supplier as views

app_name = "supplier"
urlpatterns = [
    path("", views.contract, name="contract"),
    path("kpis/<int:kpi_id>/measure/", views.measure, name="measure"),
    path("import/", views.import_csv, name="import"),
]
