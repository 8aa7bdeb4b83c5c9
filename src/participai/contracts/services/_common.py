"""What every write to the contract record shares: the lengths and the
currency pattern the fields are checked against, the lock (the procurement
row, then the contract, refused once it is signed) with the actor's right, the
audit event, and the checks of one field each (a line, a text, a number, a
currency code) that add their message to ``errors`` keyed by field.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext as _

from participai.accounts.models import User
from participai.core.audit import audit_record
from participai.core.text import clean_plain
from participai.procurements.access import Action, require
from participai.procurements.models import Procurement

from ..models import Contract, ContractStatus

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
