"""Every write to a prioritisation module: its items (staff) and the
ballots people cast (residents, or a facilitator for them).

Items are set up with ``Action.MANAGE_PARTICIPATION``. Once the first ballot
is in they are frozen: a ballot is a judgement of *these* items in *this*
wording, and a ranking's Borda scores add up only while every ballot ranks
the same items. The one change still allowed is a typo fix in a title
(``prioritising.is_typo_fix``).

A ballot is one participant's dots or ranking, one per module; casting
again while the module is open replaces it. The items' counters
(``points``, ``rank_score``, ``ballot_count``) move by the difference
between the old and the new ballot, with ``F()`` in the ballot's own
transaction, so the totals are kept, never recounted per request.

Every write runs in one transaction, writes its audit event, and raises
``ValidationError`` keyed by field (``title``, ``description``,
``allocation``, ``item_<id>``, ``channel``) with nothing changed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, Count, F, IntegerField, Max, Value, When
from django.utils.translation import gettext as _

from participai.accounts.models import Participant, User
from participai.core.audit import audit_record
from participai.core.text import clean_plain
from participai.procurements.access import Action, require

from .. import prioritising
from ..models import Channel, Module, ModuleKind, PriorityAllocation, PriorityBallot, PriorityItem
from .contributions import check_entry

TITLE_MAX = 200
DESCRIPTION_MAX = 2000
# Enough for a real list of requirements or criteria; more than this is not
# a choice people can make carefully, least of all as a full ranking.
MAX_ITEMS = 30
MOVES = ("up", "down")


def method_of(module: Module) -> str:
    """``dots`` or ``ranking``; a module set up before methods existed is a dot vote."""
    return (module.config or {}).get("method", prioritising.DOTS)


def budget_of(module: Module) -> int | None:
    """The points each participant spreads in a dot vote; ``None`` for a ranking."""
    if method_of(module) != prioritising.DOTS:
        return None
    return (module.config or {}).get("budget")


def item_field(item_id: int) -> str:
    """The field name an item's points or position goes by, in forms and errors."""
    return f"item_{item_id}"


def _locked_module(module: Module) -> Module:
    """The module, its row locked until the transaction ends, with its
    process and procurement loaded. Refuses other kinds of module."""
    module = (
        Module.objects.select_for_update(of=("self",))
        .select_related("process__procurement")
        .get(pk=module.pk)
    )
    if module.kind != ModuleKind.PRIORITISATION:
        raise ValidationError(_("This module has no items to prioritise."))
    return module


def _refuse_if_frozen(module: Module) -> None:
    if PriorityBallot.objects.filter(module=module).exists():
        raise ValidationError(
            _(
                "Ballots have been cast: the items can no longer change, "
                "except to fix a typo in a title."
            ),
            code="frozen",
        )


def _clean_item(title: str, description: str) -> dict[str, str]:
    errors: dict[str, str] = {}
    title = " ".join(clean_plain(title).split())
    description = (description or "").strip()
    if not title:
        errors["title"] = _("This field is required.")
    elif len(title) > TITLE_MAX:
        errors["title"] = _("At most %(limit)d characters.") % {"limit": TITLE_MAX}
    if len(description) > DESCRIPTION_MAX:
        errors["description"] = _("At most %(limit)d characters.") % {"limit": DESCRIPTION_MAX}
    if errors:
        raise ValidationError(errors)
    return {"title": title, "description": description}


def _audit_item(actor: User, action: str, module: Module, item: PriorityItem, **data: Any):
    audit_record(
        actor=actor,
        action=action,
        target=module,
        organisation_id=module.process.procurement.organisation_id,
        data={"process": module.process.slug, "item": item.pk, "title": item.title, **data},
    )


def _item_module(actor: User, item: PriorityItem) -> tuple[PriorityItem, Module]:
    """The item again (it may have changed) and its module, locked, with the
    actor's right to manage participation checked."""
    module = _locked_module(item.module)
    require(actor, Action.MANAGE_PARTICIPATION, module.process.procurement)
    item = PriorityItem.objects.filter(pk=item.pk, module=module).first()
    if item is None:
        raise ValidationError(_("This item has been removed."))
    return item, module


