"""KPI alerts: a breach raises one alert, an overdue period one alert, each owner emailed once."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from participai.accounts.roles import Role
from participai.contracts import services
from participai.contracts.models import KpiAlert
from participai.contracts.tasks import check_kpi_alerts
from participai.procurements.models import Procurement

from . import events

day = datetime.date


JAN = day(2026, 1, 31)


def breach(actor, kpi, on=JAN, value="80"):
    return services.measurement_record(actor=actor, kpi=kpi, measured_on=on, value=Decimal(value))


def test_breach_emails_alert_to_after_commit(
    officer, monitored_kpi, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        breach(officer, monitored_kpi)
    alert = KpiAlert.objects.get()
    assert alert.notified_at is not None
    [message] = mail.outbox
    assert message.to == [officer.email]
    assert monitored_kpi.name in message.subject
    assert "/contract/monitoring/" in message.body and "80" in message.body


def test_without_alert_to_the_procurement_officers_are_told(
    officer, org, make_member, monitored_kpi, django_capture_on_commit_callbacks
):
    type(monitored_kpi).objects.filter(pk=monitored_kpi.pk).update(alert_to=None)
    other = make_member(org, Role.PROCUREMENT_OFFICER)
    make_member(org, Role.AUDITOR)  # not told
    with django_capture_on_commit_callbacks(execute=True):
        breach(officer, monitored_kpi)
    assert sorted(m.to[0] for m in mail.outbox) == sorted([officer.email, other.email])


def test_notify_is_once(officer, monitored_kpi, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        breach(officer, monitored_kpi)
    alert = KpiAlert.objects.get()
    assert services.alert_notify(alert_id=alert.pk) == 0
    assert len(mail.outbox) == 1


def test_overdue_once_per_period(
    officer, monitored, monitored_kpi, django_capture_on_commit_callbacks
):
    # Monthly from 2026-01-01: periods end 02-01, 03-01, 04-01; only 03-01 is measured.
    breach(officer, monitored_kpi, on=day(2026, 2, 20), value="96")
    with django_capture_on_commit_callbacks(execute=True):
        assert services.alerts_check(today=day(2026, 4, 8)) == 1  # 02-01 late; 04-01 in grace
    assert list(KpiAlert.objects.values_list("kind", "period")) == [("overdue", day(2026, 2, 1))]
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [officer.email]
    with django_capture_on_commit_callbacks(execute=True):
        assert services.alerts_check(today=day(2026, 4, 8)) == 0
        assert services.alerts_check(today=day(2026, 4, 9)) == 1  # 04-01 now late
    assert KpiAlert.objects.filter(kind="overdue").count() == 2
    assert len(mail.outbox) == 2
    assert events("contracts.kpi_alert_raise").count() == 2


def test_only_monitored_contracts_are_checked(monitored):
    Procurement.objects.filter(pk=monitored.procurement_id).update(stage="contract_negotiation")
    assert services.alerts_check(today=day(2026, 6, 1)) == 0
    Procurement.objects.filter(pk=monitored.procurement_id).update(stage="review")
    assert services.alerts_check(today=day(2026, 6, 1)) == 4


def test_the_task_runs_the_check(monitored):
    result = check_kpi_alerts.enqueue()
    # The test settings run tasks immediately; today (the machine's date) is after 2026-01-01.
    assert result.return_value == KpiAlert.objects.filter(kind="overdue").count()


def test_resolve(officer, org, make_member, monitored_kpi):
    breach(officer, monitored_kpi)
    alert = KpiAlert.objects.get()
    with pytest.raises(PermissionDenied):
        services.alert_resolve(actor=make_member(org, Role.AUDITOR), alert=alert)
    services.alert_resolve(actor=officer, alert=alert)
    alert.refresh_from_db()
    assert alert.resolved_at is not None
    assert events("contracts.kpi_alert_resolve").count() == 1
    with pytest.raises(ValidationError, match="already resolved"):
        services.alert_resolve(actor=officer, alert=alert)
    assert services.alert_notify(alert_id=alert.pk) == 0  # resolved: nobody told


def test_a_breach_entered_without_notice_raises_the_alert_but_mails_no_one(
    monitored_kpi, officer, mailoutbox, django_capture_on_commit_callbacks
):
    import datetime
    from decimal import Decimal

    from participai.contracts import services
    from participai.contracts.models import KpiAlert

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.measurement_record(
            actor=officer,
            kpi=monitored_kpi,
            measured_on=datetime.date(2026, 2, 1),
            value=Decimal("10"),
            notify=False,
        )
    assert KpiAlert.objects.filter(kpi=monitored_kpi, kind="breach").count() == 1
    assert callbacks == [] and mailoutbox == []
