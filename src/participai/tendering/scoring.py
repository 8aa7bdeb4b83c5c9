"""Scoring tenders: criteria weights, bid totals, ranking, sensitivity and moderation.

A tender's evaluation criteria each carry a weight, in percent, and the weights
add up to exactly 100. Each criterion is scored on a scale from 0 to its
``scale_max``; a bid earns ``weight * score / scale_max`` points on it, so a
bid's total lies between 0 and 100. A criterion is scored by judgement, or, for
price, by the ``lowest_price`` formula (``scale_max * lowest price / price``).

Responsible-AI criteria must carry real weight, not a pass/fail box: the
``responsible_ai`` group must carry at least a minimum share of the weight, set
per impact level of the system being bought. When the impact level has not been
assessed the strictest minimum applies, because an unassessed system may well
turn out to be high impact.

Arithmetic is exact: weights and scores are ``Decimal``\\s, every sum is kept as
a ``Fraction`` and converted to a ``Decimal`` (28 significant digits) only for
the result, so two bids tie exactly when their totals are equal and a ranking
never depends on the order in which the inputs were given or on the current
``decimal`` context.

Money and scores are never ``float``: a ``float`` input raises ``ValueError``.

This module imports nothing from Django. Messages are English strings marked
for translation with ``gettext_noop`` (which imports nothing either); the web
layer translates them and fills in their ``%(name)s`` placeholders.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Context, Decimal
from fractions import Fraction

from participai.core.marks import gettext_noop

GROUPS = ("quality", "price", "responsible_ai", "social_value", "other")
RESPONSIBLE_AI = "responsible_ai"

JUDGEMENT = "judgement"
LOWEST_PRICE = "lowest_price"
METHODS = (JUDGEMENT, LOWEST_PRICE)

# Minimum share of the weight (percent) that responsible-AI criteria must carry,
# per impact level (1 = little impact, 4 = very high impact).
DEFAULT_MIN_RESPONSIBLE_AI_WEIGHT: dict[int, Decimal] = {
    1: Decimal(0),
    2: Decimal(10),
    3: Decimal(20),
    4: Decimal(25),
}

TOTAL_WEIGHT = 100

# Results are converted from exact fractions in this context, not in the
# thread's current one, so they are the same whoever calls.
_CONTEXT = Context(prec=28, rounding=ROUND_HALF_EVEN)
_CENT = Decimal("0.01")

SUM = "sum"
NEGATIVE = "negative"
RESPONSIBLE_AI_MINIMUM = "responsible_ai_minimum"
EMPTY = "empty"
UNKNOWN_GROUP = "unknown_group"
SCALE = "scale"

MESSAGES = {
    EMPTY: gettext_noop("Add at least one evaluation criterion."),
    UNKNOWN_GROUP: gettext_noop(
        "The criterion %(key)s is in the group “%(group)s”, which is not one of the "
        "criteria groups."
    ),
    NEGATIVE: gettext_noop(
        "The criterion %(key)s has a weight of %(weight)s %%; a weight cannot be negative."
    ),
    SCALE: gettext_noop(
        "The criterion %(key)s is scored from 0 to %(scale_max)s; the top of the scale "
        "must be a whole number of at least 1."
    ),
    SUM: gettext_noop("The weights add up to %(total)s %%; they must add up to 100 %%."),
    RESPONSIBLE_AI_MINIMUM: gettext_noop(
        "Responsible-AI criteria carry %(actual)s %% of the weight; at impact level "
        "%(level)s they must carry at least %(minimum)s %%."
    ),
}
# The same problem when the impact level is unknown: the message cannot name it.
RESPONSIBLE_AI_MINIMUM_UNASSESSED = gettext_noop(
    "Responsible-AI criteria carry %(actual)s %% of the weight; while the impact level "
    "has not been assessed they must carry at least %(minimum)s %%, the minimum for "
    "the highest impact."
)


@dataclass(frozen=True)
class CriterionSpec:
    """One evaluation criterion, as scoring needs it.

    ``weight`` is in percent; ``method`` is ``"judgement"`` or
    ``"lowest_price"``. Weights, groups and scales are not checked here, so that
    :func:`check_weights` can report every problem of a draft at once; an
    unknown ``method`` is a programming error and raises ``ValueError``.
    """

    key: str
    group: str
    weight: Decimal
    scale_max: int
    method: str = JUDGEMENT

    def __post_init__(self) -> None:
        if self.method not in METHODS:
            raise ValueError(f"Criterion {self.key!r}: unknown scoring method {self.method!r}.")


@dataclass(frozen=True)
class WeightProblem:
    """A problem with a tender's criteria, found by :func:`check_weights`.

    ``code`` is one of ``sum``, ``negative``, ``responsible_ai_minimum``,
    ``empty``, ``unknown_group``, ``scale``. ``message`` is English, marked for
    translation, with ``%(name)s`` placeholders for the values in ``params``:
    translate it, then format it with ``params`` (numbers are ``Decimal``\\s, so
    the caller may localise them first, and may replace ``key`` by the
    criterion's title).
    """

    code: str
    message: str
    params: dict


def group_weights(criteria: Iterable[CriterionSpec]) -> dict[str, Decimal]:
    """Return the total weight of each group, every group of ``GROUPS`` included.

    Groups come in the order of ``GROUPS``, with 0 where no criterion is in the
    group. A criterion in an unknown group is not dropped: its group follows the
    known ones, so the values always add up to the total weight.
    """
    totals: dict[str, Decimal] = {group: Decimal(0) for group in GROUPS}
    for criterion in criteria:
        totals[criterion.group] = totals.get(criterion.group, Decimal(0)) + criterion.weight
    return totals


def minimum_responsible_ai_weight(
    impact_level: int | None,
    minimums: Mapping[int, Decimal] = DEFAULT_MIN_RESPONSIBLE_AI_WEIGHT,
) -> Decimal:
    """Return the minimum total weight (percent) of responsible-AI criteria.

    ``impact_level`` is the assessed level (a key of ``minimums``) or ``None``
    when the system has not been assessed; an unassessed system takes the
    strictest minimum of all levels, since it may be high impact. A level that
    ``minimums`` does not know raises ``ValueError``.
    """
    if impact_level is None:
        return max((Decimal(value) for value in minimums.values()), default=Decimal(0))
    try:
        return Decimal(minimums[impact_level])
    except KeyError:
        raise ValueError(f"Unknown impact level {impact_level!r}.") from None


def check_weights(
    criteria: Sequence[CriterionSpec],
    *,
    impact_level: int | None,
    minimums: Mapping[int, Decimal] = DEFAULT_MIN_RESPONSIBLE_AI_WEIGHT,
) -> list[WeightProblem]:
    """Return every problem with the criteria's groups, scales and weights; [] if none.

    Without criteria the only problem is ``empty``. Otherwise, in this order:
    per criterion in input order ``unknown_group``, ``negative`` and ``scale``
    (``scale_max`` must be an ``int`` of at least 1); then ``sum`` when the
    weights do not add up to exactly 100; then ``responsible_ai_minimum`` when
    the ``responsible_ai`` group carries less than the minimum for
    ``impact_level`` (see :func:`minimum_responsible_ai_weight`, which raises
    ``ValueError`` for an unknown level).
    """
    minimum = minimum_responsible_ai_weight(impact_level, minimums)
    if not criteria:
        return [WeightProblem(EMPTY, MESSAGES[EMPTY], {})]
    problems = _structural_problems(criteria)
    actual = group_weights(criteria)[RESPONSIBLE_AI]
    if actual < minimum:
        params = {"actual": actual, "level": impact_level, "minimum": minimum}
        message = (
            RESPONSIBLE_AI_MINIMUM_UNASSESSED
            if impact_level is None
            else MESSAGES[RESPONSIBLE_AI_MINIMUM]
        )
        problems.append(WeightProblem(RESPONSIBLE_AI_MINIMUM, message, params))
    return problems


def _structural_problems(criteria: Sequence[CriterionSpec]) -> list[WeightProblem]:
    """Every problem of ``check_weights`` except the responsible-AI minimum."""
    if not criteria:
        return [WeightProblem(EMPTY, MESSAGES[EMPTY], {})]
    problems = []
    for criterion in criteria:
        key = criterion.key
        if criterion.group not in GROUPS:
            params = {"key": key, "group": criterion.group}
            problems.append(WeightProblem(UNKNOWN_GROUP, MESSAGES[UNKNOWN_GROUP], params))
        if criterion.weight < 0:
            params = {"key": key, "weight": criterion.weight}
            problems.append(WeightProblem(NEGATIVE, MESSAGES[NEGATIVE], params))
        if not _is_scale(criterion.scale_max):
            params = {"key": key, "scale_max": criterion.scale_max}
            problems.append(WeightProblem(SCALE, MESSAGES[SCALE], params))
    total = sum((criterion.weight for criterion in criteria), Decimal(0))
    if total != TOTAL_WEIGHT:
        problems.append(WeightProblem(SUM, MESSAGES[SUM], {"total": total}))
    return problems


def _is_scale(scale_max: object) -> bool:
    # bool is an int, but True is no scale.
    return isinstance(scale_max, int) and not isinstance(scale_max, bool) and scale_max >= 1


def _require_valid(criteria: Sequence[CriterionSpec]) -> None:
    """Raise ``ValueError`` unless the criteria can be scored.

    Scoring needs unique keys and criteria without structural problems (known
    groups, non-negative weights adding up to 100, scales of at least 1), which
    is what keeps every total within 0..100. The responsible-AI minimum is
    policy, checked by :func:`check_weights`, and does not stop scoring.
    """
    keys = [criterion.key for criterion in criteria]
    duplicates = sorted({key for key in keys if keys.count(key) > 1})
    if duplicates:
        raise ValueError(f"Criterion keys must be unique; repeated: {', '.join(duplicates)}.")
    problems = _structural_problems(criteria)
    if problems:
        raise ValueError(
            "The criteria cannot be scored: "
            + " ".join(problem.message % problem.params for problem in problems)
        )


def _number(value: object, what: str) -> Fraction:
    """Return ``value`` (a finite ``Decimal`` or an ``int``) as an exact fraction."""
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise ValueError(f"{what} must be a Decimal or an int, not {type(value).__name__}.")
    if isinstance(value, Decimal) and not value.is_finite():
        raise ValueError(f"{what} must be a finite number, not {value}.")
    return Fraction(value)


def _decimal(value: Fraction) -> Decimal:
    return _CONTEXT.divide(Decimal(value.numerator), Decimal(value.denominator))


def price_scores(prices: Mapping[str, Decimal], scale_max: int) -> dict[str, Decimal]:
    """Score each bid's price by the ``lowest_price`` formula.

    ``prices`` maps every bid to its price (the formula needs them all);
    each bid scores ``scale_max * lowest price / price``, so the lowest price
    scores exactly ``scale_max`` and the others proportionally less. Returns
    ``{}`` without bids. A price that is missing, not a positive number, or a
    ``scale_max`` below 1 raises ``ValueError``.
    """
    if not _is_scale(scale_max):
        raise ValueError(
            f"The top of the scale must be a whole number of at least 1: {scale_max}."
        )
    exact = {}
    for bid, price in prices.items():
        if price is None:
            raise ValueError(f"Bid {bid}: the price is missing.")
        exact[bid] = _number(price, f"Bid {bid}: the price")
        if exact[bid] <= 0:
            raise ValueError(f"Bid {bid}: the price must be more than 0, not {price}.")
    if not exact:
        return {}
    lowest = min(exact.values())
    return {bid: _decimal(scale_max * lowest / price) for bid, price in exact.items()}


@dataclass(frozen=True)
class BidResult:
    """A bid's weighted result.

    ``by_criterion`` holds the points earned on each criterion
    (``weight * score / scale_max``), ``total`` their sum (0..100, full
    precision) and ``rank`` the competition rank: 1 is best, and tied bids share
    a rank, the next rank skipping as many places (1, 1, 3).
    """

    bid: str
    total: Decimal
    by_criterion: dict[str, Decimal]
    rank: int

    @property
    def total_display(self) -> str:
        """The total rounded half up to two decimals, e.g. ``"87.50"``."""
        return str(self.total.quantize(_CENT, rounding=ROUND_HALF_UP, context=_CONTEXT))


def _bid_points(
    criteria: Sequence[CriterionSpec], bid_scores: Mapping[str, Decimal], who: str
) -> dict[str, Fraction]:
    """Return the exact points per criterion of one set of scores; ``who`` names it."""
    known = {criterion.key for criterion in criteria}
    unknown = sorted(key for key in bid_scores if key not in known)
    if unknown:
        raise ValueError(f"{who}: scores for unknown criteria: {', '.join(unknown)}.")
    points = {}
    for criterion in criteria:
        if criterion.key not in bid_scores:
            raise ValueError(f"{who}: no score for criterion {criterion.key}.")
        score = _number(bid_scores[criterion.key], f"{who}, criterion {criterion.key}: the score")
        if not 0 <= score <= criterion.scale_max:
            raise ValueError(
                f"{who}, criterion {criterion.key}: the score {bid_scores[criterion.key]} is "
                f"outside 0 to {criterion.scale_max}."
            )
        points[criterion.key] = Fraction(criterion.weight) * score / criterion.scale_max
    return points


def _competition_ranks(totals: Mapping[str, Fraction]) -> dict[str, int]:
    """Rank 1 + the number of strictly better totals, so ties share a rank (1, 1, 3)."""
    ordered = sorted(totals.values(), reverse=True)
    first_place = {}
    for position, total in enumerate(ordered, start=1):
        first_place.setdefault(total, position)
    return {bid: first_place[total] for bid, total in totals.items()}


def _ranked(totals: Mapping[str, Fraction]) -> list[str]:
    """Bids best first; equal totals in bid key order, for a stable output."""
    return sorted(totals, key=lambda bid: (-totals[bid], bid))


def weighted_totals(
    criteria: Sequence[CriterionSpec], scores: Mapping[str, Mapping[str, Decimal]]
) -> list[BidResult]:
    """Return each bid's weighted result, best first (ties in bid key order).

    ``scores[bid][criterion_key]`` is the bid's score on every criterion, on
    the criterion's scale, formula-scored ones included (see
    :func:`price_scores`). Raises ``ValueError`` when the criteria cannot be
    scored (repeated keys, unknown group, negative weight, weights not adding up
    to 100, scale below 1), when a bid lacks a score (the message names the bid
    and the criterion), has a score for an unknown criterion, or has a score
    outside 0..scale_max or that is not a ``Decimal`` or ``int``.
    """
    _require_valid(criteria)
    points = {bid: _bid_points(criteria, scores[bid], f"Bid {bid}") for bid in scores}
    totals = {bid: sum(by_criterion.values(), Fraction(0)) for bid, by_criterion in points.items()}
    ranks = _competition_ranks(totals)
    return [
        BidResult(
            bid=bid,
            total=_decimal(totals[bid]),
            by_criterion={key: _decimal(value) for key, value in points[bid].items()},
            rank=ranks[bid],
        )
        for bid in _ranked(totals)
    ]


def shifted_weights(
    criteria: Sequence[CriterionSpec], criterion_key: str, delta: Decimal
) -> list[CriterionSpec]:
    """Return the criteria with ``criterion_key``'s weight moved by ``delta`` points.

    The new weight is rounded half up to 0.01 and clamped to 0..100; the
    opposite amount is taken from, or given to, the other criteria in proportion
    to their weights (equally when they all weigh 0). The other weights are
    rounded down to 0.01 and what rounding left over goes to the largest other
    criterion (the first one on a tie), so every weight keeps two decimals,
    none turns negative and they still add up to exactly 100. With no other
    criterion nothing can move. Criteria keep their order and everything but
    their weight.

    Preconditions (``ValueError`` otherwise): unique keys, ``criterion_key``
    among them, weights non-negative and adding up to exactly 100.
    """
    keys = [criterion.key for criterion in criteria]
    if len(set(keys)) != len(keys):
        raise ValueError("Criterion keys must be unique.")
    if criterion_key not in keys:
        raise ValueError(f"There is no criterion {criterion_key}.")
    weights = [
        _number(criterion.weight, f"Criterion {criterion.key}: the weight")
        for criterion in criteria
    ]
    if any(weight < 0 for weight in weights) or sum(weights) != TOTAL_WEIGHT:
        raise ValueError("The weights must be non-negative and add up to 100.")
    shift = _number(delta, "The shift")
    target = keys.index(criterion_key)
    others = [index for index in range(len(criteria)) if index != target]
    if not others:
        return list(criteria)

    # Work in whole cents (hundredths of a point) so every weight keeps two decimals.
    wanted = min(max(weights[target] + shift, Fraction(0)), Fraction(TOTAL_WEIGHT))
    target_cents = int((wanted * 100 + Fraction(1, 2)) // 1)
    left_cents = TOTAL_WEIGHT * 100 - target_cents
    others_weight = sum(weights[index] for index in others)
    if others_weight:
        shares = {index: weights[index] * left_cents / others_weight for index in others}
    else:
        shares = {index: Fraction(left_cents, len(others)) for index in others}
    # Rounding down leaves a residue of 0 or more, so adding it never makes a weight
    # negative; rounding to nearest could overshoot and leave the largest below 0.
    cents = {index: int(share // 1) for index, share in shares.items()}
    cents[target] = target_cents
    # max() returns the first of equal shares, in input order.
    largest = max(others, key=lambda index: shares[index])
    cents[largest] += TOTAL_WEIGHT * 100 - sum(cents.values())
    return [
        replace(criterion, weight=Decimal(cents[index]).scaleb(-2, context=_CONTEXT))
        for index, criterion in enumerate(criteria)
    ]


@dataclass(frozen=True)
class SensitivityCase:
    """The ranking after moving one criterion's weight.

    ``delta`` is the move actually made, after clamping to 0..100 (e.g. -3 for
    a criterion of weight 3 asked to lose 5). ``winner`` is the first of the
    ranking; ``winner_changes`` is true when the bids ranked 1 are not the same
    as in the baseline (so a new tie for first counts as a change);
    ``rank_changes`` lists, in baseline order, the bids whose rank differs.
    """

    criterion: str
    delta: Decimal
    ranking: tuple[str, ...]
    winner: str
    winner_changes: bool
    rank_changes: tuple[str, ...]


@dataclass(frozen=True)
class Sensitivity:
    """The baseline ranking and the cases of :func:`sensitivity`."""

    baseline: tuple[str, ...]
    cases: tuple[SensitivityCase, ...]

    @property
    def robust(self) -> bool:
        """True when no case changes the winner."""
        return not any(case.winner_changes for case in self.cases)


def sensitivity(
    criteria: Sequence[CriterionSpec],
    scores: Mapping[str, Mapping[str, Decimal]],
    *,
    delta: Decimal = Decimal(5),
) -> Sensitivity:
    """Rank the bids again with each criterion's weight moved up, then down, by ``delta``.

    Each move goes through :func:`shifted_weights`, so the other criteria give
    or take the difference in proportion and weights still add up to 100. A
    move that clamping reduces to nothing (a criterion of weight 0 moved down,
    or the only criterion) is left out, as it tests nothing. Cases come in
    criterion order, the upward move first. Without bids there is no baseline
    and no case.

    Raises ``ValueError`` as :func:`weighted_totals` does, and when ``delta``
    is not more than 0.
    """
    if _number(delta, "The shift") <= 0:
        raise ValueError(f"The shift must be more than 0, not {delta}.")
    base = weighted_totals(criteria, scores)
    if not base:
        return Sensitivity(baseline=(), cases=())
    base_ranks = {result.bid: result.rank for result in base}
    base_first = {result.bid for result in base if result.rank == 1}
    cases = []
    for criterion in criteria:
        for move in (delta, -delta):
            shifted = shifted_weights(criteria, criterion.key, move)
            applied = next(spec.weight for spec in shifted if spec.key == criterion.key)
            if applied == criterion.weight:
                continue
            results = weighted_totals(shifted, scores)
            ranks = {result.bid: result.rank for result in results}
            first = {result.bid for result in results if result.rank == 1}
            cases.append(
                SensitivityCase(
                    criterion=criterion.key,
                    delta=applied - criterion.weight,
                    ranking=tuple(result.bid for result in results),
                    winner=results[0].bid,
                    winner_changes=first != base_first,
                    rank_changes=tuple(
                        result.bid
                        for result in base
                        if ranks[result.bid] != base_ranks[result.bid]
                    ),
                )
            )
    return Sensitivity(baseline=tuple(result.bid for result in base), cases=tuple(cases))


def moderation_spread(individual: Sequence[Decimal]) -> Decimal:
    """Return how far the evaluators' individual scores lie apart (max - min); 0 for < 2."""
    values = [_checked(value) for value in individual]
    if len(values) < 2:
        return Decimal(0)
    return max(values) - min(values)


