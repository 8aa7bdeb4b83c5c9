"""The questionnaires this installation ships, by id and version.

Questionnaires are versioned data under ``questionnaires/``; an assessment
records the id and version it was answered against, so a new version of the
questionnaire never changes the meaning of a completed assessment. Pure.
"""

from __future__ import annotations

import functools
from pathlib import Path

from .questionnaire import Questionnaire, load_questionnaire

QUESTIONNAIRE_DIR = Path(__file__).resolve().parent / "questionnaires"
DEFAULT_ID = "participai-aia"


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split(".") if part.isdigit())


@functools.cache
def shipped() -> dict[tuple[str, str], Questionnaire]:
    """Every shipped questionnaire, keyed by ``(id, version)``."""
    found: dict[tuple[str, str], Questionnaire] = {}
    for path in sorted(QUESTIONNAIRE_DIR.glob("*.json")):
        questionnaire = load_questionnaire(path)
        found[(questionnaire.id, questionnaire.version)] = questionnaire
    return found


def get(questionnaire_id: str, version: str) -> Questionnaire:
    """The questionnaire ``questionnaire_id`` at ``version``; ``KeyError`` if not shipped."""
    return shipped()[(questionnaire_id, version)]


def current(questionnaire_id: str = DEFAULT_ID) -> Questionnaire:
    """The newest shipped version of ``questionnaire_id``."""
    versions = [q for (qid, _), q in shipped().items() if qid == questionnaire_id]
    if not versions:
        raise KeyError(questionnaire_id)
    return max(versions, key=lambda q: _version_key(q.version))
