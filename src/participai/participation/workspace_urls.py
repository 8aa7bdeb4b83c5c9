"""Staff pages of participation, under /workspace/procurements/<slug>/participation/."""

from django.urls import path

from .views import workspace as views

app_name = "participation_workspace"
urlpatterns = [
    path("", views.process_list, name="processes"),
    # Before "<process>/": "new" is reserved and no process may take it as its slug.
    path("new/", views.process_create, name="process_create"),
    path("<slug:process>/", views.process_detail, name="process"),
    path("<slug:process>/edit/", views.process_edit, name="process_edit"),
    path("<slug:process>/modules/", views.module_add, name="module_add"),
    path("<slug:process>/publish/", views.process_publish, name="process_publish"),
    path("<slug:process>/assist/", views.assist, name="assist"),
    path("<slug:process>/m/<int:module_id>/print/", views.module_print, name="module_print"),
]
