"""What the pages read of a conversation's analysis, as plain JSON (pure: no
Django import).

``deliberation.analysis.analyse`` gives arrays and dataclasses; the
background task stores :func:`summarise`'s dict in ``OpinionGroups.summary``
so that a page view reads one row and quotes a few statements, whatever the
number of votes. Shares shown to people are raw shares of those who saw the
statement (what "62 % agreed" means to a reader); the statistics that chose
the statements use Pol.is's smoothed shares.

Format (version 1)::

    {"version": 1, "participants": int, "clustered": int,
     "groups": [{"size", "x", "y", "representative": [
         {"statement", "direction", "share", "others_share", "seen", "significant"}]}],
     # others_share: among the other groups of at least min_group (None if none)
     "map": [[x, y, people, group], ...],            # one row per base cluster
     "consensus": {"agree": [{"statement", "direction", "share", "seen"}], "disagree": [...]},
     "group_consensus": [{"statement", "score"}],     # every group leans to agree
     "divisive": [{"statement", "spread", "agree_by_group": [share or None]}],
     "priorities": {"<statement id>": float}}
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from participai.deliberation.analysis import ConversationAnalysis
from participai.deliberation.statements import (
    count_votes,
    group_differences,
    group_informed_consensus,
    smoothed_probability,
)

VERSION = 1
GROUP_CONSENSUS_MAX = 5
_DECIMALS = 4


def summarise(
    analysis: ConversationAnalysis, *, visible: Iterable[int], min_group: int
) -> dict[str, Any]:
    """The JSON summary of ``analysis``. ``visible`` are the statements that
    may be quoted now (group consensus is chosen among them; the other lists
    already leave moderated-out statements out). Groups of fewer than
    ``min_group`` people are counted but never compared with: "the other
    groups", agreement across groups and where groups differ are worked out
    over the groups of at least ``min_group``, so a small group's votes do
    not show through them."""
    matrix, groups = analysis.matrix, analysis.groups
    statement_ids = [int(pk) for pk in matrix.statement_ids.tolist()]
    column = {pk: index for index, pk in enumerate(statement_ids)}
    visible_columns = [column[pk] for pk in visible if pk in column]
    summary: dict[str, Any] = {
        "version": VERSION,
        "participants": matrix.n_participants,
        "clustered": int(groups.in_conversation.sum()),
        "groups": [],
        "map": [],
        "consensus": _consensus(analysis),
        "group_consensus": [],
        "divisive": [],
        "priorities": {
            str(pk): _round(value)
            for pk, value in zip(statement_ids, analysis.priorities, strict=True)
        },
    }
    if groups.k == 0:
        return summary
    counts = count_votes(matrix, groups.group_labels)
    sizes = np.bincount(groups.group_labels[groups.group_labels >= 0], minlength=groups.k)
    # Only groups large enough to be described are ever compared with: "the
    # other groups" leaving a small one out, so that its votes cannot be
    # read off a larger group's comparison.
    described = sizes >= min_group
    for group in range(groups.k):
        representative = []
        others = described.copy()
        others[group] = False
        for item in analysis.representative.get(group, []):
            c = column[int(item.statement_id)]
            voted = counts.agree if item.direction == "agree" else counts.disagree
            seen_in = int(counts.seen[group, c])
            seen_out = int(counts.seen[others, c].sum())
            said_out = int(voted[others, c].sum())
            representative.append(
                {
                    "statement": int(item.statement_id),
                    "direction": item.direction,
                    "share": _share(int(voted[group, c]), seen_in),
                    "others_share": _share(said_out, seen_out) if seen_out else None,
                    "seen": seen_in,
                    "significant": bool(item.significant),
                }
            )
        x, y = (float(v) for v in groups.group_centres[group][:2])
        summary["groups"].append(
            {
                "size": int(sizes[group]),
                "x": _round(x),
                "y": _round(y),
                "representative": representative,
            }
        )
    summary["map"] = _map(analysis)
    # The statistics across groups are asked again of the described groups
    # alone, numbered 0..d-1 (everyone else left out, as Pol.is leaves out
    # the unclustered).
    renumbered = np.cumsum(described) - 1
    labels = groups.group_labels
    among_described = np.where(
        (labels >= 0) & described[np.maximum(labels, 0)], renumbered[np.maximum(labels, 0)], -1
    )
    summary["group_consensus"] = _group_consensus(analysis, among_described, visible_columns)
    summary["divisive"] = _divisive(analysis, among_described, counts, column, described)
    return summary


def _consensus(analysis: ConversationAnalysis) -> dict[str, list[dict[str, Any]]]:
    return {
        direction: [
            {
                "statement": int(item.statement_id),
                "direction": direction,
                "share": _share(item.n_success, item.n_trials),
                "seen": int(item.n_trials),
            }
            for item in analysis.consensus.get(direction, [])
        ]
        for direction in ("agree", "disagree")
    }


def _group_consensus(
    analysis: ConversationAnalysis, labels: np.ndarray, visible_columns: list[int]
) -> list[dict[str, Any]]:
    """The visible statements every described group leans to agree with
    (smoothed agree share above one half in each), by group-informed
    consensus over those groups (``labels``), highest first. Fewer than two
    described groups: none (a small group's lean would show through)."""
    if not visible_columns or labels.max(initial=-1) < 1:
        return []
    matrix = analysis.matrix
    counts = count_votes(matrix, labels)
    leaning = (smoothed_probability(counts.agree, counts.seen) > 0.5).all(axis=0)
    scores = group_informed_consensus(matrix, labels)
    columns = np.asarray(sorted(visible_columns))
    chosen = columns[leaning[columns]]
    order = chosen[np.argsort(-scores[chosen], kind="stable")][:GROUP_CONSENSUS_MAX]
    ids = matrix.statement_ids
    return [{"statement": int(ids[c]), "score": _round(scores[c])} for c in order]


def _divisive(
    analysis: ConversationAnalysis,
    labels: np.ndarray,
    counts: Any,
    column: dict[int, int],
    described: np.ndarray,
) -> list[dict[str, Any]]:
    """Where the described groups (``labels``) differ most
    (``group_differences``), with each group's raw agree share to show:
    ``None`` for a group that did not see the statement or is too small.
    Statements no described groups differ on are left out."""
    return [
        {
            "statement": int(item.statement_id),
            "spread": _round(item.spread),
            "agree_by_group": [
                _share(int(counts.agree[g, c]), int(counts.seen[g, c]))
                if described[g] and counts.seen[g, c]
                else None
                for g in range(len(described))
            ],
        }
        for item in group_differences(
            analysis.matrix, labels, moderated_out=analysis.moderated_out
        )
        if item.spread > 0
        for c in (column[int(item.statement_id)],)
    ]


def _map(analysis: ConversationAnalysis) -> list[list[float | int]]:
    """One row per base cluster: its centre, how many people, their group."""
    groups = analysis.groups
    rows = np.flatnonzero(groups.in_conversation)
    bases = groups.base_labels[rows]
    people = np.bincount(bases, minlength=len(groups.base_centres))
    group_of_base = np.full(len(groups.base_centres), -1, dtype=np.int64)
    group_of_base[bases] = groups.group_labels[rows]
    return [
        [_round(float(x)), _round(float(y)), int(n), int(g)]
        for (x, y), n, g in zip(groups.base_centres[:, :2], people, group_of_base, strict=True)
        if n > 0
    ]


def _share(successes: int, trials: int) -> float:
    return _round(successes / trials) if trials else 0.0


def _round(value: float) -> float:
    return round(float(value), _DECIMALS)
