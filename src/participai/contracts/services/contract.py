"""The contract itself: starting it (from the award when there is one), its
terms and chosen clauses, and its signature.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from participai.accounts.models import User
from participai.procurements.models import Procurement
from participai.tendering.models import TenderClause

from ..models import Contract, ContractStatus
from ..selectors import award_of, missing_parts
from ._common import (
    SHORT_MAX,
    _audit,
    _currency,
    _line,
    _locked_contract,
    _locked_procurement,
    _number,
    _raise,
    _text,
)

# --- Field checks ------------------------------------------------------------------------


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
