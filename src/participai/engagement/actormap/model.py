"""The actor map's vocabulary, thresholds and input: :class:`MapActor`.

Pure: no Django import.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from participai.core.vocabulary import ACTOR_KINDS, DEPTHS, SECTORS, STAGE_KEYS

SCALE: tuple[int, ...] = (1, 2, 3, 4, 5)
NAME_MAX = 200

# -- thresholds (see the package docstring) ------------------------------------------
VOICE_MIN_DEPTH = "consult"
HIGH_FROM = 3
FEW_VOICES_MIN_STAGES = 4
FEW_VOICES_MAX_ACTORS = 2
FEW_VOICES_SHARE = 0.6
EXPERT_FROM_LEVEL = 3

DEPTH_RANK: Mapping[str, int] = MappingProxyType({d: i for i, d in enumerate(DEPTHS)})

# Kinds inside the public body's procurement team (DOMAIN.md section 4).
TEAM_KINDS: frozenset[str] = frozenset(
    {"procurement_officer", "project_lead", "it_data_expert", "legal_officer", "senior_leadership"}
)
# Kinds that carry the voice of those who live with the system.
END_USER_KINDS: frozenset[str] = frozenset(
    {"end_user_representative", "affected_community", "frontline_worker"}
)
PROBLEM_STAGE = "problem_definition"
EVALUATION_STAGES: tuple[str, ...] = ("vendor_evaluation", "solution_evaluation")
AFTER_AWARD_STAGES: tuple[str, ...] = ("contract_monitoring", "review")

# Gap keys, in the order they are reported.
GAP_NO_AFFECTED_AT_PROBLEM = "no_affected_at_problem_definition"
GAP_NO_END_USER_IN_EVALUATION = "no_end_user_voice_in_evaluation"
GAP_NO_INDEPENDENT_EXPERT = "no_independent_expert"
GAP_NO_OVERSIGHT_AFTER_AWARD = "no_oversight_after_award"
GAP_ONLY_TEAM_VOICES = "only_team_voices"
GAP_SAME_FEW_VOICES = "same_few_voices"
GAP_KEYS: tuple[str, ...] = (
    GAP_NO_AFFECTED_AT_PROBLEM,
    GAP_NO_END_USER_IN_EVALUATION,
    GAP_NO_INDEPENDENT_EXPERT,
    GAP_NO_OVERSIGHT_AFTER_AWARD,
    GAP_ONLY_TEAM_VOICES,
    GAP_SAME_FEW_VOICES,
)

# Quadrants of the power-interest grid, keyed by (high influence, high interest).
MANAGE_CLOSELY = "manage_closely"
KEEP_SATISFIED = "keep_satisfied"
KEEP_INFORMED = "keep_informed"
MONITOR = "monitor"
QUADRANTS: tuple[str, ...] = (MANAGE_CLOSELY, KEEP_SATISFIED, KEEP_INFORMED, MONITOR)
QUADRANT_OF: Mapping[tuple[bool, bool], str] = MappingProxyType(
    {
        (True, True): MANAGE_CLOSELY,
        (True, False): KEEP_SATISFIED,
        (False, True): KEEP_INFORMED,
        (False, False): MONITOR,
    }
)

# Suggestion sources (also stored in ``Actor.source``).
SOURCE_ROLE = "role"
SOURCE_FRIA = "fria"
SOURCE_AFFECTED_PEOPLE = "affected_people"
SOURCES: tuple[str, ...] = (SOURCE_ROLE, SOURCE_FRIA, SOURCE_AFFECTED_PEOPLE)


@dataclass(frozen=True)
class RoleDefault:
    """Where a role usually sits: sector, influence and interest (1 to 5)."""

    sector: str
    influence: int
    interest: int
    is_affected: bool = False


# One default per kind of DOMAIN.md section 4, for suggestions.
ROLE_DEFAULTS: Mapping[str, RoleDefault] = MappingProxyType(
    {
        "procurement_officer": RoleDefault("public_administration", 5, 5),
        "project_lead": RoleDefault("public_administration", 4, 5),
        "it_data_expert": RoleDefault("public_administration", 3, 4),
        "legal_officer": RoleDefault("public_administration", 4, 3),
        "senior_leadership": RoleDefault("public_administration", 5, 2),
        "end_user_representative": RoleDefault("civil_society", 2, 5),
        "affected_community": RoleDefault("general_public", 1, 5, is_affected=True),
        "frontline_worker": RoleDefault("public_administration", 2, 4, is_affected=True),
        "independent_expert": RoleDefault("academia", 2, 3),
        "civil_society": RoleDefault("civil_society", 2, 4),
        "academia": RoleDefault("academia", 2, 3),
        "oversight_body": RoleDefault("public_administration", 4, 3),
        "supplier": RoleDefault("private_sector", 3, 4),
    }
)
# An affected group suggested from the assessment or the problem definition.
AFFECTED_GROUP_DEFAULT = RoleDefault("general_public", 1, 5, is_affected=True)
AFFECTED_GROUP_KIND = "affected_community"


# -- input ---------------------------------------------------------------------------


@dataclass(frozen=True)
class MapActor:
    """One actor of the map. ``key`` identifies it (e.g. the database id);
    ``involvements`` maps a stage key to a depth. Raises ``ValueError`` for a
    kind, sector, score, stage or depth outside the vocabulary."""

    key: str
    name: str
    kind: str
    sector: str
    is_affected: bool
    influence: int
    interest: int
    involvements: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.kind not in ACTOR_KINDS:
            raise ValueError(f"unknown actor kind {self.kind!r}")
        if self.sector not in SECTORS:
            raise ValueError(f"unknown sector {self.sector!r}")
        for name in ("influence", "interest"):
            value = getattr(self, name)
            if isinstance(value, bool) or value not in SCALE:
                raise ValueError(f"{name} must be 1 to 5, not {value!r}")
        for stage, depth in self.involvements.items():
            if stage not in STAGE_KEYS:
                raise ValueError(f"unknown stage {stage!r}")
            if depth not in DEPTH_RANK:
                raise ValueError(f"unknown depth {depth!r}")
        object.__setattr__(self, "involvements", MappingProxyType(dict(self.involvements)))

    def depth_at(self, stage: str) -> str | None:
        return self.involvements.get(stage)

    def takes_part(self, stage: str, min_depth: str = VOICE_MIN_DEPTH) -> bool:
        """Involved at ``stage`` at ``min_depth`` or deeper."""
        depth = self.involvements.get(stage)
        return depth is not None and DEPTH_RANK[depth] >= DEPTH_RANK[min_depth]

    @property
    def is_affected_voice(self) -> bool:
        return self.is_affected or self.kind == AFFECTED_GROUP_KIND

    @property
    def is_end_user_voice(self) -> bool:
        return self.is_affected or self.kind in END_USER_KINDS
