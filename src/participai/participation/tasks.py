"""Background work of participation. Thin wrappers over services."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from .services.notifications import (
    send_daily_digests,
    send_notification,
    send_overdue_notifications,
)


@task()
def send_response_notification(*, notification_id: int) -> bool:
    """Mail one notification of a "you said, we did" answer to a participant
    who takes mail at once. Returns whether a mail went out."""
    return send_notification(notification_id=notification_id)


@task()
def send_digests() -> int:
    """Mail each participant who takes a daily digest what is waiting for
    them, and try again the mails "at once" still waiting (see
    ``send_overdue_notifications``). Returns how many digests went out."""
    now = timezone.now()
    sent = send_daily_digests(now=now)
    send_overdue_notifications(now=now)
    return sent