@transaction.atomic
def item_add(*, actor: User, module: Module, title: str, description: str = "") -> PriorityItem:
    """Add an item (a requirement, a criterion, a need) at the end of the
    module's list. ``description`` is Markdown, shown sanitised. Refused
    once ballots are in, and beyond :data:`MAX_ITEMS` items."""
    module = _locked_module(module)
    require(actor, Action.MANAGE_PARTICIPATION, module.process.procurement)
    _refuse_if_frozen(module)
    values = _clean_item(title, description)
    existing = module.priority_items.aggregate(last=Max("position"), count=Count("pk"))
    if existing["count"] >= MAX_ITEMS:
        raise ValidationError(
            _("A module holds at most %(limit)d items.") % {"limit": MAX_ITEMS}, code="too_many"
        )
    item = PriorityItem.objects.create(
        module=module, position=(existing["last"] or 0) + 1, **values
    )
    _audit_item(actor, "priority_item.added", module, item, position=item.position)
    return item


@transaction.atomic
def item_update(
    *, actor: User, item: PriorityItem, title: str, description: str | None = None
) -> PriorityItem:
    """Change an item's title and description (``None``: keep it). Once
    ballots are in, only a typo fix in the title is allowed (a few
    characters, see ``prioritising.is_typo_fix``) and the description stays
    as it is."""
    item, module = _item_module(actor, item)
    values = _clean_item(title, item.description if description is None else description)
    changed = sorted(name for name, value in values.items() if getattr(item, name) != value)
    if not changed:
        return item
    if PriorityBallot.objects.filter(module=module).exists():
        errors = {}
        if "description" in changed:
            errors["description"] = _(
                "Ballots have been cast on this description; it can no longer change."
            )
        if "title" in changed and not prioritising.is_typo_fix(item.title, values["title"]):
            errors["title"] = _(
                "Ballots have been cast on this title: only a typo fix of at most "
                "%(limit)d characters is allowed."
            ) % {"limit": prioritising.TYPO_FIX_MAX_EDITS}
        if errors:
            raise ValidationError(errors)
    previous = {name: getattr(item, name) for name in changed}
    for name in changed:
        setattr(item, name, values[name])
    item.save(update_fields=changed)
    _audit_item(actor, "priority_item.updated", module, item, fields=changed, previous=previous)
    return item


@transaction.atomic
def item_remove(*, actor: User, item: PriorityItem) -> None:
    """Take an item off the list; refused once ballots are in."""
    item, module = _item_module(actor, item)
    _refuse_if_frozen(module)
    _audit_item(actor, "priority_item.removed", module, item)
    item.delete()


@transaction.atomic
def item_move(*, actor: User, item: PriorityItem, direction: str) -> PriorityItem:
    """Move an item one place ``up`` or ``down`` the list (nothing happens
    at either end). Refused once ballots are in: the order shown is part of
    what people voted on."""
    if direction not in MOVES:
        raise ValidationError({"direction": _("Move an item up or down.")})
    item, module = _item_module(actor, item)
    _refuse_if_frozen(module)
    items = list(module.priority_items.order_by("position", "pk"))
    index = next(i for i, row in enumerate(items) if row.pk == item.pk)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(items):
        return item
    items[index], items[other] = items[other], items[index]
    # Positions are renumbered 1..n, so items added with equal positions
    # (e.g. by an import) also get a definite order.
    for position, row in enumerate(items, start=1):
        row.position = position
    PriorityItem.objects.bulk_update(items, ["position"])
    moved = items[other]
    _audit_item(
        actor, "priority_item.moved", module, moved, direction=direction, position=moved.position
    )
    return moved


# --------------------------------------------------------------------------- ballots


def _ballot_error(error: prioritising.BallotError) -> ValidationError:
    errors: dict[str, list[ValidationError]] = {}
    for problem in error.problems:
        key = "allocation" if problem.item is None else item_field(problem.item)
        errors.setdefault(key, []).append(
            ValidationError(_(problem.message) % problem.params, code=problem.code)
        )
    return ValidationError(errors)


