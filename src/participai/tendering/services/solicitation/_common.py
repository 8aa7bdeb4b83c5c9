"""What every write of the tender's preparation shares: the lock, the check
that the tender is still a draft, the audit event, the cleaning and length
checks of text, and the positions of ordered rows.

The procurement row is locked first, then the tender (the order
``tendering.access.access_tender`` uses), then the actor's right is checked.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Max, Model, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from participai.accounts.models import User
from participai.core.audit import audit_record
from participai.procurements.access import Action, require
from participai.procurements.models import Procurement

from ...models import Tender

TITLE_MAX = 200
UP, DOWN = "up", "down"

PUBLISHED = gettext_lazy("The tender is published; what bidders answer to no longer changes.")


def _locked(tender: Tender) -> Tender:
    """The tender row, locked after its procurement's, with the procurement loaded."""
    procurement = (
        Procurement.objects.select_for_update(of=("self",))
        .select_related("organisation")
        .get(pk=tender.procurement_id)
    )
    locked = Tender.objects.select_for_update().get(pk=tender.pk)
    locked.procurement = procurement
    return locked


def _prepare(actor: User, tender: Tender) -> Tender:
    """Lock ``tender``, check ``actor`` may write it and that it is still a draft."""
    tender = _locked(tender)
    require(actor, Action.PREPARE_TENDER, tender.procurement)
    if not tender.is_draft:
        raise ValidationError(str(PUBLISHED))
    return tender


def _audit(actor: User, action: str, target: Model, tender: Tender, **data: Any) -> None:
    audit_record(
        actor=actor,
        action=f"tendering.{action}",
        target=target,
        organisation_id=tender.procurement.organisation_id,
        data={"procurement": tender.procurement.slug, "tender": tender.pk, **data},
    )


def _text(value: str | None) -> str:
    return (value or "").replace("\r\n", "\n").strip()


def _check_title(errors: dict[str, str], field: str, title: str) -> None:
    if not title:
        errors[field] = _("This field is required.")
    elif len(title) > TITLE_MAX:
        errors[field] = _("At most %(limit)d characters.") % {"limit": TITLE_MAX}


def _check_length(errors: dict[str, str], field: str, text: str, limit: int) -> None:
    if len(text) > limit:
        errors[field] = _("At most %(limit)d characters; this text has %(length)d.") % {
            "limit": limit,
            "length": len(text),
        }


def _next_position(queryset: QuerySet) -> int:
    top = queryset.aggregate(top=Max("position"))["top"]
    return 0 if top is None else top + 1


def _move(scope: QuerySet, item: Model, direction: str) -> bool:
    """Swap ``item`` with its neighbour in ``scope`` (ordered by position, then id).

    Returns whether anything moved: the first cannot go up nor the last down.
    The positions the scope already uses are handed out again in the new order,
    so items outside the scope keep theirs.
    """
    if direction not in (UP, DOWN):
        raise ValidationError({"direction": _("Move it up or down.")})
    items = list(scope.order_by("position", "pk"))
    index = next(i for i, row in enumerate(items) if row.pk == item.pk)
    other = index - 1 if direction == UP else index + 1
    if not 0 <= other < len(items):
        return False
    slots = sorted(row.position for row in items)
    if len(set(slots)) != len(slots):
        # Rows placed by hand may share a position: spread them out first.
        slots = list(range(slots[0], slots[0] + len(slots)))
    items[index], items[other] = items[other], items[index]
    for row, slot in zip(items, slots, strict=True):
        row.position = slot
    type(item).objects.bulk_update(items, ["position"])
    item.position = next(row.position for row in items if row.pk == item.pk)
    return True
