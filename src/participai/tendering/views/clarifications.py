"""The team's clarification pages: every supplier's question with who asked,
answering (which publishes), editing a published answer, declining.

Reading needs a role that answers questions (who asked is staff-only, and
kept from evaluators); writing also needs the stage to take questions
(``Action.ANSWER_CLARIFICATION``), which the services check again.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from participai.core.forms import add_service_errors
from participai.procurements.access import Action, can
from participai.procurements.models import Procurement

from ..access import access_tender
from ..forms.clarifications import AnswerForm, DeclineForm
from ..models import Clarification, ClarificationStatus, Tender
from ..selectors.clarifications import (
    clarification_of,
    clarification_updated,
    may_see_askers,
    staff_clarifications,
)
from ..services import clarifications as services


def _access(
    request: HttpRequest, slug: str, *, action: Action = Action.VIEW
) -> tuple[Procurement, Tender | None]:
    procurement, tender = access_tender(request.user, slug, action=action)
    if not may_see_askers(request.user, procurement):
        raise PermissionDenied(
            _("Only the procurement team reads suppliers' questions and who asked them.")
        )
    return procurement, tender


def _clarification(tender: Tender | None, clarification_id: int) -> Clarification:
    clarification = clarification_of(tender, clarification_id)
    if clarification is None:
        raise Http404("No such question.")
    return clarification


@login_required
def clarification_list(request: HttpRequest, slug: str) -> HttpResponse:
    procurement, tender = _access(request, slug)
    return render(
        request,
        "tendering/clarifications/list.html",
        {
            "procurement": procurement,
            "tender": tender,
            "rows": staff_clarifications(tender),
            "can_answer": can(request.user, Action.ANSWER_CLARIFICATION, procurement),
        },
    )


def _detail(
    request: HttpRequest,
    procurement: Procurement,
    clarification: Clarification,
    *,
    answer_form: AnswerForm | None = None,
    decline_form: DeclineForm | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "tendering/clarifications/detail.html",
        {
            "procurement": procurement,
            "clarification": clarification,
            "updated": clarification_updated(clarification),
            "can_answer": can(request.user, Action.ANSWER_CLARIFICATION, procurement),
            "answer_form": answer_form or AnswerForm(initial={"answer": clarification.answer}),
            "decline_form": decline_form or DeclineForm(),
        },
        status=status,
    )


@login_required
def clarification_detail(request: HttpRequest, slug: str, clarification_id: int) -> HttpResponse:
    """One question with who asked; POST answers it (publishing the answer)
    or edits the published answer."""
    if request.method != "POST":
        procurement, tender = _access(request, slug)
        return _detail(request, procurement, _clarification(tender, clarification_id))
    procurement, tender = _access(request, slug, action=Action.ANSWER_CLARIFICATION)
    clarification = _clarification(tender, clarification_id)
    form = AnswerForm(request.POST)
    if form.is_valid():
        was_published = clarification.status == ClarificationStatus.PUBLISHED
        try:
            services.clarification_answer(
                actor=request.user, clarification=clarification, answer=form.cleaned_data["answer"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("The answer was updated; the public page shows it as updated.")
                if was_published
                else _("The answer is published for every supplier and the public."),
            )
            return redirect("tender:clarifications", slug=slug)
    return _detail(request, procurement, clarification, answer_form=form, status=400)


@login_required
@require_POST
def clarification_decline(request: HttpRequest, slug: str, clarification_id: int) -> HttpResponse:
    procurement, tender = _access(request, slug, action=Action.ANSWER_CLARIFICATION)
    clarification = _clarification(tender, clarification_id)
    form = DeclineForm(request.POST)
    if form.is_valid():
        try:
            services.clarification_decline(
                actor=request.user, clarification=clarification, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The question is kept on record, not published."))
            return redirect("tender:clarifications", slug=slug)
    return _detail(request, procurement, clarification, decline_form=form, status=400)
