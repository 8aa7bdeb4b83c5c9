"""The results: the ranking from the agreed scores, its sensitivity to the
criteria's weights, and the community panel's part beside the whole panel's.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ... import scoring
from ...models import (
    Bid,
    BidStatus,
    Criterion,
    ModeratedScore,
    PanelMember,
    PanelMemberKind,
    ScoringMethod,
    Tender,
)
from ._common import criterion_specs, formula_scores, judged, member_scores, scoring_key

SENSITIVITY_DELTA = Decimal(5)


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
    by_member = member_scores(members, bids, judged(criteria))
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
