"""The data types: what the assessments found, what it imposes, and the rules between.

:class:`Stakes` is the input, :class:`Obligation` the output; :class:`Rules`
(made of :class:`Rule` and :class:`Alternative`) is the validated content of
the obligations file.

Pure: no Django import.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from participai.assessment.datafiles import DataFileError, Text

from .vocabulary import AI_ACT_CLASSES, LEVELS

if TYPE_CHECKING:
    from participai.assessment.ai_act import ScreeningResult


class ObligationsDataError(DataFileError):
    """The obligations file is malformed; ``problems`` lists each one with its JSON path."""

    description = "obligations"


@dataclass(frozen=True)
class Stakes:
    """What the assessments found. ``None`` means not assessed yet.

    ``impact_level`` is 1 to 4 (levels I to IV); ``ai_act_class`` one of
    ``AI_ACT_CLASSES``. The two flags can only be set for a ``high_risk`` class.
    Raises ``ValueError`` for anything else.
    """

    impact_level: int | None = None
    ai_act_class: str | None = None
    fria_required: bool = False
    eu_registration_required: bool = False

    def __post_init__(self) -> None:
        level = self.impact_level
        if level is not None and (
            not isinstance(level, int) or isinstance(level, bool) or level not in LEVELS
        ):
            raise ValueError(f"impact_level must be 1, 2, 3, 4 or None, not {level!r}")
        if self.ai_act_class is not None and self.ai_act_class not in AI_ACT_CLASSES:
            raise ValueError(
                f"ai_act_class must be one of {', '.join(AI_ACT_CLASSES)} or None, "
                f"not {self.ai_act_class!r}"
            )
        for name in ("fria_required", "eu_registration_required"):
            value = getattr(self, name)
            if not isinstance(value, bool):
                raise ValueError(f"{name} must be a boolean, not {value!r}")
            if value and self.ai_act_class != "high_risk":
                raise ValueError(f"{name} can only be true for a high_risk class")

    @classmethod
    def from_screening(cls, impact_level: int | None, screening: ScreeningResult | None) -> Stakes:
        """Stakes from an impact level and an AI Act screening result (either may be missing)."""
        if screening is None:
            return cls(impact_level=impact_level)
        return cls(
            impact_level=impact_level,
            ai_act_class=screening.classification,
            fria_required=screening.fria_required,
            eu_registration_required=screening.eu_database_registration_required,
        )


@dataclass(frozen=True)
class Obligation:
    """Something a procurement owes because of its stakes.

    ``stage`` is where the work happens and ``gate`` the stage whose gate checks
    it (never earlier than ``stage``). ``requirement`` holds the details by kind:
    a *role* names an ``actor`` kind, ``min_count`` and ``responsibility``; a
    *mechanism* names acceptable democratic ``functions`` and a ``min_depth``
    (and may name ``actors``, ``decision_stage``, ``institutionalisation``); a
    *review* names its ``subject`` and possibly ``independent_experts``; a
    *publication* names its ``document`` and ``audience``; *human_oversight*
    names a ``measure``. ``reason`` says why, citing the level or class.
    ``blocking`` obligations can never be met: the gate can only revise or stop.
    """

    key: str
    stage: str
    kind: str
    text: Text
    reason: Text
    requirement: Mapping[str, Any]
    gate: str
    blocking: bool = False

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready copy."""
        return {
            "key": self.key,
            "stage": self.stage,
            "kind": self.kind,
            "text": dict(self.text),
            "reason": dict(self.reason),
            "requirement": _plain(self.requirement),
            "gate": self.gate,
            "blocking": self.blocking,
        }


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


@dataclass(frozen=True)
class Alternative:
    condition: Mapping[str, Any]
    reason: Text


@dataclass(frozen=True)
class Rule:
    key: str
    kind: str
    stage: str
    gate: str
    text: Text
    requirement: Mapping[str, Any]
    when: tuple[Alternative, ...]
    blocking: bool = False


@dataclass(frozen=True)
class Rules:
    """The validated content of the obligations file."""

    rules: tuple[Rule, ...]
    class_labels: Mapping[str, Text] = field(default_factory=dict)

    @functools.cached_property
    def keys(self) -> tuple[str, ...]:
        return tuple(rule.key for rule in self.rules)
