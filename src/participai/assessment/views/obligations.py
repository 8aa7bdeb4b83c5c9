"""Staff page of what a procurement owes because of its stakes, with exemptions."""

from __future__ import annotations

from itertools import groupby

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from participai.core.forms import add_service_errors
from participai.procurements import lifecycle
from participai.procurements.access import Action, access_procurement, can

from ..evidence import EvidenceContext
from ..forms.screening import ExemptionForm
from ..models import AiActClass
from ..selectors.obligations import obligation_statuses, stakes_of
from ..services.obligations import obligation_exempt


def _page(request: HttpRequest, procurement, *, failed_form=None, failed_key="", status=200):
    context = EvidenceContext.of(procurement)
    stakes = stakes_of(procurement, context=context)
    statuses = obligation_statuses(procurement, context=context)
    can_exempt = can(request.user, Action.EXEMPT_OBLIGATION, procurement)

    def form_for(row):
        # One form per obligation that may be exempted, each with its own ids.
        key = row.obligation.key
        if not can_exempt or row.state != "unmet":
            return None
        if key == failed_key:
            return failed_form
        return ExemptionForm(auto_id=f"exempt-{key}-%s")

    by_gate = [
        (
            lifecycle.stage(gate),
            [(row, form_for(row), row.overdue_at(procurement.stage)) for row in rows],
        )
        for gate, rows in groupby(statuses, key=lambda s: s.obligation.gate)
    ]
    return render(
        request,
        "assessment/obligations.html",
        {
            "procurement": procurement,
            "stakes": stakes,
            "ai_act_class": AiActClass(stakes.ai_act_class).label if stakes.ai_act_class else "",
            "by_gate": by_gate,
            "counts": {
                state: sum(1 for s in statuses if s.state == state)
                for state in ("met", "exempt", "unmet", "blocking")
            },
            "current_stage": procurement.current_stage,
            "failed_key": failed_key,
        },
        status=status,
    )


@login_required
def obligations(request: HttpRequest, slug: str) -> HttpResponse:
    """Every obligation by the gate that checks it: why it applies, whether it is
    met and what shows it, and the exemptions recorded."""
    return _page(request, access_procurement(request.user, slug))


@login_required
@require_POST
def exempt(request: HttpRequest, slug: str, key: str) -> HttpResponse:
    procurement = access_procurement(request.user, slug, action=Action.EXEMPT_OBLIGATION)
    form = ExemptionForm(request.POST, auto_id=f"exempt-{key}-%s")
    if form.is_valid():
        try:
            obligation_exempt(
                actor=request.user,
                procurement=procurement,
                obligation_key=key,
                justification=form.cleaned_data["justification"],
            )
        except ValidationError as error:
            refusal = error.message_dict.get("obligation_key")
            if refusal:
                # About the obligation's state (met or exempted meanwhile, or
                # not owed): there is no form to show it on, so say it at the top.
                messages.error(request, " ".join(refusal))
                return redirect("assessment:obligations", slug=slug)
            add_service_errors(form, error)
        else:
            messages.success(request, _("Exemption recorded and published."))
            return redirect("assessment:obligations", slug=slug)
    return _page(request, procurement, failed_form=form, failed_key=key, status=400)
