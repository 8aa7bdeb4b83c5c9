"""The screening's vocabulary, errors and data types.

:class:`Screening` and the types under it hold the validated content of the
data file; :class:`ScreeningResult` (with its :class:`Reason` and
:class:`TransparencyDuty` items) is what :func:`~.engine.screen` returns.

Pure: no Django import.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from participai.assessment.datafiles import DataFileError, Text

CLASSIFICATIONS: tuple[str, ...] = ("prohibited", "high_risk", "limited", "minimal")
QUESTION_KINDS: tuple[str, ...] = ("yes_no", "choice", "multi_choice")
FLAGS: tuple[str, ...] = ("public_body", "derogation", "profiling")
EFFECT_KEYS: tuple[str, ...] = ("prohibited", "annex_iii", "transparency", "reasons", "flags")
OPTION_SOURCES: tuple[str, ...] = ("annex_iii",)
# Reasons the engine itself gives, so the data file must word them.
ENGINE_REASONS: tuple[str, ...] = (
    "derogation_applied",
    "derogation_refused_profiling",
    "derogation_without_annex_iii",
    "limited_risk",
    "minimal_risk",
    "fria_required",
    "fria_not_required_critical_infrastructure",
    "fria_not_required_private_deployer",
    "eu_registration_required",
    "eu_registration_restricted_section",
    "eu_registration_national_level",
)
MESSAGE_FIELDS: dict[str, frozenset[str]] = {
    "annex_iii_point": frozenset({"area", "area_name", "point", "point_text"}),
}


class ScreeningDataError(DataFileError):
    """The screening data file is malformed; ``problems`` lists each one with its JSON path."""

    description = "AI Act screening"


class InvalidAnswers(ValueError):
    """Raised by :func:`screen` for invalid answers; ``errors`` is keyed by question."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        self.errors = dict(errors)
        listing = "; ".join(f"{key}: {message}" for key, message in self.errors.items())
        super().__init__(f"Invalid screening answers: {listing}")


@dataclass(frozen=True)
class Effects:
    """What an answer contributes to the result."""

    prohibited: tuple[str, ...] = ()
    annex_iii: tuple[str, ...] = ()
    transparency: tuple[str, ...] = ()
    reasons: tuple[str, ...] = ()
    flags: tuple[str, ...] = ()


@dataclass(frozen=True)
class Option:
    key: str
    text: Text
    effects: Effects = field(default_factory=Effects)


@dataclass(frozen=True)
class Question:
    """One question. ``yes_no`` answers are booleans, ``choice`` answers one option key,
    ``multi_choice`` answers a list of option keys (empty for none)."""

    key: str
    section: str
    kind: str
    text: Text
    help: Text | None
    options: tuple[Option, ...] = ()
    if_yes: Effects = field(default_factory=Effects)

    @property
    def option_keys(self) -> tuple[str, ...]:
        return tuple(option.key for option in self.options)

    def option(self, key: str) -> Option:
        """The option called ``key``; ``KeyError`` if there is none."""
        for option in self.options:
            if option.key == key:
                return option
        raise KeyError(key)


@dataclass(frozen=True)
class Section:
    key: str
    title: Text


@dataclass(frozen=True)
class AnnexIIIPoint:
    code: str
    area: int
    text: Text


@dataclass(frozen=True)
class AnnexIIIArea:
    number: int
    name: Text
    points: tuple[AnnexIIIPoint, ...]


@dataclass(frozen=True)
class Screening:
    """The validated content of the data file."""

    sections: tuple[Section, ...]
    questions: tuple[Question, ...]
    areas: tuple[AnnexIIIArea, ...]
    prohibited_practices: Mapping[str, Text]
    transparency_duties: Mapping[str, Text]
    reasons: Mapping[str, Text]
    messages: Mapping[str, Text]
    fria_excluded_areas: frozenset[int]
    registration_excluded_areas: frozenset[int]
    registration_restricted_areas: frozenset[int]

    @functools.cached_property
    def questions_by_key(self) -> dict[str, Question]:
        return {question.key: question for question in self.questions}

    @functools.cached_property
    def points_by_code(self) -> dict[str, AnnexIIIPoint]:
        return {point.code: point for area in self.areas for point in area.points}

    @functools.cached_property
    def areas_by_number(self) -> dict[int, AnnexIIIArea]:
        return {area.number: area for area in self.areas}


@dataclass(frozen=True)
class Reason:
    """One finding behind the result: a stable ``code`` and its ``text`` per language."""

    code: str
    text: Text


@dataclass(frozen=True)
class TransparencyDuty:
    code: str
    text: Text


@dataclass(frozen=True)
class ScreeningResult:
    """The outcome of a screening.

    ``annex_iii`` lists the points the use falls in (in Annex III order) even when
    the limited-task exception keeps it out of ``high_risk``: ``classification``
    is the verdict. ``fria_required`` and ``eu_database_registration_required``
    are only ever true for ``high_risk``.
    """

    classification: str
    reasons: list[Reason]
    annex_iii: list[str]
    transparency_duties: list[TransparencyDuty]
    fria_required: bool
    eu_database_registration_required: bool
    prohibited_practices: list[str] = field(default_factory=list)
    derogation_applied: bool = False

    @property
    def annex_iii_areas(self) -> list[int]:
        """The Annex III area numbers of ``annex_iii``, ascending, without repeats."""
        return sorted({area_of(code) for code in self.annex_iii})

    @property
    def reason_codes(self) -> list[str]:
        return [reason.code for reason in self.reasons]

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready copy."""
        return {
            "classification": self.classification,
            "reasons": [{"code": r.code, "text": dict(r.text)} for r in self.reasons],
            "annex_iii": list(self.annex_iii),
            "transparency_duties": [
                {"code": d.code, "text": dict(d.text)} for d in self.transparency_duties
            ],
            "fria_required": self.fria_required,
            "eu_database_registration_required": self.eu_database_registration_required,
            "prohibited_practices": list(self.prohibited_practices),
            "derogation_applied": self.derogation_applied,
        }


def area_of(code: str) -> int:
    """The Annex III area number of a point code: ``"5(a)"`` is in area 5."""
    return int(code.split("(", 1)[0])
