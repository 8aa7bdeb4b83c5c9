"""The team's clarification pages, to be included by ``urls/workspace.py`` at
``clarifications/`` (under ``/workspace/procurements/<slug>/tender/``,
namespace ``tender``). No ``app_name``: the names join the ``tender`` namespace."""

from django.urls import path

from ..views import clarifications as views

urlpatterns = [
    path("", views.clarification_list, name="clarifications"),
    path("<int:clarification_id>/", views.clarification_detail, name="clarification"),
    path(
        "<int:clarification_id>/decline/",
        views.clarification_decline,
        name="clarification_decline",
    ),
]
