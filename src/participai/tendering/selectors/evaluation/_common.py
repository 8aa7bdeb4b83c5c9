"""What the evaluation's reads share: which criteria the panel scores, and
the keys, criteria and formula scores handed to the pure ``scoring`` module.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal

from ... import scoring
from ...models import Bid, Criterion, PanelMember, Score, ScoringMethod


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


def member_scores(
    members: Iterable[PanelMember], bids: Iterable[Bid], criteria: Iterable[Criterion]
) -> dict[str, dict[str, dict[str, Decimal]]]:
    """``{member key: {bid key: {criterion key: score}}}``: what ``members`` gave
    ``bids`` on ``criteria`` (the judged ones: pass :func:`judged`'s). One query.

    The caller chooses whose scores count (submitted, clear of conflicts).
    """
    table: dict[str, dict[str, dict[str, Decimal]]] = {}
    rows = Score.objects.filter(
        member__in=[m.pk for m in members],
        bid__in=[b.pk for b in bids],
        criterion__in=[c.pk for c in criteria],
    ).values_list("member_id", "bid_id", "criterion_id", "score")
    for member_id, bid_id, criterion_id, score in rows:
        table.setdefault(scoring_key(member_id), {}).setdefault(scoring_key(bid_id), {})[
            scoring_key(criterion_id)
        ] = score
    return table