def _allocation_of(ballot: PriorityBallot, method: str) -> dict[int, int]:
    value = "points" if method == prioritising.DOTS else "rank"
    return dict(ballot.allocations.values_list("item_id", value))


def _move_counters(method: str, old, new, n_items: int) -> None:
    """Apply the difference between two ballots to the items' counters, in
    one UPDATE whatever the number of items."""
    deltas = prioritising.counter_deltas(method, old, new, n_items)
    if not deltas:
        return
    changes = {}
    for name in ("points", "rank_score", "ballot_count"):
        whens = [
            When(pk=item, then=Value(getattr(delta, name)))
            for item, delta in deltas.items()
            if getattr(delta, name)
        ]
        if whens:
            changes[name] = F(name) + Case(*whens, default=Value(0), output_field=IntegerField())
    PriorityItem.objects.filter(pk__in=list(deltas)).update(**changes)


@transaction.atomic
def ballot_cast(
    *,
    participant: Participant,
    module: Module,
    allocation: Mapping[int, Any],
    channel: str = Channel.ONLINE,
    entered_by: User | None = None,
) -> tuple[PriorityBallot, bool]:
    """Cast ``participant``'s ballot in a prioritisation module, or replace
    the one they cast before. Returns the ballot and whether it is new
    (``False`` when it replaced one, or repeated it unchanged).

    ``allocation`` maps item id → points (dot vote: whole numbers ≥ 0, at
    least one point, at most the module's budget in all) or → position
    (ranking: every item, positions 1 to n each once). The process's
    ``vote`` rule and the module's dates apply (``check_may``). A
    facilitator (``entered_by``, with ``Action.ASSIST_PARTICIPATION``)
    enters a paper or phone ballot for someone, tagged with ``channel``; the
    verification was theirs to make in person, the dates still apply.

    Replacing moves each item's counters by the difference from the old
    ballot; casting the same ballot again changes nothing. The module's row
    is locked for the transaction: every ranking ballot updates every item's
    row anyway, so ballots in one module queue there regardless, and taking
    the module first gives them one order (no deadlock between two ballots
    touching items in different orders) and keeps the items from changing
    under a ballot being counted.
    """
    module = _locked_module(module)
    process = module.process
    check_entry(participant, module, "vote", channel=channel, entered_by=entered_by)
    method = method_of(module)
    item_ids = list(module.priority_items.values_list("pk", flat=True))
    try:
        new = prioritising.clean_ballot(method, allocation, item_ids, budget_of(module))
    except prioritising.BallotError as error:
        raise _ballot_error(error) from None
    ballot = PriorityBallot.objects.filter(module=module, participant=participant).first()
    old = _allocation_of(ballot, method) if ballot is not None else None
    if old == new:
        return ballot, False
    value = "points" if method == prioritising.DOTS else "rank"
    if ballot is None:
        # No race to lose: the module's row is locked, and the unique
        # constraint stands behind it.
        ballot = PriorityBallot.objects.create(
            module=module, participant=participant, channel=channel, entered_by=entered_by
        )
        Module.objects.filter(pk=module.pk).update(contribution_count=F("contribution_count") + 1)
    else:
        ballot.channel = channel
        ballot.entered_by = entered_by
        ballot.save(update_fields=["channel", "entered_by", "updated_at"])
        ballot.allocations.all().delete()
    PriorityAllocation.objects.bulk_create(
        PriorityAllocation(ballot=ballot, item_id=item, **{value: amount})
        for item, amount in sorted(new.items())
    )
    _move_counters(method, old, new, len(item_ids))
    audit_record(
        actor=entered_by or participant.user,
        action="priority_ballot.replaced" if old is not None else "priority_ballot.cast",
        target=ballot,
        organisation_id=process.procurement.organisation_id,
        data={
            "process": process.slug,
            "module": module.pk,
            "participant": participant.pk,
            "method": method,
            "allocation": {str(item): amount for item, amount in sorted(new.items())},
            "previous": (
                {str(item): amount for item, amount in sorted(old.items())}
                if old is not None
                else None
            ),
            "channel": channel,
            "assisted": entered_by is not None,
        },
    )
    return ballot, old is None
