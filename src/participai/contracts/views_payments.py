"""Workspace pages of staggered payments, under
/workspace/procurements/<slug>/contract/payments/.

The ledger (each milestone's state, the decisions in order, the totals) is
read by every member of the organisation (404 for anyone else, suppliers
included: they are not members). Releasing or withholding a milestone needs
``Action.DECIDE_PAYMENT`` (the organisation's admin and procurement
officers, while the stage enables monitoring: 403 otherwise) and a signed
contract (the service says so on the form otherwise).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from participai.core.forms import add_service_errors
from participai.procurements.access import Action, access_procurement, can
from participai.procurements.models import Procurement

from . import services
from .forms_payaudit import ReleaseForm, WithholdForm
from .models import Contract, ContractStatus, PaymentMilestone
from .selectors_payments import MilestoneRow, ledger


def _milestone(procurement: Procurement, milestone_id: int) -> PaymentMilestone:
    milestone = (
        PaymentMilestone.objects.select_related("kpi", "contract")
        .filter(contract__procurement=procurement, pk=milestone_id)
        .first()
    )
    if milestone is None:
        raise Http404("No such milestone in this contract.")
    return milestone


def _save(request: HttpRequest, form: Form, write: Any, success: str) -> bool:
    if not form.is_valid():
        return False
    try:
        write(form.values())
    except ValidationError as error:
        add_service_errors(form, error)
        return False
    messages.success(request, success)
    return True


def _row(milestone: PaymentMilestone) -> MilestoneRow:
    return next(row for row in ledger(milestone.contract).milestones if row.milestone == milestone)


def _decision_page(
    request: HttpRequest,
    procurement: Procurement,
    milestone: PaymentMilestone,
    form: Form,
    *,
    title: str,
    submit: str,
) -> HttpResponse:
    # Read after a refused write too: the page shows the milestone as it stands.
    row = _row(milestone)
    return render(
        request,
        "contracts/payments/decide.html",
        {
            "procurement": procurement,
            "contract": milestone.contract,
            "row": row,
            "form": form,
            "title": title,
            "submit": submit,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
def payments(request: HttpRequest, slug: str) -> HttpResponse:
    procurement = access_procurement(request.user, slug)
    contract = Contract.objects.filter(procurement=procurement).first()
    is_signed = contract is not None and contract.status == ContractStatus.SIGNED
    may_decide = can(request.user, Action.DECIDE_PAYMENT, procurement)
    return render(
        request,
        "contracts/payments/ledger.html",
        {
            "procurement": procurement,
            "contract": contract,
            "is_signed": is_signed,
            "ledger": ledger(contract) if contract else None,
            "may_decide": may_decide,
            "can_decide": may_decide and is_signed,
        },
    )


@login_required
def payment_release(request: HttpRequest, slug: str, milestone_id: int) -> HttpResponse:
    procurement = access_procurement(request.user, slug, action=Action.DECIDE_PAYMENT)
    milestone = _milestone(procurement, milestone_id)
    form = ReleaseForm(
        request.POST or None,
        milestone=milestone,
        initial={"decided_on": timezone.localdate(), "amount": _row(milestone).outstanding},
    )
    if request.method == "POST" and _save(
        request,
        form,
        lambda values: services.payment_release(actor=request.user, milestone=milestone, **values),
        _("Payment released: the decision is in the ledger."),
    ):
        return redirect("contract:payments", slug=slug)
    return _decision_page(
        request,
        procurement,
        milestone,
        form,
        title=_("Release “%(title)s”") % {"title": milestone.title},
        submit=_("Record the release"),
    )


@login_required
def payment_withhold(request: HttpRequest, slug: str, milestone_id: int) -> HttpResponse:
    procurement = access_procurement(request.user, slug, action=Action.DECIDE_PAYMENT)
    milestone = _milestone(procurement, milestone_id)
    form = WithholdForm(request.POST or None, initial={"decided_on": timezone.localdate()})
    if request.method == "POST" and _save(
        request,
        form,
        lambda values: services.payment_withhold(
            actor=request.user, milestone=milestone, **values
        ),
        _("Payment withheld: the decision and its reason are in the ledger."),
    ):
        return redirect("contract:payments", slug=slug)
    return _decision_page(
        request,
        procurement,
        milestone,
        form,
        title=_("Withhold “%(title)s”") % {"title": milestone.title},
        submit=_("Record the withholding"),
    )
