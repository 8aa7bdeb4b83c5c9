"""The contract's payment milestones: adding, changing and removing them,
each due within the contract's dates and, optionally, tied to one of its KPIs.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from participai.accounts.models import User

from ..models import Contract, Kpi, PaymentMilestone
from ._common import SHORT_MAX, _audit, _line, _locked_contract, _number, _raise, _text


def _milestone_values(
    *,
    contract: Contract,
    title: str,
    amount: Any,
    due_on: datetime.date | None,
    condition: str,
    kpi: Kpi | None,
    errors: dict[str, str],
) -> dict[str, Any]:
    values = {
        "title": _line(
            title, "title", errors, required_message=_("Name the milestone."), limit=SHORT_MAX
        ),
        "amount": _number(amount, "amount", errors, places=2),
        "due_on": due_on,
        "condition": _text(
            condition,
            "condition",
            errors,
            required_message=_(
                "Say what must be shown before this payment: a deliverable, a KPI met, "
                "an audit passed."
            ),
        ),
        "kpi": kpi,
    }
    if due_on is None:
        errors["due_on"] = _("Give the date the payment is due.")
    elif not contract.start_date <= due_on <= contract.end_date:
        errors["due_on"] = _(
            "The payment must be due while the contract runs, from %(start)s to %(end)s."
        ) % {"start": contract.start_date.isoformat(), "end": contract.end_date.isoformat()}
    if kpi is not None and kpi.contract_id != contract.pk:
        errors["kpi"] = _("Choose a KPI of this contract.")
    return values


def _milestone_snapshot(milestone: PaymentMilestone) -> dict[str, Any]:
    return {
        "title": milestone.title,
        "amount": str(milestone.amount),
        "due_on": milestone.due_on.isoformat(),
        "condition": milestone.condition,
        "kpi": milestone.kpi_id,
    }


@transaction.atomic
def milestone_add(
    *,
    actor: User,
    contract: Contract,
    title: str,
    amount: Decimal,
    due_on: datetime.date,
    condition: str,
    kpi: Kpi | None = None,
) -> PaymentMilestone:
    """Add a staggered payment to a draft contract.

    Checks: a title; an amount not negative; ``due_on`` within the contract's
    dates; a condition for payment; ``kpi``, when given, of this contract.
    Milestones adding up to more than the contract's value are allowed (the
    contract page warns).
    """
    contract = _locked_contract(actor, contract.pk)
    errors: dict[str, str] = {}
    values = _milestone_values(
        contract=contract,
        title=title,
        amount=amount,
        due_on=due_on,
        condition=condition,
        kpi=kpi,
        errors=errors,
    )
    _raise(errors)
    last = contract.milestones.aggregate(last=Max("position"))["last"]
    milestone = PaymentMilestone.objects.create(
        contract=contract, position=0 if last is None else last + 1, **values
    )
    _audit(
        actor,
        "contracts.milestone_add",
        milestone,
        contract,
        milestone=milestone.pk,
        **_milestone_snapshot(milestone),
    )
    return milestone


def _locked_milestone(
    actor: User, milestone: PaymentMilestone
) -> tuple[Contract, PaymentMilestone]:
    contract = _locked_contract(actor, milestone.contract_id)
    return contract, PaymentMilestone.objects.select_for_update().get(pk=milestone.pk)


@transaction.atomic
def milestone_update(
    *,
    actor: User,
    milestone: PaymentMilestone,
    title: str,
    amount: Decimal,
    due_on: datetime.date,
    condition: str,
    kpi: Kpi | None = None,
) -> PaymentMilestone:
    """Change a milestone of a draft contract; the checks of :func:`milestone_add`.
    One audit event with the fields changed; none when nothing changed."""
    contract, milestone = _locked_milestone(actor, milestone)
    errors: dict[str, str] = {}
    values = _milestone_values(
        contract=contract,
        title=title,
        amount=amount,
        due_on=due_on,
        condition=condition,
        kpi=kpi,
        errors=errors,
    )
    _raise(errors)
    before = _milestone_snapshot(milestone)
    for field, new in values.items():
        setattr(milestone, field, new)
    after = _milestone_snapshot(milestone)
    changed = sorted(key for key in after if after[key] != before[key])
    if not changed:
        return milestone
    milestone.save()
    _audit(
        actor,
        "contracts.milestone_update",
        milestone,
        contract,
        milestone=milestone.pk,
        changed=changed,
        before={key: before[key] for key in changed},
        after={key: after[key] for key in changed},
    )
    return milestone


@transaction.atomic
def milestone_remove(*, actor: User, milestone: PaymentMilestone) -> None:
    """Remove a milestone from a draft contract. The audit event keeps it."""
    contract, milestone = _locked_milestone(actor, milestone)
    _audit(
        actor,
        "contracts.milestone_remove",
        milestone,
        contract,
        milestone=milestone.pk,
        **_milestone_snapshot(milestone),
    )
    milestone.delete()
