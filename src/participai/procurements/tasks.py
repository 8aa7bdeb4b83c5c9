"""Background work about procurements. Thin wrappers over services and selectors."""

from __future__ import annotations

from django_tasks import task

from .notifications import send_gate_decision_notice


@task()
def notify_gate_decision(*, decision_id: int) -> int:
    """Email the members of the organisation about a gate decision.
    Returns how many people were told."""
    return send_gate_decision_notice(decision_id=decision_id)
