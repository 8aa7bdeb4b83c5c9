"""Workspace pages of an organisation's own impact questionnaires: the list
with the upload form, one page per questionnaire, retiring and reactivating,
and the definition as JSON."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from participai.core.forms import add_service_errors
from participai.procurements.access import (
    Action,
    access_organisation,
    can_in_organisation,
    require_in_organisation,
)

from ..access import access_organisation_questionnaire
from ..forms.questionnaires import QuestionnaireUploadForm
from ..selectors.questionnaires import definition_of, questionnaires_of, section_summaries
from ..services import questionnaires as services


@login_required
def questionnaire_list(request: HttpRequest, organisation: str) -> HttpResponse:
    org = access_organisation(request.user, organisation)
    can_manage = can_in_organisation(request.user, Action.MANAGE_QUESTIONNAIRES, org)
    posted = request.method == "POST"
    form = None
    if can_manage:
        # Bound on every POST, even an empty one, so that it says what is missing.
        form = QuestionnaireUploadForm(
            request.POST if posted else None, request.FILES if posted else None
        )
    if posted:
        # Only the admin uploads (403 with the reason otherwise).
        require_in_organisation(request.user, Action.MANAGE_QUESTIONNAIRES, org)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                row = services.questionnaire_upload(
                    actor=request.user,
                    organisation=org,
                    file_name=upload.name,
                    content=upload.read(),
                    version=form.cleaned_data["version"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _("%(title)s %(version)s is uploaded and offered for new assessments.")
                    % {"title": row.title, "version": row.version},
                )
                return redirect("questionnaires:detail", organisation=org.slug, pk=row.pk)
    status = 400 if posted else 200
    return render(
        request,
        "assessment/questionnaires/list.html",
        {
            "organisation": org,
            "questionnaires": list(questionnaires_of(org).defer("definition")),
            "form": form,
            "can_manage": can_manage,
        },
        status=status,
    )


@login_required
def questionnaire_detail(request: HttpRequest, organisation: str, pk: int) -> HttpResponse:
    org, row = access_organisation_questionnaire(request.user, organisation, pk)
    lang = get_language()
    questionnaire = definition_of(row)
    return render(
        request,
        "assessment/questionnaires/detail.html",
        {
            "organisation": org,
            "row": row,
            "questionnaire": questionnaire,
            "sections": section_summaries(questionnaire, lang),
            "assessments": row.assessments.select_related("procurement").order_by(
                "procurement__title", "number"
            ),
            "can_manage": can_in_organisation(request.user, Action.MANAGE_QUESTIONNAIRES, org),
            "lang": lang,
        },
    )


@login_required
@require_POST
def questionnaire_active(request: HttpRequest, organisation: str, pk: int) -> HttpResponse:
    _org, row = access_organisation_questionnaire(
        request.user, organisation, pk, action=Action.MANAGE_QUESTIONNAIRES
    )
    if request.POST.get("active") not in ("0", "1"):
        # Only the page's own form posts here (1 or 0); anything else changes nothing.
        messages.error(request, _("Nothing was changed: choose to retire or to offer it again."))
        return redirect("questionnaires:detail", organisation=organisation, pk=row.pk)
    active = request.POST["active"] == "1"
    services.questionnaire_set_active(actor=request.user, questionnaire=row, active=active)
    if active:
        messages.success(request, _("The questionnaire is offered for new assessments again."))
    else:
        messages.success(
            request,
            _(
                "The questionnaire is retired: no longer offered, "
                "kept by the assessments that use it."
            ),
        )
    return redirect("questionnaires:detail", organisation=organisation, pk=row.pk)


@login_required
def questionnaire_definition(request: HttpRequest, organisation: str, pk: int) -> JsonResponse:
    """The questionnaire in ParticipAI's format, as the scorer reads it."""
    _org, row = access_organisation_questionnaire(request.user, organisation, pk)
    response = JsonResponse(row.definition, json_dumps_params={"ensure_ascii": False, "indent": 2})
    filename = f"{row.questionnaire_id}-{row.version}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
