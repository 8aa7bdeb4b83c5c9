"""Scoring an impact questionnaire by the rules of Canada's Algorithmic Impact Assessment.

The rules, as the Canadian tool computes them (``calculateFinalScore`` in
``src/store.ts`` of ``canada-ca/aia-eia-js`` at v1.0.1):

* **Raw impact score**: the points of the answered impact questions; a
  ``multiple`` question earns the sum of its selected choices.
* **Raw impact maximum**: the sum, over *every* scored impact question, of its
  best answer (``single``: its best choice; ``multiple``: all its choices). The
  tool collects the questions once with SurveyJS ``getAllQuestions()``, whose
  ``visibleOnly`` argument defaults to false, so questions hidden by a
  condition still count in the maximum. We do the same: ``visible_if`` never
  changes a maximum, only which answers count.
* **Mitigation**: the same sums over the mitigation questions. The tool adds
  up the mitigation questions of both the design and the implementation pages
  and halves the total ("divided by 2 because of Design/Implementation fork");
  that is our ``half_of_all`` rule, under which every section counts towards
  both maxima, as in the tool. Our ``phase`` rule instead counts, in both
  maxima, only the sections shown for the chosen phase (only ``both``
  sections while no phase is chosen), which stays right when the two phases
  do not carry the same points.
* **Deduction**: if the mitigation score is at least 80 % of its maximum, the
  total is 0.85 * raw rounded half up (JavaScript's ``Math.round``, not
  Python's ``round``, which rounds halves to even); otherwise the total is raw.
* **Level**: I if total ≤ 25 % of the raw maximum, II if ≤ 50 %, III if ≤ 75 %,
  IV above.

Every comparison is done on integers and ``Fraction``\\s, so a total exactly on a
threshold is never pushed across it by floating-point error.

Where we knowingly differ from the tool: answers to hidden questions are
ignored (the tool sums whatever SurveyJS still holds, and SurveyJS keeps the
answer of a question that was later hidden until the survey is completed);
visibility is transitive (a question whose condition refers to a hidden
question is hidden); and with a mitigation maximum of 0 no deduction is made
(the tool's ``0 >= 0.8 * 0`` would always deduct).

This module imports nothing from Django. Messages are English strings marked
for translation with ``gettext_noop``; the web layer translates them.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

from participai.assessment.questionnaire import (
    PHASE_QUESTION,
    Phase,
    Question,
    Questionnaire,
    SectionKind,
)
from participai.core.marks import gettext_noop

Answer = str | Sequence[str] | None
Answers = Mapping[str, Answer]


UNKNOWN_QUESTION = gettext_noop("There is no such question.")
UNKNOWN_CHOICE = gettext_noop("This is not one of the choices.")
ONLY_ONE = gettext_noop("Choose only one answer.")
CHOSEN_TWICE = gettext_noop("A choice is selected more than once.")
NOT_TEXT = gettext_noop("The answer must be text.")
TEXT_TOO_LONG = gettext_noop("Keep the answer under 5,000 characters.")

# The longest text answer, whether typed on the section page or read from a file.
TEXT_MAX_LENGTH = 5000
REQUIRED = gettext_noop("This question needs an answer.")

DEDUCTION = Fraction(15, 100)
MITIGATION_SHARE_FOR_DEDUCTION = Fraction(80, 100)
LEVEL_SHARES = (Fraction(1, 4), Fraction(1, 2), Fraction(3, 4))
LEVEL_NUMERALS = {1: "I", 2: "II", 3: "III", 4: "IV"}


class AnswersError(ValueError):
    """Answers that cannot be scored; ``errors`` maps question keys to messages."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        self.errors = dict(errors)
        super().__init__("; ".join(f"{key}: {message}" for key, message in self.errors.items()))


@dataclass(frozen=True)
class SectionScore:
    """A scored section's subtotal, for display.

    ``applies``: the section is shown for the chosen phase. ``score`` counts
    only visible answers; ``maximum`` is the section's full maximum, whether or
    not its questions are visible.
    """

    key: str
    kind: Literal["impact", "mitigation"]
    phase: Phase
    applies: bool
    score: int
    maximum: int
    answered: int
    questions: int


