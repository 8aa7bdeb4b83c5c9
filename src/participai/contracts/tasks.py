"""Background work of contract monitoring. Thin wrappers over services."""

from __future__ import annotations

from django_tasks import task

from .services.alerts import alert_notify, alerts_check


@task()
def notify_kpi_alert(*, alert_id: int) -> int:
    """Email the owner of a KPI alert (once). Returns how many people were told."""
    return alert_notify(alert_id=alert_id)


@task()
def check_kpi_alerts() -> int:
    """Raise the overdue alerts of every monitored contract (run daily).
    Returns how many alerts were raised."""
    return alerts_check()
