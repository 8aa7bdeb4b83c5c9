"""The public dashboard of a deployed system: what the page at
/p/<slug>/monitoring/ and ``GET /api/procurements/{slug}/monitoring`` show.

What the public sees, and only that:

- what the system does: the mission, the problem in short, the supplier and
  the contract's dates (of a signed contract; without one the system is "not
  deployed yet" and nothing else is read);
- the public KPIs (never those marked internal), each with its chart, its
  data table and its latest status. A value resting on fewer than five cases
  (``Measurement.cases``) is shown as "fewer than 5": it is left out of the
  chart and the table gives no value or status for it
  (:func:`participai.contracts.disclosure.may_publish_rate`);
- the payment ledger: each decision's milestone, outcome, amount, reason and
  date (not who decided), and the totals released and withheld;
- the audits marked public, with their findings' title, severity and status,
  and counts open and closed, by severity (not the findings' details nor
  their follow-up notes);
- incidents in aggregate only (:func:`selectors_incidents.public_aggregate`);
- "you said, we did": the answers to what people said, as the procurement's
  public page groups them.

:func:`public_dashboard` costs a fixed number of queries whatever the number
of KPIs, measurements, payments, audits and findings.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from participai.participation.selectors.responses import ResponsesByDecision, responses_by_decision
from participai.participation.selectors.threads import public_processes
from participai.procurements.lifecycle import Feature
from participai.procurements.models import Procurement

from . import charts, kpi_status
from .disclosure import may_publish_rate
from .models import Contract, ContractStatus, FindingSeverity, FindingStatus, Kpi, Measurement
from .selectors_audits import audits_page
from .selectors_incidents import IncidentAggregate, public_aggregate
from .selectors_payments import ledger

SUMMARY_MAX = 600


def chart_text() -> charts.ChartText:
    """The words of the charts, in the active language."""
    return charts.ChartText(
        statuses={
            kpi_status.MET: _("met"),
            kpi_status.BELOW_TARGET: _("below target"),
            kpi_status.BREACH: _("threshold breached"),
        },
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


# --- Shapes ------------------------------------------------------------------------------


@dataclass(frozen=True)
class PublicValue:
    """One measurement as the public sees it: ``value`` and ``status`` are
    ``None`` when it rests on fewer than five cases (``suppressed``)."""

    measured_on: datetime.date
    group: str
    value: Decimal | None
    status: str | None
    status_label: str

    @property
    def suppressed(self) -> bool:
        return self.value is None


@dataclass(frozen=True)
class PublicKpi:
    kpi: Kpi
    values: list[PublicValue]  # newest first, then by group
    latest: list[PublicValue]  # the latest value of the whole, then of each group
    chart_svg: str


@dataclass(frozen=True)
class PublicPayment:
    milestone: str
    outcome: str
    outcome_label: str
    amount: Decimal
    reason: str
    decided_on: datetime.date


@dataclass(frozen=True)
class PublicPayments:
    scheduled: Decimal
    released: Decimal
    withheld: Decimal
    decisions: list[PublicPayment]


@dataclass(frozen=True)
class PublicFinding:
    title: str
    severity: str
    severity_label: str
    status: str
    status_label: str


@dataclass(frozen=True)
class SeverityCount:
    severity: str
    label: str
    open: int
    closed: int


@dataclass(frozen=True)
class PublicAudit:
    kind: str
    kind_label: str
    title: str
    auditor: str
    started_on: datetime.date
    reported_on: datetime.date | None
    summary: str
    findings: list[PublicFinding]
    open: int
    closed: int
    by_severity: list[SeverityCount]


@dataclass(frozen=True)
class PublicDashboard:
    procurement: Procurement
    contract: Contract | None  # signed, or None: not deployed yet
    report_open: bool
    problem_summary: str = ""
    kpis: list[PublicKpi] = field(default_factory=list)
    payments: PublicPayments | None = None
    audits: list[PublicAudit] = field(default_factory=list)
    incidents: IncidentAggregate | None = None
    said_did: ResponsesByDecision | None = None

    @property
    def deployed(self) -> bool:
        return self.contract is not None


# --- Reads -------------------------------------------------------------------------------


def problem_summary(text: str) -> str:
    """The problem statement's first paragraph, shortened to about
    :data:`SUMMARY_MAX` characters on a word boundary."""
    first = next((p.strip() for p in (text or "").split("\n\n") if p.strip()), "")
    first = " ".join(first.split())
    if len(first) <= SUMMARY_MAX:
        return first
    return first[:SUMMARY_MAX].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def _public_value(kpi: Kpi, m: Measurement, text: charts.ChartText) -> PublicValue:
    if not may_publish_rate(m.cases):
        return PublicValue(m.measured_on, m.group, None, None, _("fewer than 5 cases"))
    state = kpi_status.status(
        m.value, target=kpi.target, threshold=kpi.threshold, direction=kpi.direction
    )
    return PublicValue(m.measured_on, m.group, m.value, state, str(text.statuses[state]))


def public_kpi(
    kpi: Kpi, measurements: list[Measurement], text: charts.ChartText, *, chart: bool = True
) -> PublicKpi:
    """One public KPI: its values (suppressed under five cases), its latest
    value per group, and its chart (of the values that may be shown) unless
    ``chart`` is false (the JSON API carries no chart: drawing one costs half
    of building the dashboard)."""
    values = [_public_value(kpi, m, text) for m in measurements]
    values.sort(key=lambda v: v.group)
    values.sort(key=lambda v: v.measured_on, reverse=True)
    latest: dict[str, PublicValue] = {}
    for value in values:
        latest.setdefault(value.group, value)
    shown = [v for v in values if not v.suppressed]
    if kpi.groups or any(v.group for v in values):
        series: charts.Series = {}
        for v in sorted(shown, key=lambda v: v.measured_on):
            series.setdefault(v.group or text.overall, []).append((v.measured_on, v.value))
    else:
        series = [(v.measured_on, v.value) for v in shown]
    chart_svg = (
        charts.kpi_chart(
            series,
            target=kpi.target,
            threshold=kpi.threshold,
            direction=kpi.direction,
            unit=kpi.unit,
            title=kpi.name,
            ident=f"kpi-{kpi.pk}",
            text=text,
        )
        if chart
        else ""
    )
    return PublicKpi(
        kpi=kpi,
        values=values,
        latest=[latest[g] for g in sorted(latest, key=lambda g: (g != "", g))],
        chart_svg=chart_svg,
    )


def public_kpis(contract: Contract, *, with_charts: bool = True) -> list[PublicKpi]:
    """The contract's public KPIs in their order, each with its measurements
    (and its chart, unless ``with_charts`` is false): two queries."""
    kpis = Kpi.objects.filter(contract=contract, is_public=True).prefetch_related(
        Prefetch(
            "measurements",
            queryset=Measurement.objects.only(
                "id", "kpi_id", "measured_on", "group", "value", "cases"
            ).order_by("measured_on", "group", "id"),
        )
    )
    text = chart_text()
    return [public_kpi(kpi, list(kpi.measurements.all()), text, chart=with_charts) for kpi in kpis]


def public_payments(contract: Contract) -> PublicPayments:
    """The ledger as the public sees it: decisions in the order taken, totals."""
    book = ledger(contract)
    titles = {row.milestone.pk: row.milestone.title for row in book.milestones}
    return PublicPayments(
        scheduled=book.total,
        released=book.released,
        withheld=book.withheld,
        decisions=[
            PublicPayment(
                milestone=titles[d.milestone_id],
                outcome=d.outcome,
                outcome_label=d.get_outcome_display(),
                amount=d.amount,
                reason=d.reason,
                decided_on=d.decided_on,
            )
            for d in book.decisions
        ],
    )


def public_audits(contract: Contract) -> list[PublicAudit]:
    """The audits marked public, their findings' title, severity and status,
    and counts open and closed by severity."""
    audits = []
    for row in audits_page(contract, public_only=True).audits:
        findings = [f.finding for f in row.findings]
        by_severity = [
            SeverityCount(
                severity=value,
                label=str(label),
                open=sum(
                    1 for f in findings if f.severity == value and f.status != FindingStatus.CLOSED
                ),
                closed=sum(
                    1 for f in findings if f.severity == value and f.status == FindingStatus.CLOSED
                ),
            )
            for value, label in FindingSeverity.choices
        ]
        audit = row.audit
        audits.append(
            PublicAudit(
                kind=audit.kind,
                kind_label=audit.get_kind_display(),
                title=audit.title,
                auditor=audit.auditor,
                started_on=audit.started_on,
                reported_on=audit.reported_on,
                summary=audit.summary,
                findings=[
                    PublicFinding(
                        title=f.title,
                        severity=f.severity,
                        severity_label=f.get_severity_display(),
                        status=f.status,
                        status_label=f.get_status_display(),
                    )
                    for f in findings
                ],
                open=sum(c.open for c in by_severity),
                closed=sum(c.closed for c in by_severity),
                by_severity=by_severity,
            )
        )
    return audits


def signed_contract(procurement: Procurement) -> Contract | None:
    """The procurement's contract once signed; ``None`` before."""
    return Contract.objects.filter(procurement=procurement, status=ContractStatus.SIGNED).first()


def public_dashboard(procurement: Procurement, *, with_charts: bool = True) -> PublicDashboard:
    """Everything the public dashboard shows (see the module); ``with_charts=False``
    leaves the KPI charts out (the API). Without a signed contract, only
    whether incidents may be reported: one query."""
    report_open = procurement.current_stage.enables_feature(Feature.MONITORING)
    contract = signed_contract(procurement)
    if contract is None:
        return PublicDashboard(procurement=procurement, contract=None, report_open=report_open)
    processes = list(public_processes(procurement))
    return PublicDashboard(
        procurement=procurement,
        contract=contract,
        report_open=report_open,
        problem_summary=problem_summary(procurement.problem_statement),
        kpis=public_kpis(contract, with_charts=with_charts),
        payments=public_payments(contract),
        audits=public_audits(contract),
        incidents=public_aggregate(procurement),
        said_did=responses_by_decision(procurement, processes=processes),
    )
