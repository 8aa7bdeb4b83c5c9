"""Reads of incident reports: whether the public may report, what a reporter
sees by reference, the staff queue, and the public aggregate.

Three audiences, three shapes, so nothing leaks from one to another:

- the reporter (:func:`incident_status`) sees the status, the dates, the
  public updates and the answer of one report, found by its unguessable
  reference only; never staff notes, the severity or anyone's contact;
- staff (:func:`incidents_page`) see the queue, with overdue and
  awaiting-notification flags;
- the public (:func:`public_aggregate`) sees counts, each under five shown as
  "fewer than 5" (``contracts.disclosure``), and a median delay only when at
  least five reports were resolved.
"""

from __future__ import annotations

import datetime
import statistics
from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from participai.procurements.lifecycle import Feature
from participai.procurements.models import Procurement, ProcurementStatus

from .disclosure import MIN_CASES, PublicCount, public_count
from .models import Incident, IncidentStatus, IncidentUpdate, Severity

CLOSED_STATUSES = frozenset({IncidentStatus.RESOLVED, IncidentStatus.DISMISSED})
QUEUE_PAGE_SIZE = 50


# --- May the public report? --------------------------------------------------------------


@dataclass(frozen=True)
class ReportingState:
    open: bool
    reason: str = ""


def reporting_state(procurement: Procurement) -> ReportingState:
    """Whether anyone may report an incident on ``procurement`` now: it is
    published, active (not stopped or completed) and at a stage that enables
    monitoring (a deployed system). ``reason`` says why not, for the public."""
    if not procurement.is_published:
        return ReportingState(False, _("This procurement is not published."))
    if procurement.status != ProcurementStatus.ACTIVE:
        return ReportingState(
            False,
            _(
                "This procurement is closed (%(status)s): reports are no longer taken here. "
                "Contact the public body directly."
            )
            % {"status": procurement.get_status_display()},
        )
    if not procurement.current_stage.enables_feature(Feature.MONITORING):
        return ReportingState(
            False,
            _(
                "The system is not in use yet: reports open once it is deployed and "
                "monitored. Until then, take part in the procurement's consultations."
            ),
        )
    return ReportingState(True)


# --- The reporter's view -----------------------------------------------------------------


@dataclass(frozen=True)
class PublicUpdate:
    on: datetime.date
    status_label: str
    note: str


@dataclass(frozen=True)
class ReporterStatus:
    """What the person holding the reference may see: never the staff notes,
    the severity, the contact details or the description itself (a leaked
    reference must not reveal what the reporter wrote)."""

    reference: str
    procurement: Procurement
    status: str
    status_label: str
    reported_on: datetime.date
    occurred_on: datetime.date | None
    respond_by: datetime.date | None
    resolved_on: datetime.date | None
    public_response: str
    updates: list[PublicUpdate] = field(default_factory=list)

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED_STATUSES


def incident_status(
    reference: str, *, procurement: Procurement | None = None
) -> ReporterStatus | None:
    """The status of the report ``reference`` (case-insensitive, spaces
    ignored), or ``None`` when there is none (on ``procurement``, if given).
    Two queries."""
    reference = "".join((reference or "").split()).upper()
    if not reference or len(reference) > Incident._meta.get_field("reference").max_length:
        return None
    queryset = Incident.objects.select_related("procurement__organisation").filter(
        reference=reference
    )
    if procurement is not None:
        queryset = queryset.filter(procurement=procurement)
    incident = queryset.first()
    if incident is None:
        return None
    updates = [
        PublicUpdate(
            on=timezone.localdate(update.created_at),
            status_label=update.get_status_display(),
            note=update.note,
        )
        for update in IncidentUpdate.objects.filter(incident=incident, is_public=True).order_by(
            "created_at", "id"
        )
    ]
    return ReporterStatus(
        reference=incident.reference,
        procurement=incident.procurement,
        status=incident.status,
        status_label=incident.get_status_display(),
        reported_on=timezone.localdate(incident.created_at),
        occurred_on=incident.occurred_on,
        respond_by=incident.respond_by if incident.status not in CLOSED_STATUSES else None,
        resolved_on=incident.resolved_on,
        public_response=incident.public_response,
        updates=updates,
    )


# --- The staff queue ---------------------------------------------------------------------


@dataclass(frozen=True)
class QueueRow:
    incident: Incident
    is_closed: bool
    is_overdue: bool
    awaits_notification: bool


@dataclass(frozen=True)
class IncidentsPage:
    rows: list[QueueRow]
    page: Page
    open_count: int
    overdue_count: int
    awaiting_notification_count: int
    untriaged_count: int


def _open() -> Q:
    return ~Q(status__in=CLOSED_STATUSES)


def _overdue(today: datetime.date) -> Q:
    return _open() & Q(respond_by__lt=today)


def _awaiting_notification() -> Q:
    return Q(is_serious=True, authority_notified_on__isnull=True)


