"""KPI alerts: a threshold breached, a measurement overdue; telling their owner; resolving them.

An alert is raised once per KPI, kind, period and group (the model's
constraint), however often a measurement is re-entered or the check runs.
Its owner is told by email after the transaction that raised it commits:
the KPI's ``alert_to``, else the procurement officers of the body.
"""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.mail import send_mass_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from participai.accounts.models import User
from participai.accounts.roles import Role
from participai.procurements import lifecycle
from participai.procurements.access import Action
from participai.procurements.lifecycle import Feature
from participai.procurements.models import ProcurementStatus

from .. import kpi_status
from ..models import AlertKind, Contract, ContractStatus, Kpi, KpiAlert, Measurement
from ._common import _audit
from .suppliers import _locked_monitored

GRACE_DAYS = 7


def _notify_after_commit(alert: KpiAlert) -> None:
    from ..tasks import notify_kpi_alert

    alert_id = alert.pk
    transaction.on_commit(lambda: notify_kpi_alert.enqueue(alert_id=alert_id))


def alert_breach(measurement: Measurement, *, notify: bool = True) -> KpiAlert | None:
    """Raise the breach alert of ``measurement`` if its value is beyond the
    KPI's threshold and no alert of that period and group exists; its owner
    is told after commit unless ``notify`` is false (past values entered
    today: the demo). Returns the new alert, else ``None``.

    Precondition: inside the transaction that saved the measurement (the
    caller's audit event names the alert).
    """
    kpi = measurement.kpi
    state = kpi_status.status(
        measurement.value, target=kpi.target, threshold=kpi.threshold, direction=kpi.direction
    )
    if state != kpi_status.BREACH:
        return None
    alert, created = KpiAlert.objects.get_or_create(
        kpi=kpi,
        kind=AlertKind.BREACH,
        period=measurement.measured_on,
        group=measurement.group,
        defaults={
            "measurement": measurement,
            "detail": f"{measurement.value} {kpi.unit} / {kpi.threshold} {kpi.unit}",
        },
    )
    if not created:
        return None
    if notify:
        _notify_after_commit(alert)
    return alert


def alert_recipients(kpi: Kpi) -> list[str]:
    """Who is told about the KPI's alerts: its ``alert_to`` (if active and with
    an email), else the procurement officers of the body."""
    if kpi.alert_to_id:
        user = User.objects.filter(pk=kpi.alert_to_id, is_active=True).exclude(email="").first()
        if user is not None:
            return [user.email]
    return list(
        User.objects.filter(
            memberships__organisation_id=kpi.contract.procurement.organisation_id,
            memberships__role=Role.PROCUREMENT_OFFICER,
            is_active=True,
        )
        .exclude(email="")
        .order_by("email")
        .values_list("email", flat=True)
        .distinct()
    )


def alert_notify(*, alert_id: int) -> int:
    """Email the owner(s) of alert ``alert_id`` once, and note when. Returns how
    many were told (0 for an alert already notified, resolved or gone)."""
    with transaction.atomic():
        alert = (
            KpiAlert.objects.select_for_update(of=("self",))
            .select_related("kpi__contract__procurement")
            .filter(pk=alert_id, notified_at__isnull=True, resolved_at__isnull=True)
            .first()
        )
        if alert is None:
            return 0
        recipients = alert_recipients(alert.kpi)
        if not recipients:
            return 0
        procurement = alert.kpi.contract.procurement
        link = settings.SITE_URL + reverse(
            "contract:monitoring", kwargs={"slug": procurement.slug}
        )
        # People have no language preference yet: the installation's language.
        with translation.override(settings.LANGUAGE_CODE):
            subject = _("[ParticipAI] %(kpi)s: %(kind)s") % {
                "kpi": alert.kpi.name,
                "kind": alert.get_kind_display(),
            }
            body = render_to_string(
                "contracts/monitoring/email/alert.txt",
                {"alert": alert, "kpi": alert.kpi, "procurement": procurement, "link": link},
            )
        alert.notified_at = timezone.now()
        alert.save(update_fields=["notified_at"])
    send_mass_mail([(subject, body, settings.DEFAULT_FROM_EMAIL, [email]) for email in recipients])
    return len(recipients)


def _monitored_contracts() -> list[Contract]:
    stages = [s.key for s in lifecycle.STAGES if s.enables_feature(Feature.MONITORING)]
    return list(
        Contract.objects.filter(
            status=ContractStatus.SIGNED,
            procurement__stage__in=stages,
            procurement__status=ProcurementStatus.ACTIVE,
        )
        .select_related("procurement")
        .prefetch_related("kpis")
    )


@transaction.atomic
def alerts_check(*, today: datetime.date | None = None) -> int:
    """Raise an overdue alert for every period of every KPI of every signed
    contract being monitored whose measurement is missing ``GRACE_DAYS``
    days after the period ended (``kpi_status.overdue``), once per period;
    each is audited and its owner told after commit. Periods run from the
    contract's start, to its end or ``today``. Returns how many alerts were
    raised. A fixed number of queries plus one write per new alert.
    """
    today = today or timezone.localdate()
    contracts = _monitored_contracts()
    kpis = [kpi for contract in contracts for kpi in contract.kpis.all()]
    measured: dict[int, set[datetime.date]] = defaultdict(set)
    for kpi_id, day in Measurement.objects.filter(kpi__in=kpis).values_list(
        "kpi_id", "measured_on"
    ):
        measured[kpi_id].add(day)
    known: set[tuple[int, datetime.date]] = set(
        KpiAlert.objects.filter(kpi__in=kpis, kind=AlertKind.OVERDUE, group="").values_list(
            "kpi_id", "period"
        )
    )
    raised = 0
    for contract in contracts:
        for kpi in contract.kpis.all():
            kpi.contract = contract
            due = kpi_status.due_dates(
                contract.start_date, min(contract.end_date, today), kpi.frequency
            )
            for day in kpi_status.overdue(due, measured[kpi.pk], today, GRACE_DAYS):
                if (kpi.pk, day) in known:
                    continue
                alert = KpiAlert.objects.create(
                    kpi=kpi,
                    kind=AlertKind.OVERDUE,
                    period=day,
                    detail=f"{kpi.get_frequency_display()}: {day.isoformat()}",
                )
                _audit(
                    None,
                    "contracts.kpi_alert_raise",
                    alert,
                    contract,
                    kpi=kpi.pk,
                    kind=AlertKind.OVERDUE,
                    period=day.isoformat(),
                )
                _notify_after_commit(alert)
                raised += 1
    return raised


@transaction.atomic
def alert_resolve(*, actor: User, alert: KpiAlert) -> KpiAlert:
    """Mark an alert dealt with (``Action.RECORD_MEASUREMENT``); refused when
    it already is. The alert stays, with when it was resolved."""
    contract_id = Kpi.objects.values_list("contract_id", flat=True).get(pk=alert.kpi_id)
    contract, _source = _locked_monitored(actor, contract_id, Action.RECORD_MEASUREMENT)
    alert = KpiAlert.objects.select_for_update().get(pk=alert.pk)
    if alert.resolved_at is not None:
        raise ValidationError({NON_FIELD_ERRORS: _("This alert is already resolved.")})
    alert.resolved_at = timezone.now()
    alert.save(update_fields=["resolved_at"])
    _audit(
        actor,
        "contracts.kpi_alert_resolve",
        alert,
        contract,
        kpi=alert.kpi_id,
        kind=alert.kind,
        period=alert.period.isoformat(),
        group=alert.group,
    )
    return alert
