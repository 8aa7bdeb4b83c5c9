"""Workspace pages of the contract record, under /workspace/procurements/<slug>/contract/.

The overview (terms, clauses, KPIs, payment schedule, what is still missing);
start the record; edit its terms; sign it; add, edit or remove a KPI or a
payment milestone. Every member of the organisation reads the overview (404
for anyone else); writing needs ``Action.EDIT_CONTRACT`` (officers and legal
officers, at the contract negotiation stage: 403 otherwise) and a contract
not yet signed.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from participai.core.forms import add_service_errors
from participai.core.text import render_markdown
from participai.procurements.access import Action, access_procurement, can
from participai.procurements.models import Procurement

from . import selectors, services
from .forms import ContractForm, ContractStartForm, KpiForm, MilestoneForm, SignForm
from .models import Contract, ContractStatus, Kpi, PaymentMilestone


def _contract(procurement: Procurement) -> Contract:
    contract = Contract.objects.filter(procurement=procurement).first()
    if contract is None:
        raise Http404("No contract is recorded for this procurement.")
    return contract


def _kpi(procurement: Procurement, kpi_id: int) -> Kpi:
    kpi = Kpi.objects.filter(contract__procurement=procurement, pk=kpi_id).first()
    if kpi is None:
        raise Http404("No such KPI in this contract.")
    return kpi


def _milestone(procurement: Procurement, milestone_id: int) -> PaymentMilestone:
    milestone = PaymentMilestone.objects.filter(
        contract__procurement=procurement, pk=milestone_id
    ).first()
    if milestone is None:
        raise Http404("No such milestone in this contract.")
    return milestone


def _home(slug: str) -> HttpResponse:
    return redirect("contract:contract", slug=slug)


def _form_page(
    request: HttpRequest,
    procurement: Procurement,
    form: Form,
    *,
    title: str,
    submit: str,
    status: int = 200,
    remove_url: str | None = None,
    remove_label: str = "",
    intro: str = "",
) -> HttpResponse:
    return render(
        request,
        "contracts/form.html",
        {
            "procurement": procurement,
            "form": form,
            "title": title,
            "submit": submit,
            "intro": intro,
            "remove_url": remove_url,
            "remove_label": remove_label,
        },
        status=status,
    )


def _save(request: HttpRequest, form: Form, write: Any, success: str) -> bool:
    """Run ``write(values)`` when the form is valid; show its refusal on the form.
    True when saved (a success message is queued)."""
    if not form.is_valid():
        return False
    try:
        write(form.values())
    except ValidationError as error:
        add_service_errors(form, error)
        return False
    messages.success(request, success)
    return True


# --- The overview ------------------------------------------------------------------------


@login_required
def contract(request: HttpRequest, slug: str) -> HttpResponse:
    procurement = access_procurement(request.user, slug)
    page = selectors.contract_page(procurement)
    may_edit = can(request.user, Action.EDIT_CONTRACT, procurement)
    can_edit = may_edit and page.contract is not None and not page.is_signed
    context: dict[str, Any] = {
        "procurement": procurement,
        "page": page,
        "may_edit": may_edit,
        "can_edit": can_edit,
        "can_start": may_edit and page.contract is None,
        # render_markdown sanitises (nh3): what it returns is safe to mark so.
        "exit_plan_html": mark_safe(render_markdown(page.contract.exit_plan))
        if page.contract
        else "",
    }
    if can_edit:
        context["kpi_form"] = KpiForm(fria_groups=page.fria_groups, auto_id="id_kpi_%s")
        context["milestone_form"] = MilestoneForm(
            contract=page.contract, auto_id="id_milestone_%s"
        )
        context["sign_form"] = SignForm(
            initial={"signed_on": timezone.localdate()}, auto_id="id_sign_%s"
        )
    return render(request, "contracts/contract.html", context)


# --- The contract ------------------------------------------------------------------------


@login_required
def start(request: HttpRequest, slug: str) -> HttpResponse:
    procurement = access_procurement(request.user, slug, action=Action.EDIT_CONTRACT)
    if Contract.objects.filter(procurement=procurement).exists():
        messages.info(request, _("The contract is already recorded."))
        return _home(slug)
    award = selectors.award_of(procurement)
    form = ContractStartForm(request.POST or None, award=award)
    if request.method == "POST" and _save(
        request,
        form,
        lambda values: services.contract_start(
            actor=request.user, procurement=procurement, **values
        ),
        _("Contract recorded. Add its KPIs, payment schedule and exit plan."),
    ):
        return _home(slug)
    intro = (
        _("From the award to %(supplier)s; every clause of the tender is included to start with.")
        % {"supplier": award.bid.supplier_name}
        if award
        else _("There is no award on the platform: give the contract's terms.")
    )
    return _form_page(
        request,
        procurement,
        form,
        title=_("Record the contract"),
        submit=_("Record the contract"),
        intro=intro,
        status=400 if request.method == "POST" else 200,
    )


@login_required
def edit(request: HttpRequest, slug: str) -> HttpResponse:
    procurement = access_procurement(request.user, slug, action=Action.EDIT_CONTRACT)
    contract = _contract(procurement)
    form = ContractForm(request.POST or None, contract=contract)
    if request.method == "POST" and _save(
        request,
        form,
        lambda values: services.contract_update(actor=request.user, contract=contract, **values),
        _("Changes saved."),
    ):
        return _home(slug)
    return _form_page(
        request,
        procurement,
        form,
        title=_("Edit the contract"),
        submit=_("Save the changes"),
        status=400 if request.method == "POST" else 200,
    )


@login_required
def sign(request: HttpRequest, slug: str) -> HttpResponse:
    procurement = access_procurement(request.user, slug, action=Action.EDIT_CONTRACT)
    contract = _contract(procurement)
    form = SignForm(request.POST or None, initial={"signed_on": timezone.localdate()})
    if request.method == "POST" and _save(
        request,
        form,
        lambda values: services.contract_sign(actor=request.user, contract=contract, **values),
        _("The contract is signed."),
    ):
        return _home(slug)
    missing = selectors.missing_parts(contract)
    return _form_page(
        request,
        procurement,
        form,
        title=_("Sign the contract"),
        submit=_("Record the signature"),
        intro=_("It still needs: %(missing)s.") % {"missing": ", ".join(missing)}
        if missing and contract.status == ContractStatus.DRAFT
        else "",
        status=400 if request.method == "POST" else 200,
    )


# --- KPIs --------------------------------------------------------------------------------


@login_required
def kpi_add(request: HttpRequest, slug: str) -> HttpResponse:
    procurement = access_procurement(request.user, slug, action=Action.EDIT_CONTRACT)
    contract = _contract(procurement)
    form = KpiForm(request.POST or None, fria_groups=selectors.fria_groups(procurement))
    if request.method == "POST" and _save(
        request,
        form,
        lambda values: services.kpi_add(actor=request.user, contract=contract, **values),
        _("KPI added."),
    ):
        return _home(slug)
    return _form_page(
        request,
        procurement,
        form,
        title=_("Add a KPI"),
        submit=_("Add the KPI"),
        status=400 if request.method == "POST" else 200,
    )


@login_required
def kpi_edit(request: HttpRequest, slug: str, kpi_id: int) -> HttpResponse:
    procurement = access_procurement(request.user, slug, action=Action.EDIT_CONTRACT)
    kpi = _kpi(procurement, kpi_id)
    form = KpiForm(request.POST or None, kpi=kpi, fria_groups=selectors.fria_groups(procurement))
    if request.method == "POST" and _save(
        request,
        form,
        lambda values: services.kpi_update(actor=request.user, kpi=kpi, **values),
        _("Changes saved."),
    ):
        return _home(slug)
    return _form_page(
        request,
        procurement,
        form,
        title=_("Edit the KPI"),
        submit=_("Save the changes"),
        remove_url=reverse("contract:kpi_remove", kwargs={"slug": slug, "kpi_id": kpi.pk}),
        remove_label=_("Remove this KPI"),
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def kpi_remove(request: HttpRequest, slug: str, kpi_id: int) -> HttpResponse:
    procurement = access_procurement(request.user, slug, action=Action.EDIT_CONTRACT)
    kpi = _kpi(procurement, kpi_id)
    try:
        services.kpi_remove(actor=request.user, kpi=kpi)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("KPI “%(name)s” removed.") % {"name": kpi.name})
    return _home(slug)


# --- Payment milestones ------------------------------------------------------------------


@login_required
def milestone_add(request: HttpRequest, slug: str) -> HttpResponse:
    procurement = access_procurement(request.user, slug, action=Action.EDIT_CONTRACT)
    contract = _contract(procurement)
    form = MilestoneForm(request.POST or None, contract=contract)
    if request.method == "POST" and _save(
        request,
        form,
        lambda values: services.milestone_add(actor=request.user, contract=contract, **values),
        _("Payment milestone added."),
    ):
        return _home(slug)
    return _form_page(
        request,
        procurement,
        form,
        title=_("Add a payment milestone"),
        submit=_("Add the milestone"),
        status=400 if request.method == "POST" else 200,
    )


@login_required
def milestone_edit(request: HttpRequest, slug: str, milestone_id: int) -> HttpResponse:
    procurement = access_procurement(request.user, slug, action=Action.EDIT_CONTRACT)
    milestone = _milestone(procurement, milestone_id)
    form = MilestoneForm(request.POST or None, contract=milestone.contract, milestone=milestone)
    if request.method == "POST" and _save(
        request,
        form,
        lambda values: services.milestone_update(
            actor=request.user, milestone=milestone, **values
        ),
        _("Changes saved."),
    ):
        return _home(slug)
    return _form_page(
        request,
        procurement,
        form,
        title=_("Edit the payment milestone"),
        submit=_("Save the changes"),
        remove_url=reverse(
            "contract:milestone_remove", kwargs={"slug": slug, "milestone_id": milestone.pk}
        ),
        remove_label=_("Remove this milestone"),
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def milestone_remove(request: HttpRequest, slug: str, milestone_id: int) -> HttpResponse:
    procurement = access_procurement(request.user, slug, action=Action.EDIT_CONTRACT)
    milestone = _milestone(procurement, milestone_id)
    try:
        services.milestone_remove(actor=request.user, milestone=milestone)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request, _("Payment milestone “%(title)s” removed.") % {"title": milestone.title}
        )
    return _home(slug)
