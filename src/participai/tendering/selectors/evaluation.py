"""Reads of the vendor evaluation: the staff overview, the moderation table, the
results (ranking, sensitivity, the community panel's part) and an evaluator's seat.

Every function here runs a fixed number of queries whatever the number of bids,
criteria, members and scores. Who may read what is decided by
``tendering.access``: these selectors take its answers (whether bids are
readable, whose scores the viewer may see) and leave out what is refused, so a
template cannot show a sealed bid or another member's scores by mistake.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Prefetch
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from participai.accounts.models import User
from participai.procurements.access import roles_in
from participai.procurements.models import Procurement

from .. import scoring
from ..access import (
    SeatState,
    bid_reader_state,
    bids_are_sealed,
    may_see_scores_of,
    seat_state,
)
from ..models import (
    Bid,
    BidDocument,
    BidStatus,
    Criterion,
    ModeratedScore,
    PanelMember,
    PanelMemberKind,
    Score,
    ScoringMethod,
    Tender,
)

SENSITIVITY_DELTA = Decimal(5)


# --- Keys for the pure scoring module ----------------------------------------------------


def scoring_key(pk: int) -> str:
    """The key of a bid or criterion in ``scoring``'s mappings.

    Zero-padded so that ``scoring``'s tie order (by key) is the order of
    recording, not the order of the ids as strings ("10" before "9").
    """
    return f"{pk:012d}"


def criterion_specs(criteria: Iterable[Criterion]) -> list[scoring.CriterionSpec]:
    return [
        scoring.CriterionSpec(
            key=scoring_key(criterion.pk),
            group=criterion.group,
            weight=criterion.weight,
            scale_max=criterion.scale_max,
            method=criterion.method,
        )
        for criterion in criteria
    ]


def judged(criteria: Iterable[Criterion]) -> list[Criterion]:
    """The criteria the panel scores (the others are computed by formula)."""
    return [c for c in criteria if c.method == ScoringMethod.JUDGEMENT]


def formula_scores(criteria: Iterable[Criterion], bids: Sequence[Bid]) -> dict[str, dict]:
    """``{bid key: {criterion key: score}}`` of the formula-scored criteria.

    Raises ``ValueError`` (from ``scoring.price_scores``) when a price cannot be
    scored, e.g. a price of 0.
    """
    fixed: dict[str, dict] = {scoring_key(bid.pk): {} for bid in bids}
    for criterion in criteria:
        if criterion.method != ScoringMethod.LOWEST_PRICE:
            continue
        prices = {scoring_key(bid.pk): bid.price for bid in bids}
        for bid_key, value in scoring.price_scores(prices, criterion.scale_max).items():
            fixed[bid_key][scoring_key(criterion.pk)] = value
    return fixed


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


# --- Results -----------------------------------------------------------------------------


@dataclass(frozen=True)
class RankedBid:
    bid: Bid
    rank: int
    total: Decimal
    total_display: str
    # Points earned on each criterion, in the criteria's order (weight * score
    # / top of the scale).
    points: list[tuple[Criterion, Decimal]]
    # The mean weighted total of the community members' own scores, and of the
    # whole panel's; ``None`` when there is no such member.
    community_total: Decimal | None = None
    panel_total: Decimal | None = None


@dataclass(frozen=True)
class SensitivityRow:
    criterion: Criterion
    delta: Decimal
    weight: Decimal
    ranking: tuple[Bid, ...]
    winner: Bid
    winner_changes: bool
    rank_changes: tuple[Bid, ...]


@dataclass
class Results:
    """The ranking from the agreed scores, how robust it is, and the community's part.

    ``complete`` is false until every valid bid has an agreed score on every
    criterion the panel scores; ``message`` then says what is missing and
    nothing is ranked.
    """

    tender: Tender
    criteria: list[Criterion]
    bids: list[Bid]
    missing: int = 0
    complete: bool = False
    message: str = ""
    ranking: list[RankedBid] = field(default_factory=list)
    sensitivity: list[SensitivityRow] = field(default_factory=list)
    robust: bool = True
    community_members: int = 0
    panel_members: int = 0
    community_note: str = ""

    @property
    def winner(self) -> RankedBid | None:
        return self.ranking[0] if self.ranking else None

    def totals_snapshot(self) -> list[dict]:
        """The ranking as ``Award.totals`` keeps it: bid id, supplier, total
        (a string with two decimals) and rank, best first."""
        return [
            {
                "bid": row.bid.pk,
                "supplier": row.bid.supplier_name,
                "total": row.total_display,
                "rank": row.rank,
            }
            for row in self.ranking
        ]


def results(tender: Tender) -> Results:
    """Rank the valid bids by the agreed scores (price criteria by formula).

    Adds the sensitivity of the ranking to each criterion's weight moving by
    ±5 points (``scoring.sensitivity``) and the community panel's part: the
    mean weighted total of the submitted scores of the community members
    clear of conflicts, beside that of the whole panel (``scoring.panel_totals``,
    with price criteria computed, not scored). Only meaningful once moderation
    is complete; until then ``complete`` is false and ``message`` says so.
    Callers check who may read it (bids readable). Constant number of queries.
    """
    criteria = list(Criterion.objects.filter(tender=tender))
    bids = list(Bid.objects.filter(tender=tender, status=BidStatus.VALID))
    judged_criteria = judged(criteria)
    agreed = {
        (m.bid_id, m.criterion_id): m.score
        for m in ModeratedScore.objects.filter(
            bid__tender=tender,
            bid__status=BidStatus.VALID,
            criterion__method=ScoringMethod.JUDGEMENT,
        )
    }
    result = Results(
        tender=tender,
        criteria=criteria,
        bids=bids,
        missing=len(bids) * len(judged_criteria) - len(agreed),
    )
    if not bids:
        result.message = _("There is no valid bid to rank.")
        return result
    if result.missing:
        result.message = ngettext(
            "Moderation is not complete: %(count)d agreed score is missing. The ranking is "
            "shown once every bid has an agreed score on every criterion the panel scores.",
            "Moderation is not complete: %(count)d agreed scores are missing. The ranking is "
            "shown once every bid has an agreed score on every criterion the panel scores.",
            result.missing,
        ) % {"count": result.missing}
        return result
    specs = criterion_specs(criteria)
    bid_by_key = {scoring_key(bid.pk): bid for bid in bids}
    criterion_by_key = {scoring_key(c.pk): c for c in criteria}
    try:
        fixed = formula_scores(criteria, bids)
        scores = {
            scoring_key(bid.pk): {
                **{scoring_key(c.pk): agreed[(bid.pk, c.pk)] for c in judged_criteria},
                **fixed[scoring_key(bid.pk)],
            }
            for bid in bids
        }
        ranked = scoring.weighted_totals(specs, scores)
        sensitivity = scoring.sensitivity(specs, scores, delta=SENSITIVITY_DELTA)
    except ValueError:
        result.message = _(
            "The agreed scores cannot be totalled: the criteria's weights must add up to "
            "100 % and every price scored by formula must be above 0."
        )
        return result
    community, whole = _panel_parts(tender, bids, criteria, specs, fixed, result)
    result.complete = True
    result.ranking = [
        RankedBid(
            bid=bid_by_key[row.bid],
            rank=row.rank,
            total=row.total,
            total_display=row.total_display,
            points=[(c, row.by_criterion[scoring_key(c.pk)]) for c in criteria],
            community_total=community.get(row.bid),
            panel_total=whole.get(row.bid),
        )
        for row in ranked
    ]
    result.robust = sensitivity.robust
    result.sensitivity = [
        SensitivityRow(
            criterion=criterion_by_key[case.criterion],
            delta=case.delta,
            weight=criterion_by_key[case.criterion].weight + case.delta,
            ranking=tuple(bid_by_key[key] for key in case.ranking),
            winner=bid_by_key[case.winner],
            winner_changes=case.winner_changes,
            rank_changes=tuple(bid_by_key[key] for key in case.rank_changes),
        )
        for case in sensitivity.cases
    ]
    return result


def _panel_parts(
    tender: Tender,
    bids: Sequence[Bid],
    criteria: Sequence[Criterion],
    specs: Sequence[scoring.CriterionSpec],
    fixed: dict[str, dict],
    result: Results,
) -> tuple[dict[str, Decimal], dict[str, Decimal]]:
    """The community members' and the whole panel's mean totals per bid key.

    Only submitted scores of members clear of conflicts count.
    """
    members = [
        m
        for m in PanelMember.objects.filter(tender=tender, submitted_at__isnull=False)
        if m.may_evaluate
    ]
    community = [scoring_key(m.pk) for m in members if m.kind == PanelMemberKind.COMMUNITY]
    everyone = [scoring_key(m.pk) for m in members]
    result.community_members = len(community)
    result.panel_members = len(everyone)
    if not everyone:
        return {}, {}
    by_member: dict[str, dict[str, dict[str, Decimal]]] = {}
    for score in Score.objects.filter(
        member__in=members, bid__in=list(bids), criterion__in=judged(criteria)
    ):
        by_member.setdefault(scoring_key(score.member_id), {}).setdefault(
            scoring_key(score.bid_id), {}
        )[scoring_key(score.criterion_id)] = score.score
    try:
        whole = scoring.panel_totals(specs, by_member, everyone, fixed=_only_formula(fixed))
        part = (
            scoring.panel_totals(specs, by_member, community, fixed=_only_formula(fixed))
            if community
            else {}
        )
    except ValueError:
        # A member's scores do not cover every valid bid. bid_record refuses a
        # bid once scoring has started, so this is a safeguard: say so rather
        # than compare totals computed on different bids.
        result.community_note = _(
            "The panel's own totals cannot be compared: not every member scored every bid."
        )
        return {}, {}
    return part, whole


def _only_formula(fixed: dict[str, dict]) -> dict[str, dict]:
    return {bid: scores for bid, scores in fixed.items() if scores}


# --- An evaluator's seat -----------------------------------------------------------------


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
