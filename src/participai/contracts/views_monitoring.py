"""Staff pages of KPI monitoring, under /workspace/procurements/<slug>/contract/monitoring/.

The page: each KPI with its chart, data table, latest status and alerts; a
measurement form per KPI and a CSV upload; the supplier's accesses; the
alerts, to resolve. Every member of the organisation reads it (404 for
anyone else); recording needs ``Action.RECORD_MEASUREMENT``, granting access
``Action.GRANT_SUPPLIER_ACCESS`` (403 otherwise), both at a stage that
enables monitoring, and a signed contract.

:func:`measure_view` and :func:`import_view` serve the supplier's pages too
(``views_supplier``): the services decide who may write.
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
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from participai.core.forms import add_service_errors
from participai.procurements.access import Action, access_procurement, can

from . import selectors_monitoring, services
from .charts import ChartText
from .forms_monitoring import CsvImportForm, MeasurementForm, SupplierAccessForm
from .kpi_status import BELOW_TARGET, BREACH, MET
from .models import Contract, ContractStatus, Kpi, KpiAlert, SupplierAccess


def chart_text() -> ChartText:
    """The words of the KPI charts, in the request's language."""
    return ChartText(
        statuses={MET: _("met"), BELOW_TARGET: _("below target"), BREACH: _("threshold breached")},
        target=_("Target"),
        threshold=_("Threshold"),
        no_data=_("No measurement yet."),
        latest=_(
            "Latest value %(value)s on %(date)s: %(status)s "
            "(target %(target)s, threshold %(threshold)s)."
        ),
        latest_group=_("%(group)s: %(value)s on %(date)s, %(status)s."),
        count=_("%(count)s measurements from %(first)s to %(last)s."),
        overall=_("Whole service"),
    )


def _contract(procurement: Any) -> Contract:
    contract = Contract.objects.filter(procurement=procurement).first()
    if contract is None:
        raise Http404("No contract is recorded for this procurement.")
    return contract


def _home(slug: str, anchor: str = "") -> HttpResponse:
    response = redirect("contract:monitoring", slug=slug)
    if anchor:
        response["Location"] += f"#{anchor}"
    return response


