"""Fixtures for the Django side of assessments: complete answer sets for the
shipped questionnaire, built from its own data."""

from __future__ import annotations

import pytest

from participai.assessment import registry
from participai.assessment.demo import fill_shown


def answer_everything(*, phase: str = "design", pick: str = "min") -> dict:
    """Answer every shown question of the shipped questionnaire: the lowest
    (``pick="min"``) or highest (``"max"``) scoring choice, text where text is asked."""
    answers: dict = {"phase": phase}
    fill_shown(registry.current(), answers, pick=pick, text="Written by the team.")
    return answers


@pytest.fixture
def minimal_answers() -> dict:
    return answer_everything(pick="min")


@pytest.fixture
def maximal_answers() -> dict:
    return answer_everything(pick="max")
