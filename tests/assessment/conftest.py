"""Fixtures for the Django side of assessments: complete answer sets for the
shipped questionnaire, built from its own data."""

from __future__ import annotations

import pytest

from participai.assessment import registry
from participai.assessment.scoring import visible_questions


def answer_everything(*, phase: str = "design", pick: str = "min") -> dict:
    """Answer every shown question of the shipped questionnaire: the lowest
    (``pick="min"``) or highest (``"max"``) scoring choice, text where text is asked."""
    questionnaire = registry.current()
    answers: dict = {"phase": phase}
    # Visibility depends on earlier answers: fill in order, re-checking as we go.
    for _ in range(3):
        shown = visible_questions(questionnaire, answers)
        for question in questionnaire.questions():
            if question.key == "phase" or question.key not in shown:
                continue
            if question.type == "text":
                answers[question.key] = "Written by the team."
            elif question.type == "single":
                ordered = sorted(question.choices, key=lambda c: c.points)
                answers[question.key] = (ordered[0] if pick == "min" else ordered[-1]).key
            else:
                ordered = sorted(question.choices, key=lambda c: c.points)
                answers[question.key] = (
                    [ordered[0].key] if pick == "min" else [c.key for c in question.choices]
                )
    return answers


@pytest.fixture
def minimal_answers() -> dict:
    return answer_everything(pick="min")


@pytest.fixture
def maximal_answers() -> dict:
    return answer_everything(pick="max")
