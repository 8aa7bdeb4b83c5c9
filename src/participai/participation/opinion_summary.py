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
from participai.deliberation.statements import count_votes

VERSION = 1
GROUP_CONSENSUS_MAX = 5
_DECIMALS = 4


def summarise(analysis: ConversationAnalysis, *, visible: Iterable[int]) -> dict[str, Any]:
    """The JSON summary of ``analysis``. ``visible`` are the statements that
    may be quoted now (group consensus is chosen among them; the other lists
    already leave moderated-out statements out)."""
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
    everyone = counts.total()
    for group in range(groups.k):
        representative = []
        for item in analysis.representative.get(group, []):
            c = column[int(item.statement_id)]
            voted = counts.agree if item.direction == "agree" else counts.disagree
            voted_all = everyone.agree if item.direction == "agree" else everyone.disagree
            seen_in = int(counts.seen[group, c])
            seen_out = int(everyone.seen[0, c]) - seen_in
            said_out = int(voted_all[0, c]) - int(voted[group, c])
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
                "size": int((groups.group_labels == group).sum()),
                "x": _round(x),
                "y": _round(y),
                "representative": representative,
            }
        )
    summary["map"] = _map(analysis)
    summary["group_consensus"] = _group_consensus(analysis, counts, visible_columns)
    summary["divisive"] = [
        {
            "statement": int(item.statement_id),
            "spread": _round(item.spread),
            "agree_by_group": [
                _share(int(counts.agree[g, column[int(item.statement_id)]]), seen)
                if (seen := int(counts.seen[g, column[int(item.statement_id)]]))
                else None
                for g in range(groups.k)
            ],
        }
        for item in analysis.differences
    ]
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
    analysis: ConversationAnalysis, counts: Any, visible_columns: list[int]
) -> list[dict[str, Any]]:
    """The statements every group leans to agree with (smoothed agree share
    above one half in each), by group-informed consensus, highest first."""
    if not visible_columns:
        return []
    columns = np.asarray(sorted(visible_columns))
    smoothed = (counts.agree[:, columns] + 1) / (counts.seen[:, columns] + 2)
    every_group = (smoothed > 0.5).all(axis=0)
    chosen = columns[every_group]
    scores = analysis.group_informed_consensus[chosen]
    order = chosen[np.argsort(-scores, kind="stable")][:GROUP_CONSENSUS_MAX]
    ids = analysis.matrix.statement_ids
    return [
        {"statement": int(ids[c]), "score": _round(analysis.group_informed_consensus[c])}
        for c in order
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
