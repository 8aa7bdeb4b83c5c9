"""The contract's KPIs: adding, changing and removing them, with the checks
of their fields (the target on the good side of the threshold).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from participai.accounts.models import User
from participai.core.text import clean_plain

from ..models import Contract, Kpi, KpiDirection, KpiFrequency
from ._common import SHORT_MAX, UNIT_MAX, _audit, _line, _locked_contract, _number, _raise, _text


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
