"""Reads of the payment ledger: each milestone's state and the decisions in order.

:func:`ledger` serves the staff payments page and the public dashboard; it
reads a fixed number of queries whatever the number of milestones and
decisions (the milestones with their KPI, then every decision with its
measurement and who decided).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from .models import Contract, PaymentDecision, PaymentMilestone, PaymentOutcome


class MilestoneStatus:
    PENDING = "pending"
    RELEASED = "released"
    PARTLY_RELEASED = "partly_released"
    WITHHELD = "withheld"

    LABELS = {
        PENDING: _("Pending"),
        RELEASED: _("Released"),
        PARTLY_RELEASED: _("Partly released"),
        WITHHELD: _("Withheld"),
    }


@dataclass(frozen=True)
class MilestoneRow:
    """A milestone and where its payment stands.

    ``withheld`` is what its latest decision withheld (zero when the latest
    decision is a release or there is none); ``outstanding`` is what remains
    to be released.
    """

    milestone: PaymentMilestone
    decisions: list[PaymentDecision]
    amount: Decimal
    released: Decimal
    withheld: Decimal
    outstanding: Decimal
    status: str

    @property
    def status_label(self) -> str:
        return str(MilestoneStatus.LABELS[self.status])

    @property
    def latest(self) -> PaymentDecision | None:
        return self.decisions[-1] if self.decisions else None


@dataclass(frozen=True)
class Ledger:
    contract: Contract
    milestones: list[MilestoneRow]
    # Every decision of the contract, oldest first.
    decisions: list[PaymentDecision]
    total: Decimal
    released: Decimal
    withheld: Decimal
    outstanding: Decimal


def _row(milestone: PaymentMilestone, decisions: list[PaymentDecision]) -> MilestoneRow:
    released = sum(
        (d.amount for d in decisions if d.outcome == PaymentOutcome.RELEASED), Decimal(0)
    )
    latest = decisions[-1] if decisions else None
    withheld = (
        latest.amount if latest is not None and latest.outcome == PaymentOutcome.WITHHELD else 0
    )
    outstanding = max(milestone.amount - released, Decimal(0))
    if released > 0 and outstanding == 0:
        status = MilestoneStatus.RELEASED
    elif withheld:
        status = MilestoneStatus.WITHHELD
    elif released > 0:
        status = MilestoneStatus.PARTLY_RELEASED
    else:
        status = MilestoneStatus.PENDING
    return MilestoneRow(
        milestone=milestone,
        decisions=decisions,
        amount=milestone.amount,
        released=released,
        withheld=Decimal(withheld),
        outstanding=outstanding,
        status=status,
    )


def ledger(contract: Contract) -> Ledger:
    """The contract's payment ledger: per milestone (in the schedule's order)
    its amount, what was released, what its latest decision withheld, what is
    outstanding and its status (pending, released, partly released,
    withheld); the contract's totals; every decision in the order taken (date
    of the decision, then the order recorded). Three queries."""
    milestones = list(
        PaymentMilestone.objects.filter(contract=contract)
        .select_related("kpi")
        .prefetch_related(
            Prefetch(
                "decisions",
                queryset=PaymentDecision.objects.select_related(
                    "measurement", "decided_by"
                ).order_by("created_at", "id"),
            )
        )
    )
    rows = [_row(milestone, list(milestone.decisions.all())) for milestone in milestones]
    # The decisions already fetched (each knows its milestone from the prefetch).
    decisions = [decision for row in rows for decision in row.decisions]
    decisions.sort(key=lambda d: (d.decided_on, d.created_at, d.pk))
    return Ledger(
        contract=contract,
        milestones=rows,
        decisions=decisions,
        total=sum((row.amount for row in rows), Decimal(0)),
        released=sum((row.released for row in rows), Decimal(0)),
        withheld=sum((row.withheld for row in rows), Decimal(0)),
        outstanding=sum((row.outstanding for row in rows), Decimal(0)),
    )
