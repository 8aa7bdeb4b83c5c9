"""Reads of prioritisation modules: the items, one participant's ballot,
the results from the kept counters, and a recount from the ballots (to check
the counters, never to show a page).

Each read is one query, whatever the number of items or ballots.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Q, Sum

from participai.accounts.models import Participant

from .. import prioritising
from ..models import Channel, Module, PriorityAllocation, PriorityBallot, PriorityItem
from ..services.prioritisation import method_of


def items_of(module: Module) -> list[PriorityItem]:
    """The module's items in their order."""
    return list(PriorityItem.objects.filter(module=module).order_by("position", "pk"))


def ballot_of(module: Module, participant: Participant | None) -> dict[int, int] | None:
    """``participant``'s ballot in ``module`` as item id → points (dots) or
    position (ranking); ``None`` when they have not voted (no query without
    a participant). A cast ballot always holds at least one allocation."""
    if participant is None:
        return None
    value = "points" if method_of(module) == prioritising.DOTS else "rank"
    rows = PriorityAllocation.objects.filter(
        ballot__module=module, ballot__participant=participant
    ).values_list("item_id", value)
    return dict(rows) or None


@dataclass(frozen=True)
class ResultEntry:
    """An item with its place in the results."""

    item: PriorityItem
    row: prioritising.ResultRow


def results_of(module: Module, items: list[PriorityItem]) -> list[ResultEntry]:
    """The results of ``module`` from its items' kept counters (``items`` as
    :func:`items_of` gives them: no query here), best first."""
    by_id = {item.pk: item for item in items}
    rows = prioritising.results(
        method_of(module),
        [
            prioritising.ItemTotals(
                item=item.pk,
                points=item.points,
                rank_score=item.rank_score,
                ballot_count=item.ballot_count,
            )
            for item in items
        ],
    )
    return [ResultEntry(item=by_id[row.item], row=row) for row in rows]


def results_public(state: str, ballot: dict[int, int] | None) -> bool:
    """May the results be shown to the public? Once the module has closed
    (``state``), or once the visitor has cast a ballot (so nobody's ballot is
    a reaction to a tally they saw first). Staff pages show them always."""
    return state == "closed" or ballot is not None


def ballots_by_channel(module: Module) -> dict[str, int]:
    """How many ballots came in each way (online, on paper…), every channel
    listed, zeros included."""
    counts = PriorityBallot.objects.filter(module=module).aggregate(
        **{value: Count("pk", filter=Q(channel=value)) for value in Channel.values}
    )
    return {value: counts[value] or 0 for value in Channel.values}


def recount(module: Module) -> dict[int, prioritising.ItemTotals]:
    """Each item's totals counted again from the ballots' allocations, for
    checking the kept counters (tests, audits); pages read the counters."""
    rows = list(
        PriorityItem.objects.filter(module=module)
        .annotate(
            total_points=Sum("allocations__points"),
            rank_sum=Sum("allocations__rank"),
            ranked=Count("allocations__rank"),
            ballots=Count("allocations"),
        )
        .values_list("pk", "total_points", "rank_sum", "ranked", "ballots")
    )
    n = len(rows)
    return {
        pk: prioritising.ItemTotals(
            item=pk,
            points=points or 0,
            # The sum of (n - r + 1) over the ballots that ranked it.
            rank_score=ranked * (n + 1) - (rank_sum or 0),
            ballot_count=ballots,
        )
        for pk, points, rank_sum, ranked, ballots in rows
    }


def module_state(module: Module, now: datetime) -> str:
    """``upcoming``, ``open`` or ``closed`` (``module.process`` loaded)."""
    return module.window(module.process).state(now)
