"""Workspace pages of audits and their findings, under
/workspace/procurements/<slug>/contract/audits/.

Every member of the organisation reads the audits, their findings and the
follow-up (404 for anyone else, suppliers included: they are not members).
Recording or changing an audit, adding a finding and following it up need
``Action.RECORD_AUDIT`` (the procurement team and the auditors, while the
stage enables monitoring: 403 otherwise) and a signed contract (the service
says so on the form otherwise).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from participai.core.forms import add_service_errors
from participai.procurements.access import Action, access_procurement, can
from participai.procurements.models import Procurement

from . import services
from .forms_payaudit import AuditForm, FindingForm, FindingUpdateForm
from .models import Audit, Contract, ContractStatus, Finding
from .selectors_audits import audits_page


def _contract(procurement: Procurement) -> Contract:
    contract = Contract.objects.filter(procurement=procurement).first()
    if contract is None:
        raise Http404("No contract is recorded for this procurement.")
    return contract


def _audit(procurement: Procurement, audit_id: int) -> Audit:
    audit = Audit.objects.filter(contract__procurement=procurement, pk=audit_id).first()
    if audit is None:
        raise Http404("No such audit in this contract.")
    return audit


def _finding(procurement: Procurement, finding_id: int) -> Finding:
    finding = (
        Finding.objects.select_related("audit")
        .filter(audit__contract__procurement=procurement, pk=finding_id)
        .first()
    )
    if finding is None:
        raise Http404("No such finding in this contract.")
    return finding


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


def _form_page(
    request: HttpRequest,
    procurement: Procurement,
    form: Form,
    *,
    title: str,
    submit: str,
    intro: str = "",
    finding: Finding | None = None,
) -> HttpResponse:
    return render(
        request,
        "contracts/audits/form.html",
        {
            "procurement": procurement,
            "form": form,
            "title": title,
            "submit": submit,
            "intro": intro,
            "finding": finding,
            "updates": list(finding.updates.select_related("created_by")) if finding else [],
        },
        status=400 if request.method == "POST" else 200,
    )


def _home(slug: str) -> HttpResponse:
    return redirect("contract:audits", slug=slug)


@login_required
def audits(request: HttpRequest, slug: str) -> HttpResponse:
    procurement = access_procurement(request.user, slug)
    contract = Contract.objects.filter(procurement=procurement).first()
    is_signed = contract is not None and contract.status == ContractStatus.SIGNED
    may_record = can(request.user, Action.RECORD_AUDIT, procurement)
    return render(
        request,
        "contracts/audits/audits.html",
        {
            "procurement": procurement,
            "contract": contract,
            "is_signed": is_signed,
            "page": audits_page(contract) if contract else None,
            "may_record": may_record,
            "can_record": may_record and is_signed,
        },
    )


@login_required
def audit_add(request: HttpRequest, slug: str) -> HttpResponse:
    procurement = access_procurement(request.user, slug, action=Action.RECORD_AUDIT)
    contract = _contract(procurement)
    form = AuditForm(request.POST or None)
    if request.method == "POST" and _save(
        request,
        form,
        lambda values: services.audit_record(actor=request.user, contract=contract, **values),
        _("Audit recorded. Add its findings."),
    ):
        return _home(slug)
    return _form_page(
        request, procurement, form, title=_("Record an audit"), submit=_("Record the audit")
    )


@login_required
def audit_edit(request: HttpRequest, slug: str, audit_id: int) -> HttpResponse:
    procurement = access_procurement(request.user, slug, action=Action.RECORD_AUDIT)
    audit = _audit(procurement, audit_id)
    form = AuditForm(request.POST or None, audit=audit)
    if request.method == "POST" and _save(
        request,
        form,
        lambda values: services.audit_update(actor=request.user, audit=audit, **values),
        _("Changes saved."),
    ):
        return _home(slug)
    return _form_page(
        request, procurement, form, title=_("Edit the audit"), submit=_("Save the changes")
    )


@login_required
def finding_add(request: HttpRequest, slug: str, audit_id: int) -> HttpResponse:
    procurement = access_procurement(request.user, slug, action=Action.RECORD_AUDIT)
    audit = _audit(procurement, audit_id)
    form = FindingForm(request.POST or None)
    if request.method == "POST" and _save(
        request,
        form,
        lambda values: services.finding_add(actor=request.user, audit=audit, **values),
        _("Finding added."),
    ):
        return _home(slug)
    return _form_page(
        request,
        procurement,
        form,
        title=_("Add a finding to “%(audit)s”") % {"audit": audit.title},
        submit=_("Add the finding"),
    )


@login_required
def finding_update(request: HttpRequest, slug: str, finding_id: int) -> HttpResponse:
    procurement = access_procurement(request.user, slug, action=Action.RECORD_AUDIT)
    finding = _finding(procurement, finding_id)
    form = FindingUpdateForm(request.POST or None, finding=finding)
    if request.method == "POST" and _save(
        request,
        form,
        lambda values: services.finding_update(actor=request.user, finding=finding, **values),
        _("Follow-up recorded."),
    ):
        return _home(slug)
    return _form_page(
        request,
        procurement,
        form,
        title=_("Follow up “%(finding)s”") % {"finding": finding.title},
        submit=_("Record the follow-up"),
        intro=finding.description,
        finding=finding,
    )
