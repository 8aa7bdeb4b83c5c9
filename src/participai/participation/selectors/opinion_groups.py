"""Reads of a statements module's opinion groups, for its public page and
the participation report: the last result the background task saved, with
the statements' texts. Two queries: the result, then the statements it names
(only those still visible: a statement hidden since is not quoted).

A group of fewer than ``MIN_GROUP`` people is counted and drawn but not
described: what it stands for, and its shares where groups differ, would be
the votes of one or two identifiable voters. One group alone is no division:
the page then says there are too few to form groups."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ..models import Contribution, ContributionStatus, Module, OpinionGroups
from ..opinion_map import MapCircle, MapGroup, group_letter
from ..representativeness import MIN_GROUP


@dataclass(frozen=True)
class StatementShare:
    """A statement with how a group (or everyone) voted on it."""

    statement: Contribution
    direction: str
    """``agree`` or ``disagree``: the way the group leans."""
    share: float
    """Share of those who saw it in the group who voted that way (0–1)."""
    others_share: float | None = None
    """The same share in the other groups large enough to be described;
    ``None`` for consensus, or when there is no such group."""
    seen: int = 0


@dataclass(frozen=True)
class GroupView:
    letter: str
    size: int
    share: float
    """Of the participants in groups."""
    representative: list[StatementShare]

    @property
    def described(self) -> bool:
        return self.size >= MIN_GROUP


@dataclass(frozen=True)
class GroupShare:
    letter: str
    share: float | None
    """``None``: nobody in the group saw the statement, or the group is too
    small to describe (``described`` false)."""
    described: bool = True


@dataclass(frozen=True)
class Divide:
    """A statement the groups vote differently on: each group's agree share."""

    statement: Contribution
    by_group: list[GroupShare]
    spread: float


@dataclass(frozen=True)
class OpinionView:
    computed_at: datetime | None
    pending: bool
    """An update is waiting in the queue (votes arrived since)."""
    votes_counted: int
    participants: int
    clustered: int
    groups: list[GroupView]
    consensus: list[StatementShare]
    group_consensus: list[tuple[Contribution, float]]
    divides: list[Divide]
    circles: list[MapCircle] = field(default_factory=list)
    centres: list[MapGroup] = field(default_factory=list)

    @property
    def has_groups(self) -> bool:
        """Two groups or more: one group alone is no division."""
        return len(self.groups) >= 2


def opinion_groups_of(module: Module) -> OpinionView | None:
    """The last opinion groups of ``module``, or ``None`` before the first
    computation. Statements hidden or removed since are left out."""
    row = OpinionGroups.objects.filter(module=module).first()
    if row is None or row.computed_at is None:
        return None
    summary: dict[str, Any] = row.summary or {}
    wanted = _statement_ids(summary)
    statements = {
        c.pk: c
        for c in Contribution.objects.filter(
            module=module, pk__in=wanted, status=ContributionStatus.VISIBLE
        )
    }
    clustered = int(summary.get("clustered", 0))
    groups = [
        GroupView(
            letter=group_letter(index),
            size=int(group["size"]),
            share=(int(group["size"]) / clustered) if clustered else 0.0,
            representative=(
                _shares(group.get("representative", []), statements)
                if int(group["size"]) >= MIN_GROUP
                else []
            ),
        )
        for index, group in enumerate(summary.get("groups", []))
    ]
    consensus = summary.get("consensus", {})
    return OpinionView(
        computed_at=row.computed_at,
        pending=row.requested_at is not None,
        votes_counted=row.votes_counted,
        participants=int(summary.get("participants", 0)),
        clustered=clustered,
        groups=groups,
        consensus=_shares(consensus.get("agree", []) + consensus.get("disagree", []), statements),
        group_consensus=[
            (statements[item["statement"]], float(item["score"]))
            for item in summary.get("group_consensus", [])
            if item["statement"] in statements
        ],
        divides=[
            Divide(
                statement=statements[item["statement"]],
                by_group=[
                    GroupShare(
                        group_letter(n),
                        None if x is None or not groups[n].described else float(x),
                        described=groups[n].described,
                    )
                    for n, x in enumerate(item["agree_by_group"])
                ],
                spread=float(item["spread"]),
            )
            for item in summary.get("divisive", [])
            if item["statement"] in statements
        ],
        circles=[
            MapCircle(x=float(x), y=float(y), people=int(n), group=int(g))
            for x, y, n, g in summary.get("map", [])
        ],
        centres=[
            MapGroup(x=float(group["x"]), y=float(group["y"]), people=int(group["size"]))
            for group in summary.get("groups", [])
        ],
    )


def statement_priorities(module: Module) -> dict[int, float]:
    """The order the last computation gives statements (higher first), by
    statement id; empty before the first computation (one query)."""
    summary = (
        OpinionGroups.objects.filter(module=module, computed_at__isnull=False)
        .values_list("summary", flat=True)
        .first()
    )
    if not summary:
        return {}
    return {int(pk): float(p) for pk, p in summary.get("priorities", {}).items()}


def _statement_ids(summary: dict[str, Any]) -> set[int]:
    ids: set[int] = set()
    for group in summary.get("groups", []):
        ids.update(item["statement"] for item in group.get("representative", []))
    consensus = summary.get("consensus", {})
    for key in ("agree", "disagree"):
        ids.update(item["statement"] for item in consensus.get(key, []))
    for key in ("group_consensus", "divisive"):
        ids.update(item["statement"] for item in summary.get(key, []))
    return ids


def _shares(
    items: list[dict[str, Any]], statements: dict[int, Contribution]
) -> list[StatementShare]:
    return [
        StatementShare(
            statement=statements[item["statement"]],
            direction=item["direction"],
            share=float(item["share"]),
            others_share=None if item.get("others_share") is None else float(item["others_share"]),
            seen=int(item.get("seen", 0)),
        )
        for item in items
        if item["statement"] in statements
    ]
