"""Shared fixtures of the contract monitoring tests."""

from __future__ import annotations

import datetime

import pytest

from participai.contracts import services
from participai.contracts.models import Kpi, SupplierAccess
from participai.procurements.models import Procurement

from . import awarded_tender, complete_contract


@pytest.fixture
def monitored(make_procurement, officer):
    """A procurement at contract monitoring with a signed contract (2026-01-01 to
    2027-12-31) and its monthly KPI "Urgent referrals seen the same day" (higher
    is better, target 95, threshold 85, alerts to ``officer``)."""
    procurement = make_procurement(stage="contract_negotiation", published=True)
    awarded_tender(procurement, officer)
    contract = complete_contract(procurement, officer)
    services.contract_sign(actor=officer, contract=contract, signed_on=datetime.date(2026, 1, 1))
    Kpi.objects.filter(contract=contract).update(alert_to=officer)
    Procurement.objects.filter(pk=procurement.pk).update(stage="contract_monitoring")
    contract.refresh_from_db()
    procurement.refresh_from_db()
    return contract


@pytest.fixture
def monitored_kpi(monitored):
    return monitored.kpis.get()


@pytest.fixture
def supplier_user(make_user, monitored, officer):
    """A supplier's person with access to ``monitored`` (no membership anywhere)."""
    user = make_user("acme_analyst")
    SupplierAccess.objects.create(contract=monitored, user=user, granted_by=officer)
    return user
