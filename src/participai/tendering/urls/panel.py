"""An evaluator's seat, mounted at ``/workspace/panel/<slug>/`` (namespace "panel")."""

from django.urls import path

from ..views import panel as views

app_name = "panel"
urlpatterns = [
    path("", views.seat, name="seat"),
    path("declare/", views.declare, name="declare"),
    path("bids/<int:bid_id>/score/", views.score, name="score"),
    path("submit/", views.submit, name="submit"),
    path(
        "bids/<int:bid_id>/documents/<int:document_id>/",
        views.bid_document,
        name="bid_document",
    ),
]
