"""Staff pages of the vendor evaluation, mounted by ``urls.workspace`` at
``/workspace/procurements/<slug>/tender/evaluation/`` (namespace "tender")."""

from django.urls import path

from ..views import evaluation as views

urlpatterns = [
    path("", views.evaluation, name="evaluation"),
    path("bids/add/", views.bid_add, name="bid_add"),
    path("bids/<int:bid_id>/", views.bid_detail, name="bid_detail"),
    path(
        "bids/<int:bid_id>/documents/<int:document_id>/",
        views.bid_document,
        name="bid_document",
    ),
    path("bids/<int:bid_id>/exclude/", views.bid_exclude, name="bid_exclude"),
    path("bids/<int:bid_id>/withdraw/", views.bid_withdraw, name="bid_withdraw"),
    path("panel/add/", views.panel_add, name="panel_add"),
    path("panel/<int:member_id>/remove/", views.panel_remove, name="panel_remove"),
    path("moderation/", views.moderation, name="moderation"),
    path("results/", views.results, name="results"),
    path("award/", views.award, name="award"),
    path("results/publish-scores/", views.publish_scores, name="publish_scores"),
]
