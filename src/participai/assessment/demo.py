"""Demo stakes: impact assessments and AI Act screenings done through the services.

The demo's story names an impact level for each procurement; the answers that
reach it are built from the questionnaire's own data, so the demo keeps
working when the questionnaire changes. Used by ``participai demo`` only.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from participai.accounts.models import User
from participai.procurements.models import Procurement

from . import registry
from .models import AiActScreening, ImpactAssessment, RightsAssessment
from .questionnaire import Questionnaire
from .scoring import score, visible_questions
from .services import impact as impact_services
from .services import screening as screening_services


def fill_shown(
    questionnaire: Questionnaire,
    answers: dict[str, Any],
    *,
    pick: Literal["min", "max"] = "min",
    text: str = "Described in the demo's documents.",
) -> None:
    """Answer, in place, every shown question ``answers`` leaves unanswered.

    ``pick="min"``: a single or multiple question gets its lowest-scoring
    choice; ``"max"``: a single one its highest-scoring choice (the last of
    equals), a multiple one every choice. Text questions get ``text``. Goes on
    until no new question shows, as answers show further questions.
    """
    while True:
        shown = visible_questions(questionnaire, answers)
        todo = [q for q in questionnaire.questions() if q.key in shown and q.key not in answers]
        if not todo:
            return
        for question in todo:
            if question.type == "text":
                answers[question.key] = text
                continue
            ordered = sorted(question.choices, key=lambda choice: choice.points)
            if question.type == "single":
                answers[question.key] = (ordered[0] if pick == "min" else ordered[-1]).key
            else:
                chosen = ordered[:1] if pick == "min" else question.choices
                answers[question.key] = [choice.key for choice in chosen]


def answers_for_level(level: int, *, phase: str = "design") -> dict[str, Any]:
    """Complete answers to the shipped questionnaire whose impact level is ``level``.

    Starts from the lowest answer everywhere, then raises single-choice answers
    in questionnaire order, each as far as it goes without passing ``level``.
    Raises ``ValueError`` if the level cannot be reached.
    """
    questionnaire = registry.current()
    answers: dict[str, Any] = {"phase": phase}
    fill_shown(questionnaire, answers)
    for question in questionnaire.questions():
        if score(questionnaire, answers).level == level:
            return answers
        if question.type != "single" or question.key == "phase":
            continue
        if question.key not in visible_questions(questionnaire, answers):
            continue
        for choice in sorted(question.choices, key=lambda c: c.points, reverse=True):
            trial = {**answers, question.key: choice.key}
            fill_shown(questionnaire, trial)
            if score(questionnaire, trial).level <= level:
                answers = trial
                break
    if score(questionnaire, answers).level != level:
        raise ValueError(f"impact level {level} cannot be reached")
    return answers


def assess(*, actor: User, procurement: Procurement, level: int) -> ImpactAssessment:
    """Answer and complete an impact assessment that lands on ``level``."""
    assessment = impact_services.assessment_start(actor=actor, procurement=procurement)
    impact_services.assessment_save_answers(
        actor=actor, assessment=assessment, answers=answers_for_level(level)
    )
    return impact_services.assessment_complete(actor=actor, assessment=assessment)


def screen(
    *, actor: User, procurement: Procurement, answers: Mapping[str, Any] | None = None
) -> AiActScreening:
    """Answer and complete an AI Act screening; ``answers`` override "nothing declared"."""
    screening = screening_services.screening_start(actor=actor, procurement=procurement)
    screening_services.screening_save_answers(
        actor=actor, screening=screening, answers=dict(answers or {})
    )
    return screening_services.screening_complete(actor=actor, screening=screening)


def assess_rights(
    *, actor: User, procurement: Procurement, texts: Mapping[str, str]
) -> RightsAssessment:
    """Write and complete a fundamental rights impact assessment."""
    assessment = screening_services.rights_assessment_start(actor=actor, procurement=procurement)
    screening_services.rights_assessment_save(actor=actor, assessment=assessment, texts=texts)
    return screening_services.rights_assessment_complete(actor=actor, assessment=assessment)
