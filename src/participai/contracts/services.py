"""Every write to the contract record: start, update, sign; KPIs; payment milestones.

Keyword-only, one transaction each: the procurement row is locked first, then
the contract, then the actor's right is checked (``Action.EDIT_CONTRACT``: the
organisation's admin, procurement officers and legal officers, while the
stage enables the contract and the procurement is active), then the input
(``ValidationError`` keyed by field, nothing saved), then the write and its
audit event (``contracts.<thing>_<verb>``).

A signed contract is not edited by these services: a change after signature
is an amendment, with its own record.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from participai.accounts.models import User
from participai.core.audit import audit_record
from participai.core.text import clean_plain
from participai.procurements.access import Action, require
from participai.procurements.models import Procurement
from participai.tendering.models import TenderClause

from .models import (
    Contract,
    ContractStatus,
    Kpi,
    KpiDirection,
    KpiFrequency,
    PaymentMilestone,
)
from .selectors import award_of, missing_parts

SHORT_MAX = 200
UNIT_MAX = 40
TEXT_MAX = 20_000
CURRENCY = re.compile(r"[A-Z]{3}")


# --- Locks and refusals ------------------------------------------------------------------


def _locked_procurement(actor: User, procurement_id: int) -> Procurement:
    procurement = (
        Procurement.objects.select_for_update()
        .select_related("organisation")
        .get(pk=procurement_id)
    )
    require(actor, Action.EDIT_CONTRACT, procurement)
    return procurement


def _locked_contract(actor: User, contract_id: int) -> Contract:
    """Contract ``contract_id`` re-read under its procurement's lock, after the
    right is checked; ``ValidationError`` once it is signed."""
    # A contract never changes procurement: reading which one before the lock is safe.
    procurement_id = Contract.objects.values_list("procurement_id", flat=True).get(pk=contract_id)
    procurement = _locked_procurement(actor, procurement_id)
    locked = Contract.objects.select_for_update().get(pk=contract_id)
    locked.procurement = procurement
    if locked.status == ContractStatus.SIGNED:
        raise ValidationError(
            {
                NON_FIELD_ERRORS: _(
                    "The contract was signed on %(date)s: it is no longer edited here."
                )
                % {"date": locked.signed_on.isoformat()}
            }
        )
    return locked


def _raise(errors: dict[str, str]) -> None:
    if errors:
        raise ValidationError(errors)


def _audit(actor: User, action: str, target: Any, contract: Contract, /, **data: Any) -> None:
    # Positional-only: the data may have a "target" of its own (a KPI's).
    audit_record(
        actor=actor,
        action=action,
        target=target,
        organisation_id=contract.procurement.organisation_id,
        data={"procurement": contract.procurement.slug, "contract": contract.pk, **data},
    )


# --- Field checks ------------------------------------------------------------------------


def _line(
    value: str | None, field: str, errors: dict[str, str], *, required_message: str, limit: int
) -> str:
    text = clean_plain(value or "").replace("\n", " ")
    if not text:
        errors[field] = required_message
    elif len(text) > limit:
        errors[field] = _("Keep it under %(n)d characters.") % {"n": limit}
    return text


def _text(
    value: str | None, field: str, errors: dict[str, str], *, required_message: str | None = None
) -> str:
    text = clean_plain(value or "")
    if required_message and not text:
        errors[field] = required_message
    elif len(text) > TEXT_MAX:
        errors[field] = _("Keep it under %(n)d characters.") % {"n": TEXT_MAX}
    return text


def _number(
    value: Any,
    field: str,
    errors: dict[str, str],
    *,
    places: int,
    digits: int = 14,
    negative: bool = False,
) -> Decimal | None:
    """A decimal that fits the column (``digits`` in all, ``places`` after the
    point), with exactly ``places`` decimals when it does."""
    if value is None or value == "":
        errors[field] = _("Give a number.")
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        errors[field] = _("Give a number.")
        return None
    if not number.is_finite():
        errors[field] = _("Give a number.")
        return None
    if not negative and number < 0:
        errors[field] = _("It cannot be negative.")
    elif number != number.quantize(Decimal(1).scaleb(-places)):
        errors[field] = _("Use at most %(n)d decimal places.") % {"n": places}
    elif abs(number) >= Decimal(10) ** (digits - places):
        errors[field] = _("The number is too large.")
    else:
        # As the column stores it, so that "85" and "85.0000" compare equal.
        number = number.quantize(Decimal(1).scaleb(-places))
    return number


def _currency(value: str | None, errors: dict[str, str]) -> str:
    code = (value or "").strip().upper()
    if not CURRENCY.fullmatch(code):
        errors["currency"] = _("Give the currency as its three-letter code, e.g. EUR.")
    return code


def _dates(
    start_date: datetime.date | None, end_date: datetime.date | None, errors: dict[str, str]
) -> None:
    if start_date is None:
        errors["start_date"] = _("Give the date the contract starts.")
    if end_date is None:
        errors["end_date"] = _("Give the date the contract ends.")
    elif start_date is not None and end_date < start_date:
        errors["end_date"] = _("The contract cannot end before it starts.")


def _contract_values(
    *,
    supplier_name: str | None,
    value: Any,
    currency: str | None,
    start_date: datetime.date | None,
    end_date: datetime.date | None,
    exit_plan: str | None,
    errors: dict[str, str],
) -> dict[str, Any]:
    values = {
        "supplier_name": _line(
            supplier_name,
            "supplier_name",
            errors,
            required_message=_("Name the supplier."),
            limit=SHORT_MAX,
        ),
        "value": _number(value, "value", errors, places=2),
        "currency": _currency(currency, errors),
        "start_date": start_date,
        "end_date": end_date,
        "exit_plan": _text(exit_plan, "exit_plan", errors),
    }
    _dates(start_date, end_date, errors)
    return values


def _contract_snapshot(contract: Contract) -> dict[str, Any]:
    return {
        "supplier_name": contract.supplier_name,
        "value": str(contract.value),
        "currency": contract.currency,
        "start_date": contract.start_date.isoformat(),
        "end_date": contract.end_date.isoformat(),
        "exit_plan": contract.exit_plan,
        "clauses": sorted(c.pk for c in contract.clauses.all()),
    }


# --- The contract ------------------------------------------------------------------------


@transaction.atomic
def contract_start(
    *,
    actor: User,
    procurement: Procurement,
    start_date: datetime.date | None,
    end_date: datetime.date | None,
    supplier_name: str | None = None,
    value: Decimal | None = None,
    currency: str | None = None,
    exit_plan: str = "",
) -> Contract:
    """Record the procurement's contract, a draft being negotiated.

    From the award when there is one: the supplier, value and currency of the
    winning bid unless given (``None``), and the award itself. Without an
    award (a procurement whose tender was not run on the platform) they must be
    given. Every clause of the tender is chosen to start with. Dates are
    required, the end not before the start. ``ValidationError`` when the
    procurement already has a contract.
    """
    procurement = _locked_procurement(actor, procurement.pk)
    if Contract.objects.filter(procurement=procurement).exists():
        raise ValidationError(
            {NON_FIELD_ERRORS: _("This procurement's contract is already recorded.")}
        )
    award = award_of(procurement)
    if award is not None:
        supplier_name = award.bid.supplier_name if supplier_name is None else supplier_name
        value = award.bid.price if value is None else value
        currency = award.bid.currency if currency is None else currency
    errors: dict[str, str] = {}
    values = _contract_values(
        supplier_name=supplier_name,
        value=value,
        currency=currency or "EUR",
        start_date=start_date,
        end_date=end_date,
        exit_plan=exit_plan,
        errors=errors,
    )
    _raise(errors)
    contract = Contract.objects.create(
        procurement=procurement, award=award, created_by=actor, **values
    )
    clauses = list(TenderClause.objects.filter(tender__procurement=procurement))
    contract.clauses.set(clauses)
    _audit(
        actor,
        "contracts.contract_start",
        contract,
        contract,
        award=award.pk if award else None,
        **_contract_snapshot(contract),
    )
    return contract


@transaction.atomic
def contract_update(
    *,
    actor: User,
    contract: Contract,
    supplier_name: str,
    value: Decimal,
    currency: str,
    start_date: datetime.date,
    end_date: datetime.date,
    exit_plan: str,
    clause_ids: Iterable[int],
) -> Contract:
    """Change the terms of a draft contract.

    Checks: a supplier; a value not negative; a currency code; the end not
    before the start, and every milestone still due within the dates; the
    clauses (``clause_ids``) all of this procurement's tender. One audit event
    with the fields changed, before and after; none when nothing changed.
    """
    contract = _locked_contract(actor, contract.pk)
    errors: dict[str, str] = {}
    values = _contract_values(
        supplier_name=supplier_name,
        value=value,
        currency=currency,
        start_date=start_date,
        end_date=end_date,
        exit_plan=exit_plan,
        errors=errors,
    )
    wanted = set(clause_ids)
    clauses = list(
        TenderClause.objects.filter(tender__procurement_id=contract.procurement_id, pk__in=wanted)
    )
    if len(clauses) != len(wanted):
        errors["clauses"] = _("Choose clauses of this procurement's tender only.")
    if start_date is not None and end_date is not None and end_date >= start_date:
        outside = contract.milestones.exclude(due_on__range=(start_date, end_date)).count()
        if outside:
            errors["end_date"] = ngettext(
                "%(count)d payment milestone would fall outside these dates: move it first.",
                "%(count)d payment milestones would fall outside these dates: move them first.",
                outside,
            ) % {"count": outside}
    _raise(errors)
    before = _contract_snapshot(contract)
    for field, new in values.items():
        setattr(contract, field, new)
    contract.save()
    contract.clauses.set(clauses)
    after = _contract_snapshot(contract)
    changed = sorted(key for key in after if after[key] != before[key])
    if changed:
        _audit(
            actor,
            "contracts.contract_update",
            contract,
            contract,
            changed=changed,
            before={key: before[key] for key in changed},
            after={key: after[key] for key in changed},
        )
    return contract


@transaction.atomic
def contract_sign(*, actor: User, contract: Contract, signed_on: datetime.date | None) -> Contract:
    """Record the signature of a complete contract.

    Preconditions: the contract is a draft and complete (``missing_parts``:
    a KPI, a payment milestone, an exit plan). ``signed_on`` is given and not
    in the future. From then on the services here refuse every change.
    """
    contract = _locked_contract(actor, contract.pk)
    errors: dict[str, str] = {}
    missing = missing_parts(contract)
    if missing:
        errors[NON_FIELD_ERRORS] = _(
            "The contract cannot be signed yet: it still needs %(missing)s."
        ) % {"missing": ", ".join(missing)}
    if signed_on is None:
        errors["signed_on"] = _("Give the date of the signature.")
    elif signed_on > timezone.localdate():
        errors["signed_on"] = _("The signature date cannot be in the future.")
    _raise(errors)
    contract.status = ContractStatus.SIGNED
    contract.signed_on = signed_on
    contract.save(update_fields=["status", "signed_on", "updated_at"])
    _audit(
        actor,
        "contracts.contract_sign",
        contract,
        contract,
        signed_on=signed_on.isoformat(),
        kpis=[k.pk for k in contract.kpis.all()],
        milestones=[m.pk for m in contract.milestones.all()],
    )
    return contract


# --- KPIs --------------------------------------------------------------------------------


def _kpi_values(
    *,
    name: str,
    measure: str,
    unit: str,
    direction: str,
    target: Any,
    threshold: Any,
    frequency: str,
    data_source: str,
    owner: str,
    is_public: bool,
    disaggregate_by: str,
    errors: dict[str, str],
) -> dict[str, Any]:
    values = {
        "name": _line(
            name, "name", errors, required_message=_("Name the indicator."), limit=SHORT_MAX
        ),
        "measure": _text(
            measure,
            "measure",
            errors,
            required_message=_("Say what is measured and how."),
        ),
        "unit": _line(
            unit,
            "unit",
            errors,
            required_message=_("Give the unit, e.g. %, days, complaints."),
            limit=UNIT_MAX,
        ),
        "direction": direction,
        "target": _number(target, "target", errors, places=4, negative=True),
        "threshold": _number(threshold, "threshold", errors, places=4, negative=True),
        "frequency": frequency,
        "data_source": _line(
            data_source,
            "data_source",
            errors,
            required_message=_("Say where the figures come from."),
            limit=SHORT_MAX,
        ),
        "owner": _line(
            owner,
            "owner",
            errors,
            required_message=_("Say who answers for the indicator."),
            limit=SHORT_MAX,
        ),
        "is_public": bool(is_public),
    }
    if direction not in KpiDirection.values:
        errors["direction"] = _("Choose whether higher or lower is better.")
    if frequency not in KpiFrequency.values:
        errors["frequency"] = _("Choose how often it is measured.")
    groups = list(
        dict.fromkeys(
            line for line in (clean_plain(g) for g in (disaggregate_by or "").splitlines()) if line
        )
    )
    if any(len(group) > SHORT_MAX for group in groups):
        errors["disaggregate_by"] = _("Keep each group under %(n)d characters.") % {"n": SHORT_MAX}
    values["disaggregate_by"] = "\n".join(groups)
    target, threshold = values["target"], values["threshold"]
    if "target" not in errors and "threshold" not in errors:
        if direction == KpiDirection.HIGHER and target < threshold:
            errors["target"] = _(
                "Higher is better, so the target (%(target)s) cannot be below the threshold "
                "(%(threshold)s): the threshold is the level the indicator must never fall "
                "below, the target what is aimed at."
            ) % {"target": target, "threshold": threshold}
        elif direction == KpiDirection.LOWER and target > threshold:
            errors["target"] = _(
                "Lower is better, so the target (%(target)s) cannot be above the threshold "
                "(%(threshold)s): the threshold is the level the indicator must never rise "
                "above, the target what is aimed at."
            ) % {"target": target, "threshold": threshold}
    return values


def _kpi_snapshot(kpi: Kpi) -> dict[str, Any]:
    return {
        "name": kpi.name,
        "measure": kpi.measure,
        "unit": kpi.unit,
        "direction": kpi.direction,
        "target": str(kpi.target),
        "threshold": str(kpi.threshold),
        "frequency": kpi.frequency,
        "data_source": kpi.data_source,
        "owner": kpi.owner,
        "is_public": kpi.is_public,
        "disaggregate_by": kpi.groups,
    }


@transaction.atomic
def kpi_add(
    *,
    actor: User,
    contract: Contract,
    name: str,
    measure: str,
    unit: str,
    direction: str,
    target: Decimal,
    threshold: Decimal,
    frequency: str,
    data_source: str,
    owner: str,
    is_public: bool,
    disaggregate_by: str = "",
) -> Kpi:
    """Add a KPI to a draft contract, after the others.

    Checks: a name, what is measured, a unit, a direction and a frequency of
    the lists, a data source and an owner; target and threshold numbers with
    the target on the good side of the threshold (at or above it when higher
    is better, at or below it when lower is). ``disaggregate_by`` lists the
    groups a fairness KPI is reported for, one per line (blank lines and
    repeats dropped).
    """
    contract = _locked_contract(actor, contract.pk)
    errors: dict[str, str] = {}
    values = _kpi_values(
        name=name,
        measure=measure,
        unit=unit,
        direction=direction,
        target=target,
        threshold=threshold,
        frequency=frequency,
        data_source=data_source,
        owner=owner,
        is_public=is_public,
        disaggregate_by=disaggregate_by,
        errors=errors,
    )
    _raise(errors)
    last = contract.kpis.aggregate(last=Max("position"))["last"]
    kpi = Kpi.objects.create(contract=contract, position=0 if last is None else last + 1, **values)
    _audit(actor, "contracts.kpi_add", kpi, contract, kpi=kpi.pk, **_kpi_snapshot(kpi))
    return kpi


def _locked_kpi(actor: User, kpi: Kpi) -> tuple[Contract, Kpi]:
    contract = _locked_contract(actor, kpi.contract_id)
    return contract, Kpi.objects.select_for_update().get(pk=kpi.pk)


@transaction.atomic
def kpi_update(
    *,
    actor: User,
    kpi: Kpi,
    name: str,
    measure: str,
    unit: str,
    direction: str,
    target: Decimal,
    threshold: Decimal,
    frequency: str,
    data_source: str,
    owner: str,
    is_public: bool,
    disaggregate_by: str = "",
) -> Kpi:
    """Change a KPI of a draft contract; the checks of :func:`kpi_add`. One
    audit event with the fields changed; none when nothing changed."""
    contract, kpi = _locked_kpi(actor, kpi)
    errors: dict[str, str] = {}
    values = _kpi_values(
        name=name,
        measure=measure,
        unit=unit,
        direction=direction,
        target=target,
        threshold=threshold,
        frequency=frequency,
        data_source=data_source,
        owner=owner,
        is_public=is_public,
        disaggregate_by=disaggregate_by,
        errors=errors,
    )
    _raise(errors)
    before = _kpi_snapshot(kpi)
    for field, new in values.items():
        setattr(kpi, field, new)
    after = _kpi_snapshot(kpi)
    changed = sorted(key for key in after if after[key] != before[key])
    if not changed:
        return kpi
    kpi.save()
    _audit(
        actor,
        "contracts.kpi_update",
        kpi,
        contract,
        kpi=kpi.pk,
        changed=changed,
        before={key: before[key] for key in changed},
        after={key: after[key] for key in changed},
    )
    return kpi


@transaction.atomic
def kpi_remove(*, actor: User, kpi: Kpi) -> None:
    """Remove a KPI from a draft contract. Milestones that depended on it stay,
    no longer tied to a KPI; the audit event names them."""
    contract, kpi = _locked_kpi(actor, kpi)
    unlinked = sorted(kpi.milestones.values_list("pk", flat=True))
    _audit(
        actor,
        "contracts.kpi_remove",
        kpi,
        contract,
        kpi=kpi.pk,
        milestones_unlinked=unlinked,
        **_kpi_snapshot(kpi),
    )
    kpi.delete()


# --- Payment milestones ------------------------------------------------------------------


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
