"""The weighted evaluation criteria: their group, weight, scale, scoring
method, the descriptions of their scores and the requirements they assess.
Whether the weights add up is checked at publication (see ``tender``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from participai.accounts.models import User
from participai.core.text import clean_plain

from ...models import Criterion, CriterionGroup, Requirement, ScoringMethod, Tender
from ._common import _audit, _check_length, _check_title, _move, _next_position, _prepare, _text

DESCRIPTION_MAX = 5_000
DESCRIPTOR_MAX = 500
SCALE_RANGE = (1, 100)
WEIGHT_RANGE = (Decimal(0), Decimal(100))
CENT = Decimal("0.01")


def _weight(value: Any) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, Decimal | int | str):
        return None
    try:
        weight = Decimal(str(value).strip()) if not isinstance(value, Decimal) else value
    except InvalidOperation:
        return None
    return weight if weight.is_finite() else None


def _criterion_values(
    tender: Tender,
    *,
    exclude: int | None,
    group: str,
    name: str,
    description: str,
    weight: Any,
    scale_max: Any,
    method: str,
    descriptors: Iterable[Mapping[str, Any]],
    requirements: Iterable[Requirement | int],
) -> dict[str, Any]:
    values: dict[str, Any] = {
        "group": group,
        "name": clean_plain(name),
        "description": _text(description),
        "method": method,
    }
    errors: dict[str, str] = {}
    if group not in CriterionGroup.values:
        errors["group"] = _("Choose the group the criterion belongs to.")
    _check_title(errors, "name", values["name"])
    _check_length(errors, "description", values["description"], DESCRIPTION_MAX)

    amount = _weight(weight)
    low, high = WEIGHT_RANGE
    if amount is None or not low <= amount <= high:
        errors["weight"] = _("Give a weight from 0 to 100 %.")
    elif amount != amount.quantize(CENT):
        errors["weight"] = _("A weight has at most two decimals.")
    else:
        values["weight"] = amount.quantize(CENT)

    low_scale, high_scale = SCALE_RANGE
    if (
        isinstance(scale_max, bool)
        or not isinstance(scale_max, int)
        or not low_scale <= scale_max <= high_scale
    ):
        errors["scale_max"] = _(
            "The top of the scale is a whole number from %(low)d to %(high)d."
        ) % {
            "low": low_scale,
            "high": high_scale,
        }
    else:
        values["scale_max"] = scale_max

    if method not in ScoringMethod.values:
        errors["method"] = _("Choose how the criterion is scored.")
    elif method == ScoringMethod.LOWEST_PRICE:
        if group != CriterionGroup.PRICE:
            errors["method"] = _("Only a price criterion can be scored by the price formula.")
        elif (
            tender.criteria.filter(method=ScoringMethod.LOWEST_PRICE).exclude(pk=exclude).exists()
        ):
            errors["method"] = _("Another criterion is already scored by the price formula.")

    cleaned: list[dict[str, Any]] = []
    seen: set[int] = set()
    for row in descriptors or ():
        score = row.get("score") if isinstance(row, Mapping) else None
        text = clean_plain(str(row.get("text") or "")) if isinstance(row, Mapping) else ""
        if isinstance(score, bool) or not isinstance(score, int):
            errors["descriptors"] = _("Each description needs a whole-number score.")
            break
        if score < 0 or ("scale_max" in values and score > values["scale_max"]):
            errors["descriptors"] = _(
                "The score %(score)d is outside the scale, which runs from 0 to %(top)s."
            ) % {"score": score, "top": values.get("scale_max", scale_max)}
            break
        if score in seen:
            errors["descriptors"] = _("The score %(score)d is described twice.") % {"score": score}
            break
        if not text:
            errors["descriptors"] = _("Say what the score %(score)d means.") % {"score": score}
            break
        if len(text) > DESCRIPTOR_MAX:
            errors["descriptors"] = _("Each description has at most %(limit)d characters.") % {
                "limit": DESCRIPTOR_MAX
            }
            break
        seen.add(score)
        cleaned.append({"score": score, "text": text})
    values["descriptors"] = sorted(cleaned, key=lambda row: row["score"])

    wanted = {item if isinstance(item, int) else item.pk for item in requirements or ()}
    found = list(tender.requirements.filter(pk__in=wanted))
    if len(found) != len(wanted):
        errors["requirements"] = _("Choose requirements of this tender.")
    values["requirements"] = found

    if errors:
        raise ValidationError(errors)
    return values


def _criterion(actor: User, criterion: Criterion) -> tuple[Tender, Criterion]:
    tender = _prepare(actor, criterion.tender)
    criterion = Criterion.objects.get(pk=criterion.pk, tender=tender)
    criterion.tender = tender
    return tender, criterion


def _criterion_audit(criterion: Criterion, requirements: Sequence[Requirement]) -> dict[str, Any]:
    return {
        "name": criterion.name,
        "group": criterion.group,
        "weight": criterion.weight,
        "scale_max": criterion.scale_max,
        "method": criterion.method,
        "requirements": sorted(requirement.pk for requirement in requirements),
    }


@transaction.atomic
def criterion_add(
    *,
    actor: User,
    tender: Tender,
    group: str,
    name: str,
    weight: Decimal,
    description: str = "",
    scale_max: int = 5,
    method: str = ScoringMethod.JUDGEMENT,
    descriptors: Iterable[Mapping[str, Any]] = (),
    requirements: Iterable[Requirement | int] = (),
) -> Criterion:
    """Add a weighted evaluation criterion at the end of its group.

    ``weight`` is in percent (0 to 100, two decimals at most); while drafting
    the weights need not add up to 100, publication checks them. ``scale_max``
    is the top of the scale (1 to 100); ``descriptors`` say what scores mean
    (``{"score": int, "text": str}``, scores unique and within the scale),
    stored from the bottom of the scale up. ``method`` ``lowest_price`` is for
    one price criterion only. ``requirements`` (ids or rows) are those of this
    tender it assesses.
    """
    tender = _prepare(actor, tender)
    values = _criterion_values(
        tender,
        exclude=None,
        group=group,
        name=name,
        description=description,
        weight=weight,
        scale_max=scale_max,
        method=method,
        descriptors=descriptors,
        requirements=requirements,
    )
    linked = values.pop("requirements")
    criterion = Criterion.objects.create(
        tender=tender, position=_next_position(tender.criteria.all()), **values
    )
    criterion.requirements.set(linked)
    _audit(actor, "criterion_add", criterion, tender, **_criterion_audit(criterion, linked))
    return criterion


@transaction.atomic
def criterion_update(
    *,
    actor: User,
    criterion: Criterion,
    group: str,
    name: str,
    weight: Decimal,
    description: str = "",
    scale_max: int = 5,
    method: str = ScoringMethod.JUDGEMENT,
    descriptors: Iterable[Mapping[str, Any]] = (),
    requirements: Iterable[Requirement | int] = (),
) -> Criterion:
    """Change every field of a criterion of a draft tender (see :func:`criterion_add`)."""
    tender, criterion = _criterion(actor, criterion)
    values = _criterion_values(
        tender,
        exclude=criterion.pk,
        group=group,
        name=name,
        description=description,
        weight=weight,
        scale_max=scale_max,
        method=method,
        descriptors=descriptors,
        requirements=requirements,
    )
    linked = values.pop("requirements")
    before = _criterion_audit(criterion, list(criterion.requirements.all()))
    for field, value in values.items():
        setattr(criterion, field, value)
    criterion.save()
    criterion.requirements.set(linked)
    after = _criterion_audit(criterion, linked)
    _audit(
        actor,
        "criterion_update",
        criterion,
        tender,
        **after,
        changed=sorted(key for key in after if str(after[key]) != str(before[key])),
    )
    return criterion


@transaction.atomic
def criterion_remove(*, actor: User, criterion: Criterion) -> None:
    """Remove a criterion of a draft tender."""
    tender, criterion = _criterion(actor, criterion)
    _audit(
        actor,
        "criterion_remove",
        criterion,
        tender,
        **_criterion_audit(criterion, list(criterion.requirements.all())),
    )
    criterion.delete()


@transaction.atomic
def criterion_move(*, actor: User, criterion: Criterion, direction: str) -> Criterion:
    """Move a criterion one place ``"up"`` or ``"down"`` within its group."""
    tender, criterion = _criterion(actor, criterion)
    if _move(tender.criteria.filter(group=criterion.group), criterion, direction):
        _audit(actor, "criterion_move", criterion, tender, direction=direction)
    return criterion
