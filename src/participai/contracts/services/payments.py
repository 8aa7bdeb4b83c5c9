"""Staggered payments: releasing a milestone, or withholding it, by a recorded decision.

Each decision is a new, immutable row of the ledger (``PaymentDecision``):
a withheld milestone is released later by another row, never by changing
the first. The actor needs ``Action.DECIDE_PAYMENT`` (the organisation's
admin and procurement officers, while the stage enables monitoring and the
procurement is active) and the contract must be signed.

A release must *show* the condition met: a reason of at least
:data:`REASON_MIN` characters and, for a milestone tied to a KPI, a
measurement of that KPI, taken on or before the decision, that meets the
KPI's target.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from participai.accounts.models import User
from participai.procurements.access import Action, require
from participai.procurements.models import Procurement

from .. import kpi_status
from ..models import (
    Contract,
    ContractStatus,
    Measurement,
    PaymentDecision,
    PaymentMilestone,
    PaymentOutcome,
)
from ._common import TEXT_MAX, _audit, _number, _raise

# A release or a withholding explains itself: a few words are not a reason.
REASON_MIN = 20


def _locked_signed_contract(actor: User, contract_id: int, action: Action) -> Contract:
    """Contract ``contract_id`` re-read under its procurement's lock, after
    ``actor``'s right to ``action`` is checked (``PermissionDenied``);
    ``ValidationError`` unless it is signed. Shared with the audit services."""
    # A contract never changes procurement: reading which one before the lock is safe.
    procurement_id = Contract.objects.values_list("procurement_id", flat=True).get(pk=contract_id)
    procurement = (
        Procurement.objects.select_for_update()
        .select_related("organisation")
        .get(pk=procurement_id)
    )
    require(actor, action, procurement)
    contract = Contract.objects.select_for_update().get(pk=contract_id)
    contract.procurement = procurement
    if contract.status != ContractStatus.SIGNED:
        raise ValidationError(
            {NON_FIELD_ERRORS: _("The contract is not signed yet: there is nothing to monitor.")}
        )
    return contract


def _reason(value: str | None, errors: dict[str, str]) -> str:
    # Kept as typed (stripped): the ledger is the record of what was said.
    text = (value or "").strip()
    if len(text) < REASON_MIN:
        errors["reason"] = _(
            "Explain the decision in at least %(n)d characters: what shows the condition met, "
            "or why the payment is withheld."
        ) % {"n": REASON_MIN}
    elif len(text) > TEXT_MAX:
        errors["reason"] = _("Keep it under %(n)d characters.") % {"n": TEXT_MAX}
    return text


def _decided_on(
    value: datetime.date | None,
    contract: Contract,
    last: PaymentDecision | None,
    errors: dict[str, str],
) -> None:
    if value is None:
        errors["decided_on"] = _("Give the date of the decision.")
    elif value > timezone.localdate():
        errors["decided_on"] = _("The decision cannot be dated in the future.")
    elif value < contract.signed_on:
        errors["decided_on"] = _(
            "The decision cannot be dated before the contract was signed (%(date)s)."
        ) % {"date": contract.signed_on.isoformat()}
    elif last is not None and value < last.decided_on:
        # The ledger reads in order: a decision cannot precede the one it follows.
        errors["decided_on"] = _(
            "The last decision on this milestone is dated %(date)s: date this one on or after it."
        ) % {"date": last.decided_on.isoformat()}


def _locked_milestone(
    actor: User, milestone: PaymentMilestone
) -> tuple[Contract, PaymentMilestone, Decimal, PaymentDecision | None]:
    """The milestone under lock with its contract, what is already released
    and its latest decision. Locking the procurement row serialises every
    decision on the contract, so two releases cannot both pass the check of
    what remains."""
    contract = _locked_signed_contract(actor, milestone.contract_id, Action.DECIDE_PAYMENT)
    locked = PaymentMilestone.objects.select_related("kpi").get(pk=milestone.pk)
    decisions = PaymentDecision.objects.filter(milestone=locked)
    released = decisions.filter(outcome=PaymentOutcome.RELEASED).aggregate(total=Sum("amount"))[
        "total"
    ] or Decimal(0)
    last = decisions.order_by("-created_at", "-id").first()
    return contract, locked, released, last


def _record(
    actor: User,
    contract: Contract,
    milestone: PaymentMilestone,
    **values: Any,
) -> PaymentDecision:
    decision = PaymentDecision.objects.create(milestone=milestone, decided_by=actor, **values)
    _audit(
        actor,
        f"contracts.payment_{decision.outcome}",
        decision,
        contract,
        milestone=milestone.pk,
        decision=decision.pk,
        outcome=decision.outcome,
        amount=str(decision.amount),
        reason=decision.reason,
        measurement=decision.measurement_id,
        decided_on=decision.decided_on.isoformat(),
    )
    return decision


@transaction.atomic
def payment_release(
    *,
    actor: User,
    milestone: PaymentMilestone,
    amount: Decimal,
    reason: str,
    decided_on: datetime.date,
    measurement: Measurement | None = None,
) -> PaymentDecision:
    """Release ``amount`` of a milestone, recording what shows its condition met.

    Checks: a reason of at least :data:`REASON_MIN` characters; ``decided_on``
    not in the future, not before the signature nor before the milestone's
    last decision; an amount above zero and no more than what is still
    outstanding (a fully released milestone is refused); for a milestone tied
    to a KPI, ``measurement`` of that KPI, dated on or before ``decided_on``,
    whose value meets the KPI's target. A withheld milestone may be released.
    """
    contract, milestone, released, last = _locked_milestone(actor, milestone)
    errors: dict[str, str] = {}
    outstanding = milestone.amount - released
    if outstanding <= 0:
        raise ValidationError(
            {NON_FIELD_ERRORS: _("This milestone is fully released: nothing remains to release.")}
        )
    text = _reason(reason, errors)
    _decided_on(decided_on, contract, last, errors)
    number = _number(amount, "amount", errors, places=2)
    if "amount" not in errors and number is not None:
        if number <= 0:
            errors["amount"] = _("Release more than zero.")
        elif number > outstanding:
            errors["amount"] = _(
                "Only %(outstanding)s %(currency)s of this milestone remains to release."
            ) % {"outstanding": outstanding, "currency": contract.currency}
    kpi = milestone.kpi
    if measurement is not None and (kpi is None or measurement.kpi_id != kpi.pk):
        errors["measurement"] = _("Choose a measurement of the KPI this milestone depends on.")
    elif kpi is not None:
        if measurement is None:
            errors["measurement"] = _(
                "This payment depends on the KPI “%(kpi)s”: choose the measurement that "
                "shows its target met."
            ) % {"kpi": kpi.name}
        elif decided_on is not None and measurement.measured_on > decided_on:
            errors["measurement"] = _(
                "The measurement is for a period after the decision: it cannot show the "
                "condition met when the decision was taken."
            )
        elif (
            kpi_status.status(
                measurement.value,
                target=kpi.target,
                threshold=kpi.threshold,
                direction=kpi.direction,
            )
            != kpi_status.MET
        ):
            errors["measurement"] = _(
                "The measurement (%(value)s %(unit)s) does not meet the target of "
                "%(target)s %(unit)s: the condition is not shown met."
            ) % {
                "value": measurement.value.normalize(),
                "target": kpi.target.normalize(),
                "unit": kpi.unit,
            }
    _raise(errors)
    return _record(
        actor,
        contract,
        milestone,
        outcome=PaymentOutcome.RELEASED,
        amount=number,
        reason=text,
        measurement=measurement,
        decided_on=decided_on,
    )


@transaction.atomic
def payment_withhold(
    *,
    actor: User,
    milestone: PaymentMilestone,
    reason: str,
    decided_on: datetime.date,
) -> PaymentDecision:
    """Withhold what is outstanding of a milestone, with the reason why.

    Checks: a reason of at least :data:`REASON_MIN` characters; the dates of
    :func:`payment_release`; something outstanding (a fully released
    milestone cannot be withheld) and not already withheld (its latest
    decision). The amount recorded is what is outstanding.
    """
    contract, milestone, released, last = _locked_milestone(actor, milestone)
    outstanding = milestone.amount - released
    if outstanding <= 0:
        raise ValidationError(
            {NON_FIELD_ERRORS: _("This milestone is fully released: nothing remains to withhold.")}
        )
    if last is not None and last.outcome == PaymentOutcome.WITHHELD:
        raise ValidationError(
            {
                NON_FIELD_ERRORS: _(
                    "This milestone is already withheld (decided on %(date)s): release it "
                    "when its condition is met."
                )
                % {"date": last.decided_on.isoformat()}
            }
        )
    errors: dict[str, str] = {}
    text = _reason(reason, errors)
    _decided_on(decided_on, contract, last, errors)
    _raise(errors)
    return _record(
        actor,
        contract,
        milestone,
        outcome=PaymentOutcome.WITHHELD,
        amount=outstanding,
        reason=text,
        measurement=None,
        decided_on=decided_on,
    )
