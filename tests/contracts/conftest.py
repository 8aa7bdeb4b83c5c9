"""Shared fixtures of the contract monitoring tests."""

from __future__ import annotations

# --- KPI monitoring (measurements, alerts, supplier access) -----------------------------
import pytest as _kpi_pytest


@_kpi_pytest.fixture
def monitored(make_procurement, officer):
    """A procurement at contract monitoring with a signed contract (2026-01-01 to
    2027-12-31) and its monthly KPI "Urgent referrals seen the same day" (higher
    is better, target 95, threshold 85, alerts to ``officer``)."""
    import datetime as _dt

    from participai.contracts import services as _services
    from participai.contracts.models import Kpi as _Kpi
    from participai.procurements.models import Procurement as _Procurement

    from . import awarded_tender, complete_contract

    procurement = make_procurement(stage="contract_negotiation", published=True)
    awarded_tender(procurement, officer)
    contract = complete_contract(procurement, officer)
    _services.contract_sign(actor=officer, contract=contract, signed_on=_dt.date(2026, 1, 1))
    _Kpi.objects.filter(contract=contract).update(alert_to=officer)
    _Procurement.objects.filter(pk=procurement.pk).update(stage="contract_monitoring")
    contract.refresh_from_db()
    procurement.refresh_from_db()
    return contract


@_kpi_pytest.fixture
def monitored_kpi(monitored):
    return monitored.kpis.get()


@_kpi_pytest.fixture
def supplier_user(make_user, monitored, officer):
    """A supplier's person with access to ``monitored`` (no membership anywhere)."""
    from participai.contracts.models import SupplierAccess as _SupplierAccess

    user = make_user("acme_analyst")
    _SupplierAccess.objects.create(contract=monitored, user=user, granted_by=officer)
    return user
