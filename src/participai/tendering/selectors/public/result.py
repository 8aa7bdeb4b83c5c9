"""The award as the public sees it: the rationale, the winner, the ranking
kept when the award was made, the panel by seat kind (counts, never names),
the community panel's part, and each evaluator's scores under a number only
when the tender publishes them."""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from participai.core.text import render_markdown

from ... import scoring
from ...models import Bid, BidStatus, PanelMember, PanelMemberKind, Tender
from ..evaluation import criterion_specs, formula_scores, judged, member_scores, scoring_key
from .content import TenderContent


@dataclass(frozen=True)
class RankRow:
    rank: int | None
    supplier: str
    total: str
    winner: bool


@dataclass(frozen=True)
class SeatCount:
    """How many seats of one kind the panel had, and how many stepped aside."""

    kind: str
    label: str
    seated: int
    stepped_aside: int


@dataclass(frozen=True)
class PartRow:
    """One bid's average total from the community members and from the whole panel."""

    supplier: str
    community: Decimal
    panel: Decimal

    @property
    def difference(self) -> Decimal:
        return self.community - self.panel


@dataclass(frozen=True)
class EvaluatorBid:
    supplier: str
    scores: tuple[Decimal | None, ...]
    """In the order of ``PublicTender.content.criteria``."""
    total: Decimal | None


@dataclass(frozen=True)
class EvaluatorScores:
    number: int
    kind: str
    kind_label: str
    bids: tuple[EvaluatorBid, ...]

    @property
    def label(self) -> str:
        return _("Evaluator %(number)d") % {"number": self.number}


@dataclass(frozen=True)
class Result:
    """The award as the public sees it."""

    rationale: str
    decided_on: datetime.date
    supplier: str
    ranking: tuple[RankRow, ...]
    panel: tuple[SeatCount, ...]
    community_members: int
    community_part: tuple[PartRow, ...] | None
    """``None`` when it cannot be computed (no community member submitted scores)."""
    evaluators: tuple[EvaluatorScores, ...] | None
    """``None`` unless the tender publishes individual scores."""

    @property
    def rationale_html(self) -> SafeString:
        return mark_safe(render_markdown(self.rationale))


def _supplier(row: dict) -> str:
    return str(row.get("supplier") or row.get("supplier_name") or "")


def award_result(tender: Tender, award, content: TenderContent) -> Result:
    """The award as published: rationale, winner, the ranking as kept when the
    award was made (``Award.totals``, never recomputed), the panel by seat
    kind, the community panel's part and, if published, each evaluator's
    scores. Three queries: seats, valid bids, submitted scores.
    """
    winner_id = award.bid_id
    ranking = []
    for row in award.totals if isinstance(award.totals, list) else []:
        if not isinstance(row, dict):
            continue
        bid_id = row.get("bid", row.get("bid_id"))
        rank = row.get("rank")
        ranking.append(
            RankRow(
                rank=int(rank) if isinstance(rank, int | str) and str(rank).isdigit() else None,
                supplier=_supplier(row),
                total=str(row.get("total", "")),
                winner=bid_id == winner_id,
            )
        )
    ranking.sort(key=lambda row: (row.rank is None, row.rank or 0))

    seats = list(PanelMember.objects.filter(tender=tender).order_by("id"))
    counts = Counter(seat.kind for seat in seats)
    aside = Counter(seat.kind for seat in seats if seat.has_conflict)
    panel = tuple(
        SeatCount(kind=kind, label=str(label), seated=counts[kind], stepped_aside=aside[kind])
        for kind, label in PanelMemberKind.choices
        if counts[kind]
    )
    evaluated = [seat for seat in seats if seat.may_evaluate and seat.submitted_at is not None]
    community = [seat for seat in evaluated if seat.kind == PanelMemberKind.COMMUNITY]
    part, evaluators = _panel_scores(tender, content, evaluated, community)
    return Result(
        rationale=award.rationale,
        decided_on=award.decided_on,
        supplier=award.bid.supplier_name,
        ranking=tuple(ranking),
        panel=panel,
        community_members=len(community),
        community_part=part,
        evaluators=evaluators,
    )


def _panel_scores(
    tender: Tender,
    content: TenderContent,
    evaluated: list[PanelMember],
    community: list[PanelMember],
) -> tuple[tuple[PartRow, ...] | None, tuple[EvaluatorScores, ...] | None]:
    """The community members' average totals against the whole panel's, and
    the individual scores when the tender publishes them. Only submitted
    scores of members who declared no conflict count; scores on excluded or
    withdrawn bids do not. Anything inconsistent (a member who missed a bid)
    leaves the part out rather than publishing a wrong figure."""
    publish = tender.publish_individual_scores
    if not evaluated or (not community and not publish):
        return None, () if publish else None
    criteria = content.criteria
    specs = criterion_specs(criteria)
    bids = {
        scoring_key(bid.pk): bid
        for bid in Bid.objects.filter(tender=tender, status=BidStatus.VALID)
        .only("id", "supplier_name", "price")
        .order_by("id")
    }
    by_member = member_scores(evaluated, bids.values(), judged(criteria))
    try:
        every = formula_scores(criteria, list(bids.values()))
        fixed = {key: scores for key, scores in every.items() if scores}
    except ValueError:
        return None, () if publish else None

    def totals(members: list[PanelMember]) -> dict[str, Decimal] | None:
        keys = [scoring_key(seat.pk) for seat in members if scoring_key(seat.pk) in by_member]
        if not keys:
            return None
        try:
            return scoring.panel_totals(specs, by_member, keys, fixed=fixed)
        except ValueError:
            return None

    part = None
    if community:
        whole, theirs = totals(evaluated), totals(community)
        if whole is not None and theirs is not None:
            part = tuple(
                PartRow(supplier=bids[key].supplier_name, community=theirs[key], panel=whole[key])
                for key in bids
                if key in theirs and key in whole
            )
    evaluators = None
    if publish:
        rows = []
        for number, seat in enumerate(evaluated, start=1):
            mine = by_member.get(scoring_key(seat.pk), {})
            own_totals = totals([seat]) or {}
            rows.append(
                EvaluatorScores(
                    number=number,
                    kind=seat.kind,
                    kind_label=seat.get_kind_display(),
                    bids=tuple(
                        EvaluatorBid(
                            supplier=bid.supplier_name,
                            scores=tuple(
                                fixed.get(key, {}).get(
                                    scoring_key(c.id), mine.get(key, {}).get(scoring_key(c.id))
                                )
                                for c in criteria
                            ),
                            total=own_totals.get(key),
                        )
                        for key, bid in bids.items()
                    ),
                )
            )
        evaluators = tuple(rows)
    return part, evaluators
