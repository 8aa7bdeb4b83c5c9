"""Staff pages of the tender's preparation, mounted at
``/workspace/procurements/<slug>/tender/`` in the namespace "tender"
(see ``urls.workspace``, which sets it)."""

from django.urls import path

from ..views import solicitation as views

urlpatterns = [
    path("", views.overview, name="overview"),
    path("start/", views.start, name="start"),
    path("settings/", views.settings, name="settings"),
    path("publish/", views.publish, name="publish"),
    path("review/", views.review, name="review"),
    path("requirements/add/", views.requirement_add, name="requirement_add"),
    path("requirements/<int:requirement_id>/", views.requirement_edit, name="requirement_edit"),
    path(
        "requirements/<int:requirement_id>/remove/",
        views.requirement_remove,
        name="requirement_remove",
    ),
    path(
        "requirements/<int:requirement_id>/move/", views.requirement_move, name="requirement_move"
    ),
    path("requirements/<int:requirement_id>/sources/add/", views.source_add, name="source_add"),
    path(
        "requirements/<int:requirement_id>/sources/<int:source_id>/remove/",
        views.source_remove,
        name="source_remove",
    ),
    path("criteria/add/", views.criterion_add, name="criterion_add"),
    path("criteria/<int:criterion_id>/", views.criterion_edit, name="criterion_edit"),
    path("criteria/<int:criterion_id>/remove/", views.criterion_remove, name="criterion_remove"),
    path("criteria/<int:criterion_id>/move/", views.criterion_move, name="criterion_move"),
    path("clauses/", views.clauses, name="clauses"),
    path("clauses/propose/", views.clause_propose, name="clause_propose"),
    path("clauses/add/", views.clause_add, name="clause_add"),
    path("clauses/custom/", views.clause_custom, name="clause_custom"),
    path("clauses/<int:clause_id>/", views.clause_edit, name="clause_edit"),
    path("clauses/<int:clause_id>/remove/", views.clause_remove, name="clause_remove"),
    path("clauses/<int:clause_id>/move/", views.clause_move, name="clause_move"),
]
