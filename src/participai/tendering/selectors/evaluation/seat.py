"""An evaluator's seat: the bids the member scores, their own scores and,
once allowed, the other members' submitted scores.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch

from participai.accounts.models import User
from participai.procurements.models import Procurement

from ...access import SeatState, bid_reader_state, bids_are_sealed, may_see_scores_of, seat_state
from ...models import (
    Bid,
    BidDocument,
    BidStatus,
    Criterion,
    PanelMember,
    Score,
    ScoringMethod,
    Tender,
)
from ._common import judged


@dataclass
class SheetRow:
    criterion: Criterion
    own: Score | None
    # Other members' submitted scores, once the viewer may see them.
    others: list[Score] = field(default_factory=list)


@dataclass
class BidSheet:
    bid: Bid
    rows: list[SheetRow]

    @property
    def scored(self) -> int:
        return sum(1 for row in self.rows if row.own is not None)

    @property
    def complete(self) -> bool:
        return self.scored == len(self.rows)


@dataclass
class SeatPage:
    seat: PanelMember
    tender: Tender
    procurement: Procurement
    state: SeatState
    sealed: bool
    readable: bool
    criteria: list[Criterion] = field(default_factory=list)
    sheets: list[BidSheet] = field(default_factory=list)
    others_visible: bool = False

    @property
    def judged_criteria(self) -> list[Criterion]:
        return judged(self.criteria)

    @property
    def formula_criteria(self) -> list[Criterion]:
        return [c for c in self.criteria if c.method != ScoringMethod.JUDGEMENT]

    @property
    def scored(self) -> int:
        return sum(sheet.scored for sheet in self.sheets)

    @property
    def needed(self) -> int:
        return sum(len(sheet.rows) for sheet in self.sheets)

    @property
    def submitted(self) -> bool:
        return self.seat.submitted_at is not None


def seat_page(seat: PanelMember, viewer: User | None = None) -> SeatPage:
    """What the member in ``seat`` sees: bids only once they may read them
    (declared, clear, bids opened), each with the criteria the panel scores,
    their descriptors and the member's own scores; the other members'
    submitted scores only once ``access.may_see_scores_of`` allows it (after
    the member's own submission). ``viewer`` is the seat's user when the caller
    has it at hand (saves a query). Constant number of queries.
    """
    viewer = viewer if viewer is not None else seat.user
    tender = seat.tender
    procurement = tender.procurement
    sealed = bids_are_sealed(tender)
    state = seat_state(seat)
    # A seat decides for whoever holds one: roles play no part (access.bid_reader_state).
    readable = bid_reader_state(sealed=sealed, roles=frozenset(), seat=state)
    page = SeatPage(
        seat=seat,
        tender=tender,
        procurement=procurement,
        state=state,
        sealed=sealed,
        readable=readable,
        criteria=list(Criterion.objects.filter(tender=tender)),
    )
    if not readable:
        return page
    bids = list(
        Bid.objects.filter(tender=tender, status=BidStatus.VALID).prefetch_related(
            Prefetch("documents", queryset=BidDocument.objects.order_by("id"))
        )
    )
    others = [
        m
        for m in PanelMember.objects.filter(tender=tender, submitted_at__isnull=False)
        .exclude(pk=seat.pk)
        .select_related("user")
        if m.may_evaluate and may_see_scores_of(viewer, procurement, m, viewer_seat=seat)
    ]
    page.others_visible = seat.submitted_at is not None
    member_ids = [seat.pk, *(m.pk for m in others)]
    by_id = {m.pk: m for m in others}
    by_id[seat.pk] = seat
    own: dict[tuple[int, int], Score] = {}
    theirs: dict[tuple[int, int], list[Score]] = {}
    for score in Score.objects.filter(member_id__in=member_ids, bid__in=bids).order_by(
        "member_id", "id"
    ):
        score.member = by_id[score.member_id]
        key = (score.bid_id, score.criterion_id)
        if score.member_id == seat.pk:
            own[key] = score
        else:
            theirs.setdefault(key, []).append(score)
    page.sheets = [
        BidSheet(
            bid=bid,
            rows=[
                SheetRow(
                    criterion=criterion,
                    own=own.get((bid.pk, criterion.pk)),
                    others=theirs.get((bid.pk, criterion.pk), []),
                )
                for criterion in page.judged_criteria
            ],
        )
        for bid in bids
    ]
    return page
