"""Background work of participation. Thin wrappers over services."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from .services.insights import opinion_groups_compute, topics_compute
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


@task()
def compute_opinion_groups(*, module_id: int) -> int:
    """Compute the opinion groups of a statements module (asked for by
    votes, debounced; see ``services.insights``). Returns how many
    groups were found."""
    row = opinion_groups_compute(module_id=module_id)
    return 0 if row is None else len(row.summary.get("groups", []))


@task()
def compute_text_topics(*, module_id: int) -> int:
    """Find the topics of what was written in a module (asked for by new
    texts, debounced; see ``services.insights``). Returns how many topics."""
    row = topics_compute(module_id=module_id)
    return 0 if row is None else len(row.summary.get("topics", []))
