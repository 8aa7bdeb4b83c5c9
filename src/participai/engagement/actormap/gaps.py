"""Gaps in an actor map (DOMAIN.md section 4); thresholds in :mod:`.model`.

Pure: no Django import.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from participai.core.vocabulary import STAGE_KEYS

from .model import (
    AFTER_AWARD_STAGES,
    EVALUATION_STAGES,
    EXPERT_FROM_LEVEL,
    FEW_VOICES_MAX_ACTORS,
    FEW_VOICES_MIN_STAGES,
    FEW_VOICES_SHARE,
    GAP_NO_AFFECTED_AT_PROBLEM,
    GAP_NO_END_USER_IN_EVALUATION,
    GAP_NO_INDEPENDENT_EXPERT,
    GAP_NO_OVERSIGHT_AFTER_AWARD,
    GAP_ONLY_TEAM_VOICES,
    GAP_SAME_FEW_VOICES,
    PROBLEM_STAGE,
    TEAM_KINDS,
    VOICE_MIN_DEPTH,
    MapActor,
)

# -- gaps ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Gap:
    """Something missing from the map. ``stage`` is the stage it concerns
    (``None``: the whole lifecycle); ``params`` fill its message."""

    key: str
    stage: str | None
    params: Mapping[str, Any] = field(default_factory=dict)


def find_gaps(actors: Sequence[MapActor], *, impact_level: int | None = None) -> list[Gap]:
    """The gaps of the map (DOMAIN.md section 4), in :data:`GAP_KEYS` order.

    - ``no_affected_at_problem_definition``: no affected actor (``is_affected``
      or an affected community) takes part in problem definition;
    - ``no_end_user_voice_in_evaluation``, once per evaluation stage lacking
      it: no end-user representative, affected community, frontline worker
      or affected actor takes part;
    - ``no_independent_expert``: impact level III or more, and no independent
      expert takes part at any stage (params: ``level``);
    - ``no_oversight_after_award``: no oversight body takes part in contract
      monitoring or review;
    - ``only_team_voices`` or ``same_few_voices``: see the package docstring
      (params: ``names``, ``share`` in percent, ``stages``).

    *Takes part* means an involvement at ``VOICE_MIN_DEPTH`` or deeper
    (every gap's params carry ``min_depth``).
    """
    voice = {"min_depth": VOICE_MIN_DEPTH}
    gaps: list[Gap] = []
    if not any(a.is_affected_voice and a.takes_part(PROBLEM_STAGE) for a in actors):
        gaps.append(Gap(GAP_NO_AFFECTED_AT_PROBLEM, PROBLEM_STAGE, voice))
    for stage in EVALUATION_STAGES:
        if not any(a.is_end_user_voice and a.takes_part(stage) for a in actors):
            gaps.append(Gap(GAP_NO_END_USER_IN_EVALUATION, stage, voice))
    if impact_level is not None and impact_level >= EXPERT_FROM_LEVEL:
        experts = [a for a in actors if a.kind == "independent_expert"]
        if not any(a.takes_part(s) for a in experts for s in STAGE_KEYS):
            gaps.append(Gap(GAP_NO_INDEPENDENT_EXPERT, None, {**voice, "level": impact_level}))
    if not any(
        a.kind == "oversight_body" and a.takes_part(s) for a in actors for s in AFTER_AWARD_STAGES
    ):
        gaps.append(
            Gap(
                GAP_NO_OVERSIGHT_AFTER_AWARD,
                AFTER_AWARD_STAGES[0],
                {**voice, "stages": AFTER_AWARD_STAGES},
            )
        )
    few = _few_voices(actors)
    if few is not None:
        gaps.append(few)
    return gaps


def _few_voices(actors: Sequence[MapActor]) -> Gap | None:
    involved = [a for a in actors if a.involvements]
    if not involved:
        return None
    if all(a.kind in TEAM_KINDS for a in involved):
        return Gap(GAP_ONLY_TEAM_VOICES, None, {"names": tuple(a.name for a in involved)})
    covered = sum(1 for s in STAGE_KEYS if any(s in a.involvements for a in involved))
    total = sum(len(a.involvements) for a in involved)
    # Most involved first; ties broken by the map's order, so the result is stable.
    ranked = sorted(involved, key=lambda a: -len(a.involvements))
    top = ranked[:FEW_VOICES_MAX_ACTORS]
    held = sum(len(a.involvements) for a in top)
    if covered >= FEW_VOICES_MIN_STAGES and held > FEW_VOICES_SHARE * total:
        return Gap(
            GAP_SAME_FEW_VOICES,
            None,
            {
                "names": tuple(a.name for a in top),
                "share": round(100 * held / total),
                "stages": covered,
            },
        )
    return None
