"""Tests of the contract record. Shared helpers: an awarded tender placed as rows
(the tendering services have their own tests), and a complete contract."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from participai.accounts.models import User
from participai.contracts import services
from participai.contracts.models import Contract
from participai.core.models import AuditEvent
from participai.procurements.models import Procurement
from participai.tendering.models import Award, Bid, Tender, TenderClause, TenderStatus

START = datetime.date(2026, 1, 1)
END = datetime.date(2027, 12, 31)


def events(action: str | None = None):
    queryset = AuditEvent.objects.all()
    return queryset.filter(action=action) if action else queryset


def awarded_tender(
    procurement: Procurement, officer: User, *, clauses: int = 2, price: str = "120000.00"
) -> Tender:
    """A tender of ``procurement`` awarded to "Acme Analytics" at ``price``, with ``clauses``."""
    now = timezone.now()
    past = now - datetime.timedelta(days=10)
    tender = Tender.objects.create(
        procurement=procurement,
        status=TenderStatus.AWARDED,
        published_at=now - datetime.timedelta(days=40),
        submission_deadline=past,
        opening_at=past,
        created_by=officer,
    )
    for n in range(clauses):
        TenderClause.objects.create(
            tender=tender,
            library_key="",
            theme="audit" if n % 2 else "exit",
            title=f"Clause {n + 1}",
            text="The supplier shall…",
            position=n,
        )
    bid = Bid.objects.create(
        tender=tender,
        supplier_name="Acme Analytics",
        price=Decimal(price),
        currency="EUR",
        received_at=past - datetime.timedelta(hours=1),
        recorded_by=officer,
    )
    Award.objects.create(
        tender=tender,
        bid=bid,
        rationale="Best on outcomes and fairness.",
        decided_on=past.date(),
        recorded_by=officer,
    )
    return tender


KPI = {
    "name": "Urgent referrals seen the same day",
    "measure": "Share of urgent referrals with a first contact on the day they arrive.",
    "unit": "%",
    "direction": "higher",
    "target": Decimal("95"),
    "threshold": Decimal("85"),
    "frequency": "monthly",
    "data_source": "Case management system",
    "owner": "Head of adult social care",
    "is_public": True,
    "disaggregate_by": "",
}


def complete_contract(procurement: Procurement, officer: User) -> Contract:
    """A draft contract with a KPI, a milestone tied to it and an exit plan."""
    contract = services.contract_start(
        actor=officer, procurement=procurement, start_date=START, end_date=END
    )
    contract = services.contract_update(
        actor=officer,
        contract=contract,
        supplier_name=contract.supplier_name,
        value=contract.value,
        currency=contract.currency,
        start_date=START,
        end_date=END,
        exit_plan="Data returned within 30 days; handover to the in-house team.",
        clause_ids=[c.pk for c in contract.clauses.all()],
    )
    kpi = services.kpi_add(actor=officer, contract=contract, **KPI)
    services.milestone_add(
        actor=officer,
        contract=contract,
        title="Pilot live",
        amount=Decimal("30000"),
        due_on=datetime.date(2026, 6, 30),
        condition="The KPI is met for three months.",
        kpi=kpi,
    )
    return contract
