"""The arithmetic of prioritisation, free of Django: checking a ballot,
the counter changes when a ballot is cast or replaced, and the results.

Two methods (``models.PrioritisationMethod``):

* **dots**: spread at most ``budget`` points over the items, in whole
  numbers, at least one point in all. Points left unspent are allowed:
  holding back is a choice people make ("nothing else matters to me").
* **ranking**: put *every* item in order, positions 1 to n each used once.
  A full order, not a top N: Borda scores add up fairly only when every
  ballot ranks the same n items, and the services freeze the items once the
  first ballot is in, so n does not move under the ballots.

Borda score: an item ranked r of n gets ``n - r + 1`` (first gets n, last 1),
so an item's ``rank_score`` is the sum over the ballots, and its mean position
is ``n + 1 - rank_score / ballot_count``.

Messages are English, marked with ``gettext_noop`` for the web layer to
translate, with ``%(name)s`` placeholders filled from ``params``.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from participai.core.marks import gettext_noop

DOTS = "dots"
RANKING = "ranking"
METHODS: tuple[str, ...] = (DOTS, RANKING)

# How far a title may change once ballots are in: a typo fix (a few letters),
# never a new meaning under votes already cast.
TYPO_FIX_MAX_EDITS = 3


# --------------------------------------------------------------------------- checking ballots


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a ballot: ``item`` is the item it is about, or
    ``None`` when it is about the ballot as a whole."""

    message: str
    params: dict[str, Any] = field(default_factory=dict)
    item: int | None = None
    code: str = "invalid"


class BallotError(ValueError):
    """A ballot that cannot be counted, with every problem found in it."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(p.message % p.params for p in problems))
        self.problems = problems


def _whole_number(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _unknown(allocation: Mapping[int, object], item_ids: Collection[int]) -> list[Problem]:
    return [
        Problem(gettext_noop("This item is not on the ballot."), item=key, code="unknown_item")
        for key in allocation
        if key not in item_ids
    ]


def clean_dots(
    allocation: Mapping[int, object], item_ids: Collection[int], budget: int
) -> dict[int, int]:
    """The dots of a ballot, item id → points, keeping only items that got
    some. ``allocation`` may leave items out (no points) or give them
    ``None`` or 0. Raises :class:`BallotError` for an item not on the ballot,
    a value that is not a whole number ≥ 0, more points than ``budget``, or
    no point at all."""
    problems = _unknown(allocation, item_ids)
    points: dict[int, int] = {}
    for item, value in allocation.items():
        if item not in item_ids or value is None:
            continue
        if not _whole_number(value):
            problems.append(
                Problem(gettext_noop("Give a whole number of points."), item=item, code="invalid")
            )
        elif value < 0:
            problems.append(
                Problem(gettext_noop("Points cannot be negative."), item=item, code="negative")
            )
        elif value > 0:
            points[item] = value
    if problems:
        raise BallotError(problems)
    total = sum(points.values())
    if total > budget:
        raise BallotError(
            [
                Problem(
                    gettext_noop(
                        "You gave %(total)d points but have %(budget)d; take %(over)d away."
                    ),
                    {"total": total, "budget": budget, "over": total - budget},
                    code="over_budget",
                )
            ]
        )
    if total == 0:
        raise BallotError(
            [Problem(gettext_noop("Give at least one point to an item."), code="empty")]
        )
    return points


def clean_ranking(allocation: Mapping[int, object], item_ids: Collection[int]) -> dict[int, int]:
    """The ranking of a ballot, item id → position (1 is first). Every item
    of ``item_ids`` must have a position from 1 to n, each position used
    once. Raises :class:`BallotError` naming each item at fault."""
    n = len(item_ids)
    problems = _unknown(allocation, item_ids)
    ranks: dict[int, int] = {}
    for item in item_ids:
        value = allocation.get(item)
        if value is None:
            problems.append(
                Problem(gettext_noop("Give this item a position."), item=item, code="missing")
            )
        elif not _whole_number(value) or not 1 <= value <= n:
            problems.append(
                Problem(
                    gettext_noop("Choose a position from 1 to %(n)d."),
                    {"n": n},
                    item=item,
                    code="invalid",
                )
            )
        else:
            ranks[item] = value
    holders: dict[int, list[int]] = {}
    for item, rank in ranks.items():
        holders.setdefault(rank, []).append(item)
    for rank, items in sorted(holders.items()):
        if len(items) > 1:
            problems.extend(
                Problem(
                    gettext_noop(
                        "%(count)d items have position %(rank)d; give each item its own."
                    ),
                    {"count": len(items), "rank": rank},
                    item=item,
                    code="duplicate",
                )
                for item in items
            )
    if problems:
        raise BallotError(problems)
    return ranks


def ranks_from_order(order: Sequence[int]) -> dict[int, int]:
    """An ordered list of item ids, first first, as item id → position.
    Raises :class:`BallotError` when an item appears twice."""
    ranks: dict[int, int] = {}
    problems = []
    for position, item in enumerate(order, start=1):
        if item in ranks:
            problems.append(
                Problem(
                    gettext_noop("This item is in the order twice."), item=item, code="duplicate"
                )
            )
        else:
            ranks[item] = position
    if problems:
        raise BallotError(problems)
    return ranks


def clean_ballot(
    method: str, allocation: Mapping[int, object], item_ids: Collection[int], budget: int | None
) -> dict[int, int]:
    """A ballot of ``method`` checked against the module's items (and, for
    dots, its budget): item id → points or position."""
    if not item_ids:
        raise BallotError(
            [Problem(gettext_noop("There is nothing to prioritise here yet."), code="no_items")]
        )
    if method == DOTS:
        if budget is None:
            raise ValueError("a dot vote needs a budget")
        return clean_dots(allocation, item_ids, budget)
    if method == RANKING:
        return clean_ranking(allocation, item_ids)
    raise ValueError(f"unknown prioritisation method {method!r}")


# --------------------------------------------------------------------------- counters


def borda(rank: int, n: int) -> int:
    """The Borda score of position ``rank`` among ``n`` items (first gets n)."""
    if not 1 <= rank <= n:
        raise ValueError(f"position {rank} is not among {n} items")
    return n - rank + 1


@dataclass(frozen=True)
class Delta:
    """How much an item's kept counters move."""

    points: int = 0
    rank_score: int = 0
    ballot_count: int = 0