@dataclass(frozen=True)
class ScoreResult:
    """The outcome of an assessment.

    ``mitigation_max`` is a ``Fraction`` because the ``half_of_all`` rule halves
    an odd total; ``mitigation_share`` is mitigation / maximum (``None`` when the
    maximum is 0). ``level_thresholds`` are the highest totals that still give
    levels I, II and III.
    """

    raw_impact: int
    raw_impact_max: int
    mitigation: int
    mitigation_max: Fraction
    mitigation_share: Fraction | None
    deduction_applied: bool
    total: int
    level: int
    level_thresholds: tuple[Fraction, Fraction, Fraction]
    phase: str | None
    sections: tuple[SectionScore, ...]

    @property
    def level_numeral(self) -> str:
        """The level as the Roman numeral the Canadian directive uses."""
        return LEVEL_NUMERALS[self.level]


def round_half_up(value: Fraction) -> int:
    """Round to the nearest whole number, halves upwards (2.5 → 3, like JavaScript)."""
    return math.floor(value + Fraction(1, 2))


def deducted_total(raw: int) -> int:
    """The total after the mitigation deduction: 0.85 * raw, rounded half up."""
    return round_half_up((1 - DEDUCTION) * raw)


def earns_deduction(mitigation: int, mitigation_max: Fraction | int) -> bool:
    """Whether the mitigation score reaches 80 % of a positive maximum."""
    return mitigation_max > 0 and mitigation >= MITIGATION_SHARE_FOR_DEDUCTION * mitigation_max


def impact_level(total: int, raw_max: int) -> int:
    """The impact level, 1 to 4: I up to 25 % of the raw maximum, II to 50 %, III to 75 %."""
    for level, share in enumerate(LEVEL_SHARES, start=1):
        if total <= share * raw_max:
            return level
    return 4


def _read(question: Question, value: object) -> tuple[tuple[str, ...], str | None]:
    """The selected choice keys of an answer, and an error message if it is malformed."""
    if value is None or value == "":
        return (), None
    if question.type == "text":
        if not isinstance(value, str):
            return (), NOT_TEXT
        return (), TEXT_TOO_LONG if len(value) > TEXT_MAX_LENGTH else None
    if isinstance(value, str):
        selected: tuple[object, ...] = (value,)
    elif isinstance(value, Sequence):
        selected = tuple(value)
    else:
        return (), UNKNOWN_CHOICE
    keys = {choice.key for choice in question.choices}
    if any(not isinstance(key, str) or key not in keys for key in selected):
        return (), UNKNOWN_CHOICE
    if question.type == "single" and len(selected) > 1:
        return (), ONLY_ONE
    if len(set(selected)) != len(selected):
        return (), CHOSEN_TWICE
    return tuple(str(key) for key in selected), None


def _is_answered(question: Question, value: object) -> bool:
    if question.type == "text":
        return isinstance(value, str) and bool(value.strip())
    return bool(_read(question, value)[0])


def chosen_phase(questionnaire: Questionnaire, answers: Answers) -> str | None:
    """The phase the answers chose (``design`` or ``implementation``), if any."""
    question = questionnaire.phase_question
    if question is None:
        return None
    selected, error = _read(question, answers.get(PHASE_QUESTION))
    return selected[0] if selected and not error else None


def visible_questions(questionnaire: Questionnaire, answers: Answers) -> frozenset[str]:
    """The keys of the questions shown for these answers.

    A question is shown when its section applies to the chosen phase and, if it
    has a ``visible_if``, the question it refers to is shown and answered with
    one of the listed choices. Malformed answers count as unanswered.
    """
    phase = chosen_phase(questionnaire, answers)
    shown: set[str] = set()
    selections: dict[str, tuple[str, ...]] = {}
    for section in questionnaire.sections:
        if not section.applies_to(phase):
            continue
        for question in section.questions:
            condition = question.visible_if
            if condition is not None and (
                condition.question not in shown
                or not set(selections.get(condition.question, ())) & set(condition.any_of)
            ):
                continue
            shown.add(question.key)
            if question.is_choice:
                selected, error = _read(question, answers.get(question.key))
                selections[question.key] = () if error else selected
    return frozenset(shown)


