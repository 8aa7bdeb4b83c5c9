"""Staff pages of participation, under /workspace/procurements/<slug>/participation/."""

from django.urls import include, path

from .views import responses_workspace as responses
from .views import workspace as views
from .views import workspace_demographics as demographics
from .views import workspace_documents, workspace_events
from .views import workspace_prioritisation as prioritisation
from .views import workspace_report as report
from .views.surveys_workspace import urlpatterns as survey_urls

app_name = "participation_workspace"
urlpatterns = [
    path("", views.process_list, name="processes"),
    # Before "<process>/": "new" is reserved and no process may take it as its slug.
    path("new/", views.process_create, name="process_create"),
    path("report/", report.procurement_report_page, name="report"),
    path("report.pdf", report.procurement_report_pdf, name="report_pdf"),
    path("report/attach/", report.procurement_report_attach, name="report_attach"),
    path("<slug:process>/", views.process_detail, name="process"),
    path("<slug:process>/edit/", views.process_edit, name="process_edit"),
    path("<slug:process>/report/", report.process_report_page, name="process_report"),
    path("<slug:process>/report.pdf", report.process_report_pdf, name="process_report_pdf"),
    path(
        "<slug:process>/report/attach/", report.process_report_attach, name="process_report_attach"
    ),
    path("<slug:process>/modules/", views.module_add, name="module_add"),
    path("<slug:process>/publish/", views.process_publish, name="process_publish"),
    path("<slug:process>/assist/", views.assist, name="assist"),
    path("<slug:process>/responses/", responses.responses_list, name="responses"),
    path("<slug:process>/responses/answer/", responses.responses_pick, name="responses_pick"),
    path("<slug:process>/responses/new/", responses.response_create, name="response_create"),
    path("<slug:process>/responses/<int:pk>/edit/", responses.response_edit, name="response_edit"),
    path("<slug:process>/demographics/", demographics.demographics, name="demographics"),
    path("<slug:process>/demographics/add/", demographics.question_add, name="demographics_add"),
    path(
        "<slug:process>/demographics/<int:question_id>/",
        demographics.question_edit,
        name="demographics_question",
    ),
    path(
        "<slug:process>/demographics/<int:question_id>/remove/",
        demographics.question_remove,
        name="demographics_remove",
    ),
    path("<slug:process>/m/<int:module_id>/print/", views.module_print, name="module_print"),
    path("<slug:process>/m/<int:module_id>/survey/", include(survey_urls)),
    path(
        "<slug:process>/m/<int:module_id>/document/",
        workspace_documents.document_setup,
        name="document_setup",
    ),
    path(
        "<slug:process>/m/<int:module_id>/document/assist/",
        workspace_documents.document_assist,
        name="document_assist",
    ),
    path(
        "<slug:process>/m/<int:module_id>/event/", workspace_events.event_setup, name="event_setup"
    ),
    path(
        "<slug:process>/m/<int:module_id>/priorities/",
        prioritisation.setup,
        name="prioritisation_setup",
    ),
    path(
        "<slug:process>/m/<int:module_id>/priorities/<int:item_id>/",
        prioritisation.item_edit,
        name="prioritisation_item",
    ),
    path(
        "<slug:process>/m/<int:module_id>/priorities/<int:item_id>/move/",
        prioritisation.item_move,
        name="prioritisation_item_move",
    ),
    path(
        "<slug:process>/m/<int:module_id>/priorities/<int:item_id>/remove/",
        prioritisation.item_remove,
        name="prioritisation_item_remove",
    ),
    path(
        "<slug:process>/m/<int:module_id>/priorities/ballot/",
        prioritisation.assist_ballot,
        name="prioritisation_assist",
    ),
]