def counter_deltas(
    method: str, old: Mapping[int, int] | None, new: Mapping[int, int] | None, n_items: int
) -> dict[int, Delta]:
    """The change to each item's counters when a ballot goes from ``old`` to
    ``new`` (either may be ``None``: a first ballot, a withdrawn one). Both
    map item id → points (dots) or position (ranking). Items whose counters
    do not move are left out."""
    old = old or {}
    new = new or {}
    deltas: dict[int, Delta] = {}
    for item in sorted(set(old) | set(new)):
        count = int(item in new) - int(item in old)
        if method == DOTS:
            delta = Delta(points=new.get(item, 0) - old.get(item, 0), ballot_count=count)
        elif method == RANKING:
            before = borda(old[item], n_items) if item in old else 0
            after = borda(new[item], n_items) if item in new else 0
            delta = Delta(rank_score=after - before, ballot_count=count)
        else:
            raise ValueError(f"unknown prioritisation method {method!r}")
        if delta != Delta():
            deltas[item] = delta
    return deltas


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class ItemTotals:
    """An item's kept counters, as the results read them."""

    item: int
    points: int = 0
    rank_score: int = 0
    ballot_count: int = 0


@dataclass(frozen=True)
class ResultRow:
    """One item in the results. ``place`` is shared by ties (1, 2, 2, 4).
    Dots: ``points``, ``share`` of all points (0 to 1) and ``percent``, whole
    percentages that add up to 100. Ranking: ``rank_score`` (Borda) and
    ``mean_rank``, the average position (``None`` before any ballot)."""

    item: int
    place: int
    points: int
    share: float
    percent: int
    rank_score: int
    mean_rank: float | None
    ballot_count: int


def percentages(values: Sequence[int]) -> list[int]:
    """Whole percentages of ``values`` that add up to exactly 100 (largest
    remainders get the spare points; earlier values win ties), or all 0
    when the values add up to 0."""
    total = sum(values)
    if total <= 0:
        return [0 for _ in values]
    exact = [value * 100 / total for value in values]
    shares = [int(x) for x in exact]
    spare = 100 - sum(shares)
    by_remainder = sorted(range(len(values)), key=lambda i: (-(exact[i] - shares[i]), i))
    for i in by_remainder[:spare]:
        shares[i] += 1
    return shares


def _places(scores: Sequence[float]) -> list[int]:
    """Competition places of scores already sorted best first (1, 2, 2, 4)."""
    places: list[int] = []
    for index, score in enumerate(scores):
        if index and score == scores[index - 1]:
            places.append(places[-1])
        else:
            places.append(index + 1)
    return places


def results(method: str, totals: Sequence[ItemTotals]) -> list[ResultRow]:
    """The items best first: by points (dots) or Borda score (ranking); ties
    keep the order ``totals`` come in (the items' own order)."""
    n = len(totals)
    if method == DOTS:
        ordered = sorted(totals, key=lambda t: -t.points)
        scores = [t.points for t in ordered]
    elif method == RANKING:
        ordered = sorted(totals, key=lambda t: -t.rank_score)
        scores = [t.rank_score for t in ordered]
    else:
        raise ValueError(f"unknown prioritisation method {method!r}")
    all_points = sum(t.points for t in ordered)
    percents = percentages([t.points for t in ordered]) if method == DOTS else [0] * n
    return [
        ResultRow(
            item=t.item,
            place=place,
            points=t.points,
            share=(t.points / all_points) if method == DOTS and all_points else 0.0,
            percent=percent,
            rank_score=t.rank_score,
            mean_rank=(
                round(n + 1 - t.rank_score / t.ballot_count, 2)
                if method == RANKING and t.ballot_count
                else None
            ),
            ballot_count=t.ballot_count,
        )
        for t, place, percent in zip(ordered, _places(scores), percents, strict=True)
    ]


# --------------------------------------------------------------------------- editing items


def edit_distance(a: str, b: str) -> int:
    """The Levenshtein distance between ``a`` and ``b`` (insertions,
    deletions and substitutions of one character each)."""
    if len(a) < len(b):
        a, b = b, a
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, start=1):
        current = [i]
        for j, char_b in enumerate(b, start=1):
            current.append(
                min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char_a != char_b))
            )
        previous = current
    return previous[-1]


def is_typo_fix(old: str, new: str) -> bool:
    """Is changing ``old`` into ``new`` a typo fix: at most
    :data:`TYPO_FIX_MAX_EDITS` characters edited?"""
    return edit_distance(old, new) <= TYPO_FIX_MAX_EDITS
