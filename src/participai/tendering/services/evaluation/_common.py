"""What every write of the vendor evaluation shares: the lock (the procurement
row, then the tender's, then a seat's), the checks that the procurement is
active, the tender under evaluation and the seat the actor's own, the reading
of numbers, and the check that a bid is one of the tender's valid bids.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from participai.accounts.models import User
from participai.procurements.models import Procurement, ProcurementStatus

from ...models import Bid, BidStatus, PanelMember, Tender, TenderStatus

TEXT_MAX = 10_000


def _lock(tender: Tender) -> tuple[Procurement, Tender]:
    """Lock the procurement, then the tender, and return both fresh."""
    procurement = (
        Procurement.objects.select_for_update()
        .select_related("organisation")
        .get(pk=tender.procurement_id)
    )
    tender = Tender.objects.select_for_update().get(pk=tender.pk)
    tender.procurement = procurement
    return procurement, tender


def _require_active(procurement: Procurement) -> None:
    if procurement.status != ProcurementStatus.ACTIVE:
        raise ValidationError(_("The procurement is closed: the evaluation cannot change."))


def _require_evaluating(tender: Tender) -> None:
    """The tender is published and not yet awarded."""
    if tender.status == TenderStatus.DRAFT:
        raise ValidationError(_("The tender is not published yet: there is nothing to evaluate."))
    if tender.status == TenderStatus.AWARDED:
        raise ValidationError(_("The contract is awarded: the evaluation is closed."))
    if tender.status == TenderStatus.CANCELLED:
        raise ValidationError(_("The tender was cancelled."))


def _require_own_seat(actor: User, seat: PanelMember) -> None:
    if seat.user_id != actor.pk:
        raise PermissionDenied(_("Only the member who holds this seat can act in it."))


def _lock_seat(seat: PanelMember) -> tuple[Procurement, Tender, PanelMember]:
    procurement, tender = _lock(seat.tender)
    seat = PanelMember.objects.select_for_update().select_related("user").get(pk=seat.pk)
    seat.tender = tender
    return procurement, tender, seat


def _decimal(value: Any) -> Decimal | None:
    """``value`` as a finite ``Decimal``, or ``None`` when it is not a number."""
    if isinstance(value, bool) or value is None or value == "":
        return None
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def _two_decimals(number: Decimal) -> bool:
    return number == number.quantize(Decimal("0.01"))


def _valid_bid_of(tender: Tender, bid: Bid) -> Bid:
    """``bid`` read afresh, if it belongs to ``tender`` and is still valid."""
    fresh = Bid.objects.filter(pk=getattr(bid, "pk", None), tender=tender).first()
    if fresh is None:
        raise ValidationError({"bid": _("This bid is not one of this tender's.")})
    if fresh.status != BidStatus.VALID:
        raise ValidationError(
            {
                "bid": _("This bid was %(status)s: it is not evaluated.")
                % {"status": fresh.get_status_display().lower()}
            }
        )
    return fresh
