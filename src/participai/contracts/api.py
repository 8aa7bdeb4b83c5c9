"""Contract monitoring in the JSON API (mounted under /api/procurements).

``GET /api/procurements/{slug}/monitoring``: the public dashboard of a
deployed system as open data, the same figures as the page at
/p/<slug>/monitoring/ (``selectors_public``): public KPIs only, values
resting on fewer than five cases suppressed (``value`` null, ``suppressed``
true), the payment ledger, the public audits, incidents in aggregate, "you
said, we did". Decimals are strings, as elsewhere in the API. A procurement
that is not published is a 404 for everyone, its own staff included: the API
is open data, drafts stay out of it.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Literal

from django.http import Http404, HttpRequest
from django.urls import reverse
from ninja import Router, Schema

from participai.procurements.access import access_public_procurement
from participai.procurements.api import ErrorOut

from .disclosure import PublicCount
from .models import IncidentStatus, Severity
from .selectors_public import PublicDashboard, PublicValue, public_dashboard

router = Router(tags=["monitoring"])

KpiStatusKey = Literal["met", "below_target", "breach"]


class ContractOut(Schema):
    supplier: str
    currency: str
    start_date: datetime.date
    end_date: datetime.date
    signed_on: datetime.date


class ValueOut(Schema):
    measured_on: datetime.date
    group: str
    value: str | None
    suppressed: bool
    status: KpiStatusKey | None


class KpiOut(Schema):
    name: str
    measure: str
    unit: str
    direction: Literal["higher", "lower"]
    target: str
    threshold: str
    frequency: str
    groups: list[str]
    latest: list[ValueOut]
    values: list[ValueOut]


class PaymentDecisionOut(Schema):
    milestone: str
    outcome: Literal["released", "withheld"]
    amount: str
    reason: str
    decided_on: datetime.date


class PaymentsOut(Schema):
    scheduled: str
    released: str
    withheld: str
    decisions: list[PaymentDecisionOut]


class FindingOut(Schema):
    title: str
    severity: str
    status: str


class SeverityCountOut(Schema):
    severity: str
    open: int
    closed: int


class AuditOut(Schema):
    kind: str
    title: str
    auditor: str
    started_on: datetime.date
    reported_on: datetime.date | None
    summary: str
    open: int
    closed: int
    findings: list[FindingOut]
    by_severity: list[SeverityCountOut]


class CountOut(Schema):
    value: int | None
    suppressed: bool


class KeyedCountOut(Schema):
    key: str
    label: str
    count: CountOut


class IncidentsOut(Schema):
    total: CountOut
    resolved: CountOut
    by_status: list[KeyedCountOut]
    by_severity: list[KeyedCountOut]
    median_days_to_resolve: int | None


class DecisionRefOut(Schema):
    stage: str
    outcome: str
    decided_on: datetime.date


class SaidDidOut(Schema):
    process: str
    process_title: str
    status: str
    change_kind: str
    change: str
    names: str
    reason: str
    contributions: int
    decision: DecisionRefOut | None


class MonitoringOut(Schema):
    slug: str
    title: str
    organisation: str
    deployed: bool
    url: str
    report_url: str | None
    mission: str
    problem_summary: str
    contract: ContractOut | None
    kpis: list[KpiOut]
    payments: PaymentsOut | None
    audits: list[AuditOut]
    incidents: IncidentsOut | None
    said_did: list[SaidDidOut]


def _decimal(value: Decimal) -> str:
    # 85.0000 -> "85", 85.5000 -> "85.5", 100 -> "100" (not "1E+2").
    return format(value.normalize(), "f")


def _value(v: PublicValue) -> dict:
    return {
        "measured_on": v.measured_on,
        "group": v.group,
        "value": None if v.suppressed else _decimal(v.value),
        "suppressed": v.suppressed,
        "status": v.status,
    }


def _count(count: PublicCount) -> dict:
    return {"value": count.value, "suppressed": count.suppressed}


def _keyed(keys: list[str], counts: list[tuple[str, PublicCount]]) -> list[dict]:
    # public_aggregate lists every status and severity in the choices' order.
    return [
        {"key": key, "label": label, "count": _count(count)}
        for key, (label, count) in zip(keys, counts, strict=True)
    ]


def _said_did(page: PublicDashboard) -> list[dict]:
    if page.said_did is None:
        return []
    responses = [r for group in page.said_did.groups for r in group.responses]
    responses += page.said_did.pending
    return [
        {
            "process": r.process.slug,
            "process_title": r.process.title,
            "status": r.status,
            "change_kind": r.change_kind,
            "change": r.change,
            "names": r.target_label,
            "reason": r.reason,
            "contributions": len(r.contributions.all()),
            "decision": {
                "stage": r.decision.stage,
                "outcome": r.decision.outcome,
                "decided_on": r.decision.decided_on,
            }
            if r.decision_id
            else None,
        }
        for r in responses
    ]


@router.get(
    "/{slug}/monitoring",
    response={200: MonitoringOut, 404: ErrorOut},
    summary="The public monitoring dashboard of a deployed system",
)
def get_monitoring(request: HttpRequest, slug: str):
    procurement, is_preview = access_public_procurement(request.user, slug)
    if is_preview:
        raise Http404("No such procurement.")
    page = public_dashboard(procurement, with_charts=False)
    contract = page.contract
    data: dict = {
        "slug": procurement.slug,
        "title": procurement.title,
        "organisation": procurement.organisation.name,
        "deployed": page.deployed,
        "url": request.build_absolute_uri(reverse("monitoring:dashboard", args=[slug])),
        "report_url": request.build_absolute_uri(reverse("monitoring:report", args=[slug]))
        if page.report_open
        else None,
        "mission": procurement.mission,
        "problem_summary": page.problem_summary,
        "contract": None,
        "kpis": [],
        "payments": None,
        "audits": [],
        "incidents": None,
        "said_did": _said_did(page),
    }
    if contract is None:
        return data
    data["contract"] = {
        "supplier": contract.supplier_name,
        "currency": contract.currency,
        "start_date": contract.start_date,
        "end_date": contract.end_date,
        "signed_on": contract.signed_on,
    }
    data["kpis"] = [
        {
            "name": item.kpi.name,
            "measure": item.kpi.measure,
            "unit": item.kpi.unit,
            "direction": item.kpi.direction,
            "target": _decimal(item.kpi.target),
            "threshold": _decimal(item.kpi.threshold),
            "frequency": item.kpi.frequency,
            "groups": item.kpi.groups,
            "latest": [_value(v) for v in item.latest],
            "values": [_value(v) for v in item.values],
        }
        for item in page.kpis
    ]
    payments = page.payments
    data["payments"] = {
        "scheduled": _decimal(payments.scheduled),
        "released": _decimal(payments.released),
        "withheld": _decimal(payments.withheld),
        "decisions": [
            {
                "milestone": d.milestone,
                "outcome": d.outcome,
                "amount": _decimal(d.amount),
                "reason": d.reason,
                "decided_on": d.decided_on,
            }
            for d in payments.decisions
        ],
    }
    data["audits"] = [
        {
            "kind": a.kind,
            "title": a.title,
            "auditor": a.auditor,
            "started_on": a.started_on,
            "reported_on": a.reported_on,
            "summary": a.summary,
            "open": a.open,
            "closed": a.closed,
            "findings": [
                {"title": f.title, "severity": f.severity, "status": f.status} for f in a.findings
            ],
            "by_severity": [
                {"severity": c.severity, "open": c.open, "closed": c.closed} for c in a.by_severity
            ],
        }
        for a in page.audits
    ]
    agg = page.incidents
    data["incidents"] = {
        "total": _count(agg.total),
        "resolved": _count(agg.resolved),
        "by_status": _keyed(list(IncidentStatus.values), agg.by_status),
        "by_severity": _keyed(list(Severity.values), agg.by_severity),
        "median_days_to_resolve": agg.median_days_to_resolve,
    }
    return data
