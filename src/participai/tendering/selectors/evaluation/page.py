"""The staff overview of the evaluation and its moderation table, and where
the panel stands: whether moderation may start, and what keeps it waiting.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Prefetch
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from participai.accounts.models import User
from participai.procurements.access import roles_in
from participai.procurements.models import Procurement

from ... import scoring
from ...access import (
    SeatState,
    bid_reader_state,
    bids_are_sealed,
    may_see_scores_of,
    seat_state,
)
from ...models import (
    Bid,
    BidDocument,
    BidStatus,
    Criterion,
    ModeratedScore,
    PanelMember,
    Score,
    ScoringMethod,
    Tender,
)
from ._common import judged

# --- The panel and whether moderation may start -------------------------------------------


@dataclass(frozen=True)
class Progress:
    """Where the panel stands, and what still keeps moderation from starting."""

    members: int
    undeclared: int
    conflicted: int
    clear: int
    submitted: int
    blockers: tuple[str, ...]

    @property
    def moderation_open(self) -> bool:
        return not self.blockers


def panel_progress(panel: Sequence[PanelMember]) -> Progress:
    """The panel's progress, from its already loaded seats.

    Moderation waits for every member clear of conflicts to submit, and for
    every seated member to declare: an undeclared member may yet turn out
    clear and score, so the team either waits or removes the seat. Conflicted
    members are out and wait for nothing.
    """
    undeclared = [m for m in panel if m.declared_at is None]
    conflicted = [m for m in panel if m.has_conflict]
    clear = [m for m in panel if m.may_evaluate]
    submitted = [m for m in clear if m.submitted_at is not None]
    blockers = []
    if not clear:
        blockers.append(_("The panel has no member clear of conflicts to score the bids."))
    elif len(submitted) < len(clear):
        waiting = len(clear) - len(submitted)
        blockers.append(
            ngettext(
                "%(count)d member clear of conflicts has not submitted their scores yet.",
                "%(count)d members clear of conflicts have not submitted their scores yet.",
                waiting,
            )
            % {"count": waiting}
        )
    if undeclared:
        blockers.append(
            ngettext(
                "%(count)d member has not declared their interests yet: wait for the "
                "declaration, or remove the seat.",
                "%(count)d members have not declared their interests yet: wait for their "
                "declarations, or remove their seats.",
                len(undeclared),
            )
            % {"count": len(undeclared)}
        )
    return Progress(
        members=len(panel),
        undeclared=len(undeclared),
        conflicted=len(conflicted),
        clear=len(clear),
        submitted=len(submitted),
        blockers=tuple(blockers),
    )


def panel_of(tender: Tender) -> list[PanelMember]:
    """The tender's seats with their users, in the panel's order."""
    return list(PanelMember.objects.filter(tender=tender).select_related("user"))


# --- The staff overview and the moderation table ------------------------------------------


@dataclass(frozen=True)
class PanelRow:
    member: PanelMember
    state: SeatState
    scored: int

    @property
    def removable(self) -> bool:
        return self.scored == 0


@dataclass
class ModerationCell:
    """One bid and criterion the panel scores: the individual scores the viewer may
    see (conflicted members' left out), and the agreed score if recorded."""

    bid: Bid
    criterion: Criterion
    scores: list[Score] = field(default_factory=list)
    agreed: ModeratedScore | None = None

    @property
    def spread(self) -> Decimal | None:
        if not self.scores:
            return None
        return scoring.moderation_spread([score.score for score in self.scores])


@dataclass
class ModerationRow:
    bid: Bid
    cells: list[ModerationCell]


@dataclass
class EvaluationPage:
    tender: Tender | None
    sealed: bool = True
    readable: bool = False
    viewer_seat: PanelMember | None = None
    bid_count: int = 0
    # While bids cannot be read: only their numbers and statuses, never their content.
    sealed_bids: list[tuple[int, str]] = field(default_factory=list)
    bids: list[Bid] = field(default_factory=list)
    panel: list[PanelRow] = field(default_factory=list)
    progress: Progress | None = None
    criteria: list[Criterion] = field(default_factory=list)
    moderation: list[ModerationRow] = field(default_factory=list)
    agreed: int = 0
    needed: int = 0

    @property
    def judged_criteria(self) -> list[Criterion]:
        return judged(self.criteria)

    @property
    def formula_criteria(self) -> list[Criterion]:
        return [c for c in self.criteria if c.method != ScoringMethod.JUDGEMENT]

    @property
    def valid_bids(self) -> list[Bid]:
        return [bid for bid in self.bids if bid.status == BidStatus.VALID]

    @property
    def moderation_complete(self) -> bool:
        return self.needed > 0 and self.agreed == self.needed


def evaluation_page(user: User, procurement: Procurement, tender: Tender | None) -> EvaluationPage:
    """Everything the staff pages of the evaluation show to ``user``.

    Bids are listed only when ``user`` may read them (``tendering.access``);
    otherwise only how many there are. The moderation table holds, per valid
    bid and criterion the panel scores, the individual scores ``user`` may see
    (``access.may_see_scores_of``; never a conflicted member's) and the agreed
    score. Constant number of queries.
    """
    if tender is None:
        return EvaluationPage(tender=None)
    criteria = list(Criterion.objects.filter(tender=tender))
    panel_members = list(
        PanelMember.objects.filter(tender=tender)
        .select_related("user")
        .annotate(scored=Count("scores"))
    )
    viewer_seat = next((m for m in panel_members if m.user_id == user.pk), None)
    sealed = bids_are_sealed(tender)
    readable = bid_reader_state(
        sealed=sealed,
        roles=roles_in(user, procurement.organisation_id)
        if user.is_authenticated
        else frozenset(),
        seat=seat_state(viewer_seat),
    )
    page = EvaluationPage(
        tender=tender,
        sealed=sealed,
        readable=readable,
        viewer_seat=viewer_seat,
        panel=[PanelRow(m, seat_state(m), m.scored) for m in panel_members],
        progress=panel_progress(panel_members),
        criteria=criteria,
    )
    if not readable:
        page.sealed_bids = list(
            Bid.objects.filter(tender=tender).order_by("id").values_list("id", "status")
        )
        page.bid_count = sum(1 for _id, status in page.sealed_bids if status == BidStatus.VALID)
        return page
    page.bids = list(
        Bid.objects.filter(tender=tender).prefetch_related(
            Prefetch("documents", queryset=BidDocument.objects.order_by("id"))
        )
    )
    page.bid_count = len(page.valid_bids)
    judged_criteria = page.judged_criteria
    page.needed = len(page.valid_bids) * len(judged_criteria)
    visible = {
        m.pk: m
        for m in panel_members
        if m.may_evaluate and may_see_scores_of(user, procurement, m, viewer_seat=viewer_seat)
    }
    scores: dict[tuple[int, int], list[Score]] = {}
    if visible:
        for score in Score.objects.filter(bid__tender=tender, member_id__in=list(visible)):
            score.member = visible[score.member_id]
            scores.setdefault((score.bid_id, score.criterion_id), []).append(score)
    agreed = {
        (m.bid_id, m.criterion_id): m for m in ModeratedScore.objects.filter(bid__tender=tender)
    }
    for bid in page.valid_bids:
        cells = [
            ModerationCell(
                bid=bid,
                criterion=criterion,
                scores=scores.get((bid.pk, criterion.pk), []),
                agreed=agreed.get((bid.pk, criterion.pk)),
            )
            for criterion in judged_criteria
        ]
        page.agreed += sum(1 for cell in cells if cell.agreed is not None)
        page.moderation.append(ModerationRow(bid=bid, cells=cells))
    return page


def moderation_progress(tender: Tender) -> Progress:
    """The panel's progress, read afresh (for the services)."""
    return panel_progress(list(PanelMember.objects.filter(tender=tender)))