def needs_reason(individual: Sequence[Decimal], agreed: Decimal) -> bool:
    """Return whether moderating to ``agreed`` must be justified in writing.

    An agreed score needs a written reason when it is not backed by what the
    evaluators scored on their own: when it lies outside the range of their
    individual scores (below the lowest or above the highest), or when it is
    more than 1 point away from their median. Exactly on the range's edge or
    exactly 1 point from the median needs no reason. Without individual
    scores nothing backs the agreed score, so it always needs a reason.
    """
    values = [_checked(value) for value in individual]
    agreed = _checked(agreed)
    if not values:
        return True
    if not min(values) <= agreed <= max(values):
        return True
    return abs(agreed - statistics.median(values)) > 1


def mean(values: Iterable[Decimal]) -> Decimal:
    """Return the exact mean of ``Decimal`` or ``int`` values, as a ``Decimal``.

    No values raise ``ValueError``.
    """
    exact = [_number(value, "A value") for value in values]
    if not exact:
        raise ValueError("The mean of no values is undefined.")
    return _decimal(sum(exact, Fraction(0)) / len(exact))


def _checked(value: Decimal) -> Decimal:
    """Return ``value`` as a ``Decimal`` after checking it is a finite number."""
    _number(value, "A score")
    return Decimal(value)