def validate_answers(
    questionnaire: Questionnaire, answers: Answers, *, complete: bool = True
) -> dict[str, str]:
    """Errors keyed by question key; empty when the answers are acceptable.

    Reports unknown questions, unknown choices, several answers to a ``single``
    question, a choice selected twice, non-text or overlong
    (``TEXT_MAX_LENGTH``) answers to ``text`` questions and, when
    ``complete``, required questions that are shown but unanswered.
    Questions hidden by their phase or ``visible_if`` are never required.
    Answers are a ``str`` (single, text), a list of ``str`` (multiple; a one-item
    list is also accepted for single), or ``None``/``""`` for no answer.
    """
    errors: dict[str, str] = {}
    for key in answers:
        if key not in questionnaire:
            errors[key] = UNKNOWN_QUESTION
    for question in questionnaire.questions():
        error = _read(question, answers.get(question.key))[1]
        if error:
            errors[question.key] = error
    if complete:
        shown = visible_questions(questionnaire, answers)
        for question in questionnaire.questions():
            if (
                question.required
                and question.key in shown
                and question.key not in errors
                and not _is_answered(question, answers.get(question.key))
            ):
                errors[question.key] = REQUIRED
    return errors


def score(questionnaire: Questionnaire, answers: Answers) -> ScoreResult:
    """Score the answers (complete or not) by the rules in this module's docstring.

    Raises ``AnswersError`` if an answer is malformed; unanswered questions,
    required or not, simply earn nothing.
    """
    errors = validate_answers(questionnaire, answers, complete=False)
    if errors:
        raise AnswersError(errors)
    phase = chosen_phase(questionnaire, answers)
    shown = visible_questions(questionnaire, answers)
    half_of_all = questionnaire.mitigation_max_rule == "half_of_all"
    totals: dict[SectionKind, list[int]] = {"impact": [0, 0], "mitigation": [0, 0]}
    sections: list[SectionScore] = []
    for section in questionnaire.sections:
        if section.kind == "context":
            continue
        scored = [q for q in section.questions if q.is_choice]
        points = {
            q.key: sum(q.choice(key).points for key in _read(q, answers.get(q.key))[0])
            for q in scored
            if q.key in shown
        }
        applies = section.applies_to(phase)
        subtotal = SectionScore(
            key=section.key,
            kind=section.kind,
            phase=section.phase,
            applies=applies,
            score=sum(points.values()),
            maximum=sum(q.max_points for q in scored),
            answered=sum(
                1 for q in scored if q.key in points and _is_answered(q, answers.get(q.key))
            ),
            questions=len(scored),
        )
        sections.append(subtotal)
        totals[section.kind][0] += subtotal.score
        if applies or half_of_all:
            totals[section.kind][1] += subtotal.maximum

    raw, raw_max = totals["impact"]
    mitigation, mitigation_all = totals["mitigation"]
    mitigation_max = Fraction(mitigation_all, 2) if half_of_all else Fraction(mitigation_all)
    deduction = earns_deduction(mitigation, mitigation_max)
    total = deducted_total(raw) if deduction else raw
    return ScoreResult(
        raw_impact=raw,
        raw_impact_max=raw_max,
        mitigation=mitigation,
        mitigation_max=mitigation_max,
        mitigation_share=mitigation / mitigation_max if mitigation_max else None,
        deduction_applied=deduction,
        total=total,
        level=impact_level(total, raw_max),
        level_thresholds=(
            LEVEL_SHARES[0] * raw_max,
            LEVEL_SHARES[1] * raw_max,
            LEVEL_SHARES[2] * raw_max,
        ),
        phase=phase,
        sections=tuple(sections),
    )
