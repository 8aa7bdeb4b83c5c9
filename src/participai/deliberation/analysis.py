"""One call for everything a conversation report needs.

The platform's background task and the ``participai deliberation`` command
both call :func:`analyse`, so they show the same groups and statements.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from participai.deliberation.groups import GroupResult, GroupState, compute_groups
from participai.deliberation.statements import (
    ConsensusStatement,
    Direction,
    GroupDifference,
    RepresentativeStatement,
    consensus_statements,
    group_differences,
    group_informed_consensus,
    representative_statements,
    statement_priorities,
)
from participai.deliberation.votes import VoteMatrix


@dataclass(frozen=True, eq=False)
class ConversationAnalysis:
    """Groups and statement statistics of one update of a conversation.

    Arrays indexed by statement follow ``matrix.statement_ids``.
    """

    matrix: VoteMatrix
    groups: GroupResult
    representative: dict[int, list[RepresentativeStatement]]
    consensus: dict[Direction, list[ConsensusStatement]]
    group_informed_consensus: np.ndarray
    differences: list[GroupDifference]
    priorities: np.ndarray
    moderated_out: frozenset[Any]

    @property
    def state(self) -> GroupState:
        """What to pass as ``previous`` to the next update."""
        return self.groups.state


def analyse(
    matrix: VoteMatrix,
    *,
    moderated_out: Iterable[Any] = (),
    meta: Iterable[Any] = (),
    previous: GroupState | None = None,
    seed: int = 0,
) -> ConversationAnalysis:
    """Groups (see :func:`~participai.deliberation.groups.compute_groups`) and
    every statement statistic of :mod:`~participai.deliberation.statements`.

    ``meta`` names statements about the conversation itself (they get Pol.is's
    fixed priority); ``moderated_out`` and ``previous`` are as for
    ``compute_groups``.
    """
    moderated = frozenset(moderated_out)
    groups = compute_groups(matrix, moderated_out=moderated, previous=previous, seed=seed)
    return ConversationAnalysis(
        matrix=matrix,
        groups=groups,
        representative=representative_statements(
            matrix, groups.group_labels, moderated_out=moderated
        ),
        consensus=consensus_statements(matrix, moderated_out=moderated),
        group_informed_consensus=group_informed_consensus(matrix, groups.group_labels),
        differences=group_differences(matrix, groups.group_labels, moderated_out=moderated),
        priorities=statement_priorities(
            matrix, groups.in_conversation, groups.extremity, meta=meta, moderated_out=moderated
        ),
        moderated_out=moderated,
    )