def panel_totals(
    criteria: Sequence[CriterionSpec],
    scores_by_member: Mapping[str, Mapping[str, Mapping[str, Decimal]]],
    members: Iterable[str],
    *,
    fixed: Mapping[str, Mapping[str, Decimal]] | None = None,
) -> dict[str, Decimal]:
    """Return, per bid, the mean over ``members`` of each member's weighted total.

    This is the community panel's part of an evaluation: each member scores
    the bids on their own (``scores_by_member[member][bid][criterion]``), each
    member's scores are weighted as :func:`weighted_totals` does, and the
    members' totals are averaged exactly. Formula-scored (``lowest_price``)
    criteria are taken from ``fixed[bid][criterion]`` when ``fixed`` is given,
    overriding anything a member entered, so members only score by judgement.

    Only the given ``members`` count (each once), and each must have scored
    every bid that any of them scored; the result is keyed by bid, in bid key
    order, and is ``{}`` without members. Raises ``ValueError`` as
    :func:`weighted_totals` does (the message names the member and the bid),
    when a member has no scores, misses a bid, or ``fixed`` names a criterion
    that is not formula-scored.
    """
    _require_valid(criteria)
    formula = {criterion.key for criterion in criteria if criterion.method == LOWEST_PRICE}
    fixed = fixed or {}
    for bid, overrides in fixed.items():
        wrong = sorted(key for key in overrides if key not in formula)
        if wrong:
            raise ValueError(
                f"Bid {bid}: fixed scores are only for formula-scored criteria, not "
                f"{', '.join(wrong)}."
            )
    chosen = list(dict.fromkeys(members))
    for member in chosen:
        if member not in scores_by_member:
            raise ValueError(f"Member {member} has no scores.")
    bids = sorted({bid for member in chosen for bid in scores_by_member[member]})
    sums = dict.fromkeys(bids, Fraction(0))
    for member in chosen:
        for bid in bids:
            if bid not in scores_by_member[member]:
                raise ValueError(f"Member {member} has not scored bid {bid}.")
            bid_scores = {**scores_by_member[member][bid], **fixed.get(bid, {})}
            points = _bid_points(criteria, bid_scores, f"Member {member}, bid {bid}")
            sums[bid] += sum(points.values(), Fraction(0))
    return {bid: _decimal(total / len(chosen)) for bid, total in sums.items()}
