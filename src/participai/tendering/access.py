"""Who may read and do what in a tender: sealed bids, conflicts, panel-only views.

Role rules for writing (prepare, publish, record bids, seat the panel,
moderate, award, test, contract) live with the procurement's other actions in
``procurements.access`` and are checked with ``require``. This module adds the
rules a role alone cannot decide:

* **Sealed bids.** Before the tender's ``opening_at`` no one, staff included,
  may read a bid (supplier, price, documents). Only the number of bids
  received is known.
* **Conflicts of interest.** A panel member sees no bid until they have
  declared their interests; a declared conflict removes their access to bids
  and scores for good, whatever roles they hold in the organisation.
* **Independent scoring.** A member's scores are theirs alone until they
  submit them. Other members see them only once they have submitted their
  own; the team sees submitted scores only.

:func:`bid_reader_state` is the whole bid rule, free of the database, so it
can be tested for every combination.
"""

from __future__ import annotations

import datetime
from enum import StrEnum

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from participai.accounts.models import User
from participai.procurements.access import Action, access_procurement, can, decide, roles_in
from participai.procurements.models import Procurement

from .models import Bid, PanelMember, Tender


def tender_of(procurement: Procurement) -> Tender | None:
    """The procurement's tender, or ``None`` when none was started."""
    return Tender.objects.filter(procurement=procurement).first()


def access_tender(
    user: User, slug: str, *, action: Action = Action.VIEW, for_update: bool = False
) -> tuple[Procurement, Tender | None]:
    """The procurement ``slug`` and its tender (``None`` if not started), for staff.

    404 for non-members; 403 when ``action`` is refused now (see
    ``procurements.access.access_procurement``). With ``for_update`` both rows
    are locked, procurement first, as every tendering service locks them.
    """
    procurement = access_procurement(user, slug, action=action, for_update=for_update)
    queryset = Tender.objects.filter(procurement=procurement)
    if for_update:
        queryset = queryset.select_for_update()
    return procurement, queryset.first()


def bids_are_sealed(tender: Tender | None, *, now: datetime.datetime | None = None) -> bool:
    """True until the tender's opening moment (and always for an unpublished tender)."""
    if tender is None or tender.opening_at is None or tender.is_draft:
        return True
    return (now or timezone.now()) < tender.opening_at


class SeatState(StrEnum):
    """Where a person stands on a tender's panel."""

    NONE = "none"  # no seat
    UNDECLARED = "undeclared"  # seated, interests not declared yet
    CONFLICTED = "conflicted"  # declared a conflict: out for good
    CLEAR = "clear"  # declared, no conflict


def seat_state(seat: PanelMember | None) -> SeatState:
    if seat is None:
        return SeatState.NONE
    if seat.declared_at is None:
        return SeatState.UNDECLARED
    return SeatState.CONFLICTED if seat.has_conflict else SeatState.CLEAR


def bid_reader_state(*, sealed: bool, roles: frozenset[str], seat: SeatState) -> bool:
    """The whole bid rule: may someone read bids?

    Never while sealed. A seat decides for whoever holds one (a conflict
    overrides every role, and an undeclared member waits for their
    declaration); without a seat, the roles that follow the evaluation read.
    """
    if sealed:
        return False
    if seat is not SeatState.NONE:
        return seat is SeatState.CLEAR
    return decide(roles, Action.VIEW_EVALUATION)


def panel_seat(user: User, tender: Tender | None) -> PanelMember | None:
    """``user``'s seat on the tender's panel, if any."""
    if tender is None or not user.is_authenticated:
        return None
    return PanelMember.objects.filter(tender=tender, user=user).first()


def can_read_bids(
    user: User, procurement: Procurement, tender: Tender | None, *, seat: PanelMember | None = None
) -> bool:
    """May ``user`` read the bids of ``tender`` now? ``seat`` saves a query when known."""
    if tender is None:
        return False
    seat = seat if seat is not None else panel_seat(user, tender)
    return bid_reader_state(
        sealed=bids_are_sealed(tender),
        roles=roles_in(user, procurement.organisation_id)
        if user.is_authenticated
        else frozenset(),
        seat=seat_state(seat),
    )


def require_bids_readable(
    user: User, procurement: Procurement, tender: Tender | None, *, seat: PanelMember | None = None
) -> None:
    """Raise ``PermissionDenied`` saying why bids cannot be read, unless they can."""
    if tender is not None and bids_are_sealed(tender):
        if tender.opening_at is None or tender.is_draft:
            raise PermissionDenied(_("Bids stay sealed: the tender is not published yet."))
        raise PermissionDenied(
            _("Bids are sealed until %(moment)s: no one can read them before then.")
            % {"moment": date_format(timezone.localtime(tender.opening_at), "DATETIME_FORMAT")}
        )
    seat = seat if seat is not None else panel_seat(user, tender)
    state = seat_state(seat)
    if state is SeatState.UNDECLARED:
        raise PermissionDenied(_("Declare your interests before you see any bid."))
    if state is SeatState.CONFLICTED:
        raise PermissionDenied(
            _("You declared a conflict of interest: you take no further part in this evaluation.")
        )
    if not can_read_bids(user, procurement, tender, seat=seat):
        raise PermissionDenied(_("Only the procurement team and the panel read the bids."))


def access_bid(user: User, procurement: Procurement, tender: Tender | None, bid_id: int) -> Bid:
    """Bid ``bid_id`` of ``tender`` for ``user``: 404 if no such bid, 403 while sealed
    or when the user may not read bids (conflict, undeclared seat, no role)."""
    bid = Bid.objects.filter(tender=tender, id=bid_id).first() if tender is not None else None
    if bid is None:
        raise Http404("No such bid.")
    require_bids_readable(user, procurement, tender)
    return bid


def may_see_scores_of(
    viewer: User,
    procurement: Procurement,
    member: PanelMember,
    *,
    viewer_seat: PanelMember | None,
) -> bool:
    """May ``viewer`` see ``member``'s scores?

    Their own, always. Another member's only once that member has submitted,
    and then: for a fellow member, once the viewer has submitted too; for
    someone without a seat, if they follow the evaluation. A conflicted or
    undeclared viewer sees none.
    """
    if viewer_seat is not None and viewer_seat.pk == member.pk:
        return True
    if member.submitted_at is None:
        return False
    if viewer_seat is not None:
        return viewer_seat.may_evaluate and viewer_seat.submitted_at is not None
    return can(viewer, Action.VIEW_EVALUATION, procurement)


def access_panel_seat(user: User, slug: str) -> tuple[Procurement, Tender, PanelMember]:
    """The seat ``user`` holds on the panel of procurement ``slug``; 404 without one.

    Community members and independent experts hold seats without belonging
    to the organisation, so this does not go through ``access_procurement``.
    """
    seat = (
        PanelMember.objects.select_related("tender__procurement__organisation")
        .filter(tender__procurement__slug=slug, user_id=user.pk)
        .first()
        if user.is_authenticated
        else None
    )
    if seat is None:
        raise Http404("You have no seat on this panel.")
    return seat.tender.procurement, seat.tender, seat
