"""Reads of the contract's audits: each with its findings and their follow-up,
counts by severity and by status, and the findings overdue.

A finding is overdue when its due date has passed (``due_on`` before today)
and it is not closed. :func:`audits_page` serves the staff audits page and,
with ``public_only``, the public dashboard; it reads three queries whatever
the number of audits, findings and updates.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Prefetch
from django.utils import timezone

from .models import Audit, Contract, Finding, FindingSeverity, FindingStatus, FindingUpdate


@dataclass(frozen=True)
class FindingRow:
    finding: Finding
    updates: list[FindingUpdate]
    is_overdue: bool


@dataclass(frozen=True)
class AuditRow:
    audit: Audit
    findings: list[FindingRow]

    @property
    def open_count(self) -> int:
        return sum(1 for row in self.findings if row.finding.status != FindingStatus.CLOSED)

    @property
    def closed_count(self) -> int:
        return len(self.findings) - self.open_count


@dataclass(frozen=True)
class Count:
    """How many findings have ``key`` (a severity or a status); for a
    severity, ``open`` counts those not closed: what remains to address."""

    key: str
    label: str
    count: int
    open: int = 0


@dataclass(frozen=True)
class AuditsPage:
    contract: Contract
    audits: list[AuditRow]
    # Every severity and every status, in their order, with zero counts kept.
    by_severity: list[Count]
    by_status: list[Count]
    overdue: list[FindingRow]

    @property
    def findings_total(self) -> int:
        return sum(len(row.findings) for row in self.audits)


def is_overdue(finding: Finding, today: datetime.date) -> bool:
    return finding.due_on < today and finding.status != FindingStatus.CLOSED


def audits_page(
    contract: Contract, *, public_only: bool = False, today: datetime.date | None = None
) -> AuditsPage:
    """The contract's audits (latest started first) with their findings (by
    due date) and each finding's updates (oldest first); counts by severity
    and by status, over the findings shown; the findings overdue on ``today``
    (default: the local date), soonest due first. ``public_only``: only the
    audits marked public."""
    today = today or timezone.localdate()
    audits = Audit.objects.filter(contract=contract)
    if public_only:
        audits = audits.filter(is_public=True)
    audits = audits.prefetch_related(
        Prefetch(
            "findings",
            queryset=Finding.objects.order_by("due_on", "id").prefetch_related(
                Prefetch(
                    "updates",
                    queryset=FindingUpdate.objects.select_related("created_by").order_by(
                        "created_at", "id"
                    ),
                )
            ),
        )
    )
    rows = [
        AuditRow(
            audit=audit,
            findings=[
                FindingRow(
                    finding=finding,
                    updates=list(finding.updates.all()),
                    is_overdue=is_overdue(finding, today),
                )
                for finding in audit.findings.all()
            ],
        )
        for audit in audits
    ]
    findings = [finding_row for row in rows for finding_row in row.findings]
    return AuditsPage(
        contract=contract,
        audits=rows,
        by_severity=[
            Count(
                value,
                str(label),
                sum(1 for f in findings if f.finding.severity == value),
                open=sum(
                    1
                    for f in findings
                    if f.finding.severity == value and f.finding.status != FindingStatus.CLOSED
                ),
            )
            for value, label in FindingSeverity.choices
        ],
        by_status=[
            Count(value, str(label), sum(1 for f in findings if f.finding.status == value))
            for value, label in FindingStatus.choices
        ],
        overdue=sorted(
            (f for f in findings if f.is_overdue), key=lambda f: (f.finding.due_on, f.finding.pk)
        ),
    )
