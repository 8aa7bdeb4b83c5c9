"""Reads about impact assessments."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from participai.procurements.models import Procurement

from ..models import ImpactAssessment
from ..questionnaire import Questionnaire, Section
from ..scoring import visible_questions
from .questionnaires import questionnaire_of


def assessments_of(procurement: Procurement) -> QuerySet[ImpactAssessment]:
    """Every assessment of the procurement, oldest first."""
    return procurement.impact_assessments.select_related("started_by", "completed_by").order_by(
        "number"
    )


@dataclass(frozen=True)
class SectionProgress:
    section: Section
    applies: bool
    answered: int
    shown: int
    required_missing: int


def progress(
    assessment: ImpactAssessment, questionnaire: Questionnaire | None = None
) -> list[SectionProgress]:
    """For each section: whether it applies to the chosen phase, and how many
    of its shown questions are answered and required ones still missing.
    ``questionnaire`` is the assessment's, when the caller has it already."""
    if questionnaire is None:
        questionnaire = questionnaire_of(assessment)
    answers = assessment.answers
    shown = visible_questions(questionnaire, answers)
    phase = answers.get("phase")
    rows = []
    for section in questionnaire.sections:
        keys = [q.key for q in section.questions if q.key in shown]
        rows.append(
            SectionProgress(
                section=section,
                applies=section.applies_to(phase),
                answered=sum(1 for key in keys if answers.get(key) not in (None, "", [])),
                shown=len(keys),
                required_missing=sum(
                    1
                    for q in section.questions
                    if q.required and q.key in shown and answers.get(q.key) in (None, "", [])
                ),
            )
        )
    return rows
