"""Staff pages for the EU AI Act screening and the fundamental rights assessment."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

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


def _draft_page(
    request: HttpRequest,
    procurement,
    record,
    *,
    make_form: Callable[..., Any],
    save: Callable[[Any], object],
    complete: Callable[[], object],
    messages_done: tuple[str, str],
) -> tuple[Any, bool, int, HttpResponse | None]:
    """The shared draft-then-complete handling of the screening and rights pages.

    Returns ``(form, editable, status, redirect)``: on a successful POST the
    redirect to show; otherwise the form to render (with errors on a bad POST,
    status 400). ``save(form)`` stores the draft, ``complete()`` freezes it when
    the "complete" button was pressed; either may raise ``ValidationError``,
    shown on the form. A POST to a completed record keeps what was typed and
    says why it was refused.
    """
    editable = record.is_draft and can(request.user, Action.ASSESS, procurement)
    if request.method != "POST":
        return (make_form() if editable else None), editable, 200, None
    require(request.user, Action.ASSESS, procurement)
    form = make_form(request.POST)
    if not record.is_draft:
        form.is_valid()
        form.add_error(None, messages_done[1])
    elif form.is_valid():
        try:
            save(form)
            if "complete" in request.POST:
                complete()
                messages.success(request, messages_done[0])
            else:
                messages.success(request, _("Draft saved."))
            return form, editable, 302, redirect(request.path)
        except ValidationError as error:
            add_service_errors(form, error)
    return form, editable, 400, None


@login_required
def screening(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    """A draft screening as a form (save, or save and complete); a completed one
    as its result with the reasons."""
    procurement, record = access_screening(request.user, slug, number)
    lang = get_language() or "en"
    form, editable, status, done = _draft_page(
        request,
        procurement,
        record,
        make_form=lambda data=None: ScreeningForm(data, answers=record.answers, lang=lang),
        save=lambda form: services.screening_save_answers(
            actor=request.user, screening=record, answers=form.answers()
        ),
        complete=lambda: services.screening_complete(actor=request.user, screening=record),
        messages_done=(
            _("Screening completed."),
            _("This screening is completed; start a new one instead."),
        ),
    )
    if done is not None:
        return done
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
    form, editable, status, done = _draft_page(
        request,
        procurement,
        record,
        make_form=lambda data=None: RightsAssessmentForm(data, assessment=record),
        save=lambda form: services.rights_assessment_save(
            actor=request.user, assessment=record, texts=form.texts()
        ),
        complete=lambda: services.rights_assessment_complete(
            actor=request.user, assessment=record
        ),
        messages_done=(
            _("Fundamental rights assessment completed."),
            _("This assessment is completed; start a new one instead."),
        ),
    )
    if done is not None:
        return done
    return render(
        request,
        "assessment/ai_act/rights.html",
        {"procurement": procurement, "assessment": record, "form": form, "editable": editable},
        status=status,
    )