def queue(procurement: Procurement) -> QuerySet[Incident]:
    """The incidents of ``procurement`` in the order staff work them: open
    before closed; then serious, then those awaiting triage (their severity
    is unknown until someone looks), then high, medium, low; then the
    earliest ``respond_by`` first; then the oldest report first."""
    rank = Case(
        When(severity=Severity.SERIOUS, then=Value(0)),
        When(severity="", then=Value(1)),
        When(severity=Severity.HIGH, then=Value(2)),
        When(severity=Severity.MEDIUM, then=Value(3)),
        When(severity=Severity.LOW, then=Value(4)),
        default=Value(5),
        output_field=IntegerField(),
    )
    closed = Case(
        When(status__in=CLOSED_STATUSES, then=Value(1)),
        default=Value(0),
        output_field=IntegerField(),
    )
    return (
        Incident.objects.filter(procurement=procurement)
        .annotate(closed_rank=closed, severity_rank=rank)
        .order_by("closed_rank", "severity_rank", "respond_by", "created_at", "id")
    )


def incidents_page(procurement: Procurement, *, page: int | str | None = 1) -> IncidentsPage:
    """One page of the staff queue (:func:`queue`) with each row's flags
    (overdue: ``respond_by`` before today and not closed; serious and the
    authority not yet notified) and the totals of the whole queue. A fixed
    number of queries whatever the number of reports."""
    today = timezone.localdate()
    totals = Incident.objects.filter(procurement=procurement).aggregate(
        open_count=Count("id", filter=_open()),
        overdue_count=Count("id", filter=_overdue(today)),
        awaiting_notification_count=Count("id", filter=_awaiting_notification()),
        untriaged_count=Count("id", filter=Q(status=IncidentStatus.RECEIVED)),
    )
    page_obj = Paginator(queue(procurement), QUEUE_PAGE_SIZE).get_page(page)
    rows = []
    for incident in page_obj.object_list:
        closed = incident.status in CLOSED_STATUSES
        rows.append(
            QueueRow(
                incident=incident,
                is_closed=closed,
                is_overdue=not closed
                and incident.respond_by is not None
                and incident.respond_by < today,
                awaits_notification=incident.is_serious and incident.authority_notified_on is None,
            )
        )
    return IncidentsPage(rows=rows, page=page_obj, **totals)


def incident_detail(procurement: Procurement, incident_id: int) -> Incident | None:
    """Incident ``incident_id`` of ``procurement`` with its updates (and their
    authors) loaded, or ``None``."""
    return (
        Incident.objects.filter(procurement=procurement, pk=incident_id)
        .select_related("reported_by")
        .prefetch_related("updates__created_by")
        .first()
    )


def is_overdue(incident: Incident, today: datetime.date | None = None) -> bool:
    today = today or timezone.localdate()
    return (
        incident.status not in CLOSED_STATUSES
        and incident.respond_by is not None
        and incident.respond_by < today
    )


# --- The public aggregate ----------------------------------------------------------------


@dataclass(frozen=True)
class IncidentAggregate:
    """Incident figures as the public sees them. Labels are translated in the
    language active when :func:`public_aggregate` ran."""

    total: PublicCount
    by_status: list[tuple[str, PublicCount]]
    by_severity: list[tuple[str, PublicCount]]
    resolved: PublicCount
    median_days_to_resolve: int | None


def public_aggregate(procurement: Procurement) -> IncidentAggregate:
    """How many incidents were reported on ``procurement``, by status and by
    severity (of those triaged), how many were resolved, and the median number
    of days from report to resolution, shown only when at least
    :data:`~participai.contracts.disclosure.MIN_CASES` were resolved. Every
    count under five (but zero) is suppressed. Two queries."""
    counts: dict[tuple[str, str], int] = {
        (row["status"], row["severity"]): row["n"]
        for row in Incident.objects.filter(procurement=procurement)
        .values("status", "severity")
        .annotate(n=Count("id"))
        .order_by()
    }
    by_status = {
        status: sum(n for (s, _sev), n in counts.items() if s == status)
        for status in IncidentStatus.values
    }
    by_severity = {
        severity: sum(n for (_s, sev), n in counts.items() if sev == severity)
        for severity in Severity.values
    }
    resolved_rows = list(
        Incident.objects.filter(
            procurement=procurement, status=IncidentStatus.RESOLVED, resolved_on__isnull=False
        ).values_list("created_at", "resolved_on")
    )
    median = None
    if len(resolved_rows) >= MIN_CASES:
        days = [
            max((resolved_on - timezone.localdate(created_at)).days, 0)
            for created_at, resolved_on in resolved_rows
        ]
        median = round(statistics.median(days))
    return IncidentAggregate(
        total=public_count(sum(counts.values())),
        by_status=[
            (str(label), public_count(by_status[value])) for value, label in IncidentStatus.choices
        ],
        by_severity=[
            (str(label), public_count(by_severity[value])) for value, label in Severity.choices
        ],
        resolved=public_count(by_status[IncidentStatus.RESOLVED]),
        median_days_to_resolve=median,
    )
