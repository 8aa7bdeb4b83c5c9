"""Staff pages for the EU AI Act screening and the fundamental rights assessment."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from participai.core.forms import add_service_errors
from participai.procurements.access import Action, access_procurement, can, require

from ..access import access_rights_assessment, access_screening
from ..forms.screening import RightsAssessmentForm, ScreeningForm
from ..models import AssessmentStatus
from ..services import screening as services


@login_required
def overview(request: HttpRequest, slug: str) -> HttpResponse:
    """Every screening and rights assessment of the procurement, newest last."""
    procurement = access_procurement(request.user, slug)
    screenings = list(procurement.screenings.select_related("completed_by"))
    latest = next(
        (s for s in reversed(screenings) if s.status == AssessmentStatus.COMPLETED), None
    )
    return render(
        request,
        "assessment/ai_act/overview.html",
        {
            "procurement": procurement,
            "screenings": screenings,
            "latest": latest,
            "rights_assessments": list(
                procurement.rights_assessments.select_related("completed_by")
            ),
            "can_assess": can(request.user, Action.ASSESS, procurement),
        },
    )


@login_required
@require_POST
def screening_start(request: HttpRequest, slug: str) -> HttpResponse:
    procurement = access_procurement(request.user, slug, action=Action.ASSESS)
    screening = services.screening_start(actor=request.user, procurement=procurement)
    return redirect("assessment:screening", slug=slug, number=screening.number)


@login_required
def screening(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    """A draft screening as a form (save, or save and complete); a completed one
    as its result with the reasons."""
    procurement, record = access_screening(request.user, slug, number)
    editable = record.is_draft and can(request.user, Action.ASSESS, procurement)
    lang = get_language() or "en"
    form = None
    status = 200
    if request.method == "POST":
        require(request.user, Action.ASSESS, procurement)
        form = ScreeningForm(request.POST, answers=record.answers, lang=lang)
        if not record.is_draft:
            form.is_valid()
            form.add_error(None, _("This screening is completed; start a new one instead."))
        elif form.is_valid():
            try:
                services.screening_save_answers(
                    actor=request.user, screening=record, answers=form.answers()
                )
                if "complete" in request.POST:
                    services.screening_complete(actor=request.user, screening=record)
                    messages.success(request, _("Screening completed."))
                else:
                    messages.success(request, _("Draft saved."))
                return redirect("assessment:screening", slug=slug, number=number)
            except ValidationError as error:
                add_service_errors(form, error)
        status = 400
    elif editable:
        form = ScreeningForm(answers=record.answers, lang=lang)
    return render(
        request,
        "assessment/ai_act/screening.html",
        {
            "procurement": procurement,
            "screening": record,
            "form": form,
            "editable": editable,
            "result": record.result,
        },
        status=status,
    )


@login_required
@require_POST
def rights_start(request: HttpRequest, slug: str) -> HttpResponse:
    procurement = access_procurement(request.user, slug, action=Action.ASSESS)
    assessment = services.rights_assessment_start(actor=request.user, procurement=procurement)
    return redirect("assessment:rights", slug=slug, number=assessment.number)


@login_required
def rights(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    """A draft fundamental rights assessment as a form (save, or save and
    complete); a completed one as a read-only record."""
    procurement, record = access_rights_assessment(request.user, slug, number)
    editable = record.is_draft and can(request.user, Action.ASSESS, procurement)
    form = None
    status = 200
    if request.method == "POST":
        require(request.user, Action.ASSESS, procurement)
        form = RightsAssessmentForm(request.POST, assessment=record)
        if not record.is_draft:
            form.is_valid()
            form.add_error(None, _("This assessment is completed; start a new one instead."))
        elif form.is_valid():
            try:
                services.rights_assessment_save(
                    actor=request.user, assessment=record, texts=form.texts()
                )
                if "complete" in request.POST:
                    services.rights_assessment_complete(actor=request.user, assessment=record)
                    messages.success(request, _("Fundamental rights assessment completed."))
                else:
                    messages.success(request, _("Draft saved."))
                return redirect("assessment:rights", slug=slug, number=number)
            except ValidationError as error:
                add_service_errors(form, error)
        status = 400
    elif editable:
        form = RightsAssessmentForm(assessment=record)
    return render(
        request,
        "assessment/ai_act/rights.html",
        {"procurement": procurement, "assessment": record, "form": form, "editable": editable},
        status=status,
    )
