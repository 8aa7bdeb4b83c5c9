"""Staff pages of incident reports, under
/workspace/procurements/<slug>/contract/incidents/.

The queue and one report with its handling. Every member of the
organisation reads them (404 for anyone else); the reporter's contact
details are shown only to the procurement team (the roles that may triage),
whatever the stage. Triage, updates, closing and the authority notification
need ``Action.TRIAGE_INCIDENT`` (the team, at the monitoring and review
stages): 403 otherwise. A refused form re-renders the page with its errors
(400) and nothing is saved.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from participai.core.forms import add_service_errors
from participai.procurements.access import (
    Action,
    access_procurement,
    can,
    roles_allowed,
    roles_in,
)
from participai.procurements.models import Procurement

from . import selectors_incidents as selectors
from .forms_incidents import NotifyForm, ResolveForm, TriageForm, UpdateForm
from .models import Incident
from .services import incidents as services


def _sees_contact(request: HttpRequest, procurement: Procurement) -> bool:
    return bool(
        roles_in(request.user, procurement.organisation_id) & roles_allowed(Action.TRIAGE_INCIDENT)
    )


def _incident(procurement: Procurement, incident_id: int) -> Incident:
    incident = selectors.incident_detail(procurement, incident_id)
    if incident is None:
        raise Http404("No such incident report in this procurement.")
    return incident


@login_required
@require_GET
def incidents(request: HttpRequest, slug: str) -> HttpResponse:
    procurement = access_procurement(request.user, slug)
    page = selectors.incidents_page(procurement, page=request.GET.get("page"))
    return render(
        request,
        "contracts/incidents/list.html",
        {
            "procurement": procurement,
            "page": page,
            "may_triage": can(request.user, Action.TRIAGE_INCIDENT, procurement),
            "reporting": selectors.reporting_state(procurement),
        },
    )


def _detail(
    request: HttpRequest,
    procurement: Procurement,
    incident: Incident,
    *,
    bound: Form | None = None,
    status: int = 200,
) -> HttpResponse:
    may_triage = can(request.user, Action.TRIAGE_INCIDENT, procurement)
    forms: dict[str, Form] = {}
    if may_triage:
        is_closed = incident.status in selectors.CLOSED_STATUSES
        if not is_closed:
            forms["triage_form"] = TriageForm(
                initial={
                    "severity": incident.severity,
                    "respond_by": incident.respond_by,
                },
                auto_id="id_triage_%s",
            )
            forms["resolve_form"] = ResolveForm(auto_id="id_resolve_%s")
        forms["update_form"] = UpdateForm(auto_id="id_update_%s")
        if incident.is_serious and incident.authority_notified_on is None:
            forms["notify_form"] = NotifyForm(
                initial={"notified_on": timezone.localdate()}, auto_id="id_notify_%s"
            )
    if bound is not None:
        forms[_FORM_KEYS[type(bound)]] = bound
    return render(
        request,
        "contracts/incidents/detail.html",
        {
            "procurement": procurement,
            "incident": incident,
            "updates": list(incident.updates.all()),
            "may_triage": may_triage,
            "sees_contact": _sees_contact(request, procurement),
            "is_overdue": selectors.is_overdue(incident),
            "is_closed": incident.status in selectors.CLOSED_STATUSES,
            **forms,
        },
        status=status,
    )


_FORM_KEYS: dict[type, str] = {
    TriageForm: "triage_form",
    UpdateForm: "update_form",
    ResolveForm: "resolve_form",
    NotifyForm: "notify_form",
}


@login_required
@require_GET
def incident(request: HttpRequest, slug: str, incident_id: int) -> HttpResponse:
    procurement = access_procurement(request.user, slug)
    return _detail(request, procurement, _incident(procurement, incident_id))


def _write(
    request: HttpRequest,
    slug: str,
    incident_id: int,
    form_class: type[Form],
    write: Callable[..., Any],
    success: str,
) -> HttpResponse:
    procurement = access_procurement(request.user, slug, action=Action.TRIAGE_INCIDENT)
    incident = _incident(procurement, incident_id)
    form = form_class(request.POST, auto_id=f"id_{_FORM_KEYS[form_class][:-5]}_%s")
    if form.is_valid():
        try:
            write(actor=request.user, incident=incident, **form.values())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, success)
            return redirect("contract:incident", slug=slug, incident_id=incident.pk)
    return _detail(request, procurement, incident, bound=form, status=400)


@login_required
@require_POST
def triage(request: HttpRequest, slug: str, incident_id: int) -> HttpResponse:
    return _write(
        request,
        slug,
        incident_id,
        TriageForm,
        services.incident_triage,
        _("Triage recorded."),
    )


@login_required
@require_POST
def update(request: HttpRequest, slug: str, incident_id: int) -> HttpResponse:
    return _write(
        request,
        slug,
        incident_id,
        UpdateForm,
        services.incident_update,
        _("Update added."),
    )


@login_required
@require_POST
def resolve(request: HttpRequest, slug: str, incident_id: int) -> HttpResponse:
    return _write(
        request,
        slug,
        incident_id,
        ResolveForm,
        services.incident_resolve,
        _("The report is closed and the reporter can read the answer."),
    )


@login_required
@require_POST
def notify(request: HttpRequest, slug: str, incident_id: int) -> HttpResponse:
    return _write(
        request,
        slug,
        incident_id,
        NotifyForm,
        services.incident_notify_authority,
        _("The notification to the market-surveillance authority is recorded."),
    )
