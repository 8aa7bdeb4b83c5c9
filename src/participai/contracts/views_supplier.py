"""The supplier's pages, under /workspace/supplier/<slug>/.

A supplier's person with access to the procurement's contract
(``SupplierAccess``) sees that contract's KPIs with their charts and data,
enters measurements and imports them from CSV while the contract is
monitored. Everyone else gets 404, staff of the body included (they have
their own pages). Nothing of payments, audits or incidents is shown here.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from . import selectors_monitoring
from .access import access_supplier_contract
from .forms_monitoring import CsvImportForm, MeasurementForm
from .models import ContractStatus, Kpi
from .services import supplier_may_record
from .views_monitoring import chart_text, import_view, measure_view


def _home(slug: str, anchor: str = "") -> HttpResponse:
    response = redirect("supplier:contract", slug=slug)
    if anchor:
        response["Location"] += f"#{anchor}"
    return response


@login_required
def contract(request: HttpRequest, slug: str) -> HttpResponse:
    contract = access_supplier_contract(request.user, slug)
    procurement = contract.procurement
    page = selectors_monitoring.monitoring_page(contract, text=chart_text(), with_accesses=False)
    may_record = contract.status == ContractStatus.SIGNED and supplier_may_record(procurement)
    for panel in page.panels:
        panel.form = MeasurementForm(kpi=panel.kpi) if may_record else None
    return render(
        request,
        "contracts/supplier/contract.html",
        {
            "procurement": procurement,
            "contract": contract,
            "page": page,
            "may_record": may_record,
            "import_form": CsvImportForm(auto_id="id_import_%s") if may_record else None,
        },
    )


def _context(procurement) -> dict:
    return {"procurement": procurement, "workspace": False}


@login_required
def measure(request: HttpRequest, slug: str, kpi_id: int) -> HttpResponse:
    contract = access_supplier_contract(request.user, slug)
    kpi = Kpi.objects.filter(contract=contract, pk=kpi_id).first()
    if kpi is None:
        raise Http404("No such KPI in this contract.")
    return measure_view(
        request,
        contract=contract,
        kpi=kpi,
        done=lambda: _home(slug, f"kpi-{kpi.pk}"),
        context=_context(contract.procurement),
    )


@login_required
def import_csv(request: HttpRequest, slug: str) -> HttpResponse:
    contract = access_supplier_contract(request.user, slug)
    return import_view(
        request,
        contract=contract,
        done=lambda: _home(slug),
        context=_context(contract.procurement),
    )