def _refusal_messages(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


# --- Shared with the supplier's pages ----------------------------------------------------


def measure_view(
    request: HttpRequest,
    *,
    contract: Contract,
    kpi: Kpi,
    done: Callable[[], HttpResponse],
    context: dict[str, Any],
) -> HttpResponse:
    """GET: the measurement form of ``kpi``; POST: record it, then ``done()``;
    on bad input the form again with its errors (400)."""
    form = MeasurementForm(request.POST or None, request.FILES or None, kpi=kpi)
    if request.method == "POST" and form.is_valid():
        try:
            services.measurement_record(actor=request.user, kpi=kpi, **form.values())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Measurement of “%(kpi)s” recorded.") % {"kpi": kpi.name})
            return done()
    return render(
        request,
        "contracts/monitoring/form.html",
        {
            **context,
            "contract": contract,
            "form": form,
            "multipart": True,
            "title": _("Record a measurement of “%(kpi)s”") % {"kpi": kpi.name},
            "submit": _("Record the measurement"),
        },
        status=400 if request.method == "POST" else 200,
    )


def import_view(
    request: HttpRequest,
    *,
    contract: Contract,
    done: Callable[[], HttpResponse],
    context: dict[str, Any],
) -> HttpResponse:
    """GET: the CSV upload form; POST: import all or nothing, then ``done()``;
    on any problem the form again listing each by line (400)."""
    form = CsvImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            count = services.measurements_import_csv(
                actor=request.user, contract=contract, file=upload, filename=upload.name
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                ngettext(
                    "%(count)d measurement imported.", "%(count)d measurements imported.", count
                )
                % {"count": count},
            )
            return done()
    return render(
        request,
        "contracts/monitoring/form.html",
        {
            **context,
            "contract": contract,
            "form": form,
            "multipart": True,
            "title": _("Import measurements from a CSV file"),
            "submit": _("Import"),
        },
        status=400 if request.method == "POST" else 200,
    )


# --- The staff page ----------------------------------------------------------------------


@login_required
def monitoring(request: HttpRequest, slug: str) -> HttpResponse:
    procurement = access_procurement(request.user, slug)
    contract = Contract.objects.filter(procurement=procurement).first()
    if contract is None:
        # Nothing to monitor yet: say so rather than answer "not found".
        return render(
            request,
            "contracts/monitoring/page.html",
            {"procurement": procurement, "contract": None},
        )
    contract.procurement = procurement
    page = selectors_monitoring.monitoring_page(contract, text=chart_text())
    signed = contract.status == ContractStatus.SIGNED
    may_record = signed and can(request.user, Action.RECORD_MEASUREMENT, procurement)
    may_grant = signed and can(request.user, Action.GRANT_SUPPLIER_ACCESS, procurement)
    forms: dict[int, Form] = (
        {panel.kpi.pk: MeasurementForm(kpi=panel.kpi) for panel in page.panels}
        if may_record
        else {}
    )
    for panel in page.panels:
        panel.form = forms.get(panel.kpi.pk)
    return render(
        request,
        "contracts/monitoring/page.html",
        {
            "procurement": procurement,
            "contract": contract,
            "page": page,
            "signed": signed,
            "may_record": may_record,
            "may_grant": may_grant,
            "import_form": CsvImportForm(auto_id="id_import_%s") if may_record else None,
            "access_form": SupplierAccessForm(auto_id="id_access_%s") if may_grant else None,
        },
    )


def _staff_context(procurement: Any) -> dict[str, Any]:
    return {"procurement": procurement, "workspace": True}


@login_required
def measure(request: HttpRequest, slug: str, kpi_id: int) -> HttpResponse:
    procurement = access_procurement(request.user, slug, action=Action.RECORD_MEASUREMENT)
    contract = _contract(procurement)
    kpi = Kpi.objects.filter(contract=contract, pk=kpi_id).first()
    if kpi is None:
        raise Http404("No such KPI in this contract.")
    return measure_view(
        request,
        contract=contract,
        kpi=kpi,
        done=lambda: _home(slug, f"kpi-{kpi.pk}"),
        context=_staff_context(procurement),
    )


@login_required
def import_csv(request: HttpRequest, slug: str) -> HttpResponse:
    procurement = access_procurement(request.user, slug, action=Action.RECORD_MEASUREMENT)
    contract = _contract(procurement)
    return import_view(
        request, contract=contract, done=lambda: _home(slug), context=_staff_context(procurement)
    )


@login_required
@require_POST
def access_grant(request: HttpRequest, slug: str) -> HttpResponse:
    procurement = access_procurement(request.user, slug, action=Action.GRANT_SUPPLIER_ACCESS)
    contract = _contract(procurement)
    form = SupplierAccessForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return _home(slug, "suppliers")
    user = form.cleaned_data["user"]
    try:
        services.supplier_access_grant(actor=request.user, contract=contract, user=user)
    except ValidationError as error:
        _refusal_messages(request, error)
    else:
        messages.success(
            request, _("%(user)s can now see this contract.") % {"user": user.get_username()}
        )
    return _home(slug, "suppliers")


@login_required
@require_POST
def access_revoke(request: HttpRequest, slug: str, access_id: int) -> HttpResponse:
    procurement = access_procurement(request.user, slug, action=Action.GRANT_SUPPLIER_ACCESS)
    contract = _contract(procurement)
    access = (
        SupplierAccess.objects.filter(contract=contract, pk=access_id)
        .select_related("user")
        .first()
    )
    if access is None:
        raise Http404("No such access to this contract.")
    try:
        services.supplier_access_revoke(actor=request.user, access=access)
    except ValidationError as error:
        _refusal_messages(request, error)
    else:
        messages.success(
            request,
            _("%(user)s no longer sees this contract.") % {"user": access.user.get_username()},
        )
    return _home(slug, "suppliers")


@login_required
@require_POST
def alert_resolve(request: HttpRequest, slug: str, alert_id: int) -> HttpResponse:
    procurement = access_procurement(request.user, slug, action=Action.RECORD_MEASUREMENT)
    contract = _contract(procurement)
    alert = KpiAlert.objects.filter(kpi__contract=contract, pk=alert_id).first()
    if alert is None:
        raise Http404("No such alert in this contract.")
    try:
        services.alert_resolve(actor=request.user, alert=alert)
    except ValidationError as error:
        _refusal_messages(request, error)
    else:
        messages.success(request, _("Alert resolved."))
    return _home(slug, "alerts")


@login_required
@require_POST
def alerts_check(request: HttpRequest, slug: str) -> HttpResponse:
    """Run the overdue check now (it also runs daily as a task)."""
    access_procurement(request.user, slug, action=Action.RECORD_MEASUREMENT)
    raised = services.alerts_check()
    messages.info(
        request,
        ngettext("%(count)d new alert.", "%(count)d new alerts.", raised) % {"count": raised},
    )
    return _home(slug, "alerts")
