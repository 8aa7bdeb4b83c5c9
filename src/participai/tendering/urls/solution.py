"""Staff pages of the solution evaluation, under
/workspace/procurements/<slug>/tender/solution/ (namespace "tender", set by
``urls.workspace``)."""

from django.urls import path

from ..views import solution as views

urlpatterns = [
    path("", views.solution, name="solution"),
    path(
        "requirements/<int:requirement_id>/tests/add/",
        views.test_add,
        name="solution_test_add",
    ),
    path("tests/<int:test_id>/", views.test_edit, name="solution_test_edit"),
    path("tests/<int:test_id>/remove/", views.test_remove, name="solution_test_remove"),
]
