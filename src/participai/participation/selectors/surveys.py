"""Reads of survey modules: their questions, one participant's response,
the results, the free-text answers, and every response for a spreadsheet.

Each costs a fixed number of queries whatever the number of responses:
results add up the stored values in Python (:func:`surveying.aggregate`)
from one query, so a survey's page never counts per question or per option.
Free-text answers are for staff only; the public results leave them out.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Count, F, QuerySet, Window
from django.db.models.functions import RowNumber

from participai.accounts.models import Participant

from .. import surveying
from ..models import Module, SurveyAnswer, SurveyQuestion, SurveyResponse


def survey_questions(module: Module) -> list[SurveyQuestion]:
    """The survey's questions in their order (one query)."""
    return list(SurveyQuestion.objects.filter(module=module).order_by("position", "pk"))


def has_responses(module: Module) -> bool:
    """Has anyone answered? Then the questions are frozen (see ``services.surveys``)."""
    return SurveyResponse.objects.filter(module=module).exists()


@dataclass(frozen=True)
class Mine:
    """A participant's response: when it was first given and last changed,
    and the stored value of each answer by question id."""

    response: SurveyResponse
    values: dict[int, Any]

    @property
    def answered_at(self) -> datetime:
        return self.response.created_at

    @property
    def changed_at(self) -> datetime:
        return self.response.updated_at


def response_of(module: Module, participant: Participant | None) -> Mine | None:
    """``participant``'s response to the survey, or ``None`` (two queries at
    most; none without a participant)."""
    if participant is None:
        return None
    response = SurveyResponse.objects.filter(module=module, participant=participant).first()
    if response is None:
        return None
    values = dict(
        SurveyAnswer.objects.filter(response=response).values_list("question_id", "value")
    )
    return Mine(response=response, values=values)


@dataclass(frozen=True)
class QuestionResult:
    """One question's results; ``number`` is its place in the survey (from 1)."""

    question: SurveyQuestion
    number: int
    result: surveying.Result


def survey_results(
    module: Module, questions: list[SurveyQuestion], *, public: bool = True
) -> list[QuestionResult]:
    """What the answers to each of ``questions`` (the survey's) add up to,
    in one query. ``public``: only the questions whose answers are counted
    (choices, scales, rankings); free text is never shown to the public,
    and staff read it through :func:`text_answers`."""
    shown = [q for q in questions if not public or q.kind in surveying.COUNTED_KINDS]
    values: dict[int, list[Any]] = {q.pk: [] for q in shown}
    counted = [q.pk for q in shown if q.kind in surveying.COUNTED_KINDS]
    if counted:
        rows = SurveyAnswer.objects.filter(
            response__module=module, question_id__in=counted
        ).values_list("question_id", "value")
        for question_id, value in rows.iterator(chunk_size=2000):
            values[question_id].append(value)
    text_counts: dict[int, int] = {}
    texts = [q.pk for q in shown if q.kind == surveying.TEXT]
    if texts:
        text_counts = dict(
            SurveyAnswer.objects.filter(question_id__in=texts)
            .values("question_id")
            .annotate(n=Count("pk"))
            .values_list("question_id", "n")
        )
    numbers = {q.pk: number for number, q in enumerate(questions, start=1)}
    results = []
    for question in shown:
        if question.kind == surveying.TEXT:
            result = surveying.Result(
                kind=question.kind, respondents=text_counts.get(question.pk, 0)
            )
        else:
            result = surveying.aggregate(question, values[question.pk])
        results.append(
            QuestionResult(question=question, number=numbers[question.pk], result=result)
        )
    return results


# Free-text answers as staff read them: the latest changed first.
_RECENT_FIRST = ("-response__updated_at", "-pk")


def text_answers(question: SurveyQuestion) -> QuerySet[SurveyAnswer]:
    """The answers to a free-text question, most recent first, with their
    authors (for staff; paginate it)."""
    return (
        SurveyAnswer.objects.filter(question=question)
        .select_related("response__participant")
        .order_by(*_RECENT_FIRST)
    )


def latest_text_answers(
    questions: list[SurveyQuestion], *, limit: int
) -> dict[int, list[SurveyAnswer]]:
    """The ``limit`` most recent answers to each free-text question among
    ``questions``, by question id, in the order of :func:`text_answers`
    (for staff), in one query however many questions there are."""
    texts = [q.pk for q in questions if q.kind == surveying.TEXT]
    latest: dict[int, list[SurveyAnswer]] = {pk: [] for pk in texts}
    if not texts:
        return latest
    rows = (
        SurveyAnswer.objects.filter(question_id__in=texts)
        .select_related("response__participant")
        .annotate(place=Window(RowNumber(), partition_by=F("question_id"), order_by=_RECENT_FIRST))
        .filter(place__lte=limit)
        .order_by("question_id", "place")
    )
    for answer in rows:
        latest[answer.question_id].append(answer)
    return latest


def export_rows(module: Module, questions: list[SurveyQuestion]) -> Iterator[list[Any]]:
    """Every response to the survey, oldest first, as a row: its number, the
    participant's pseudonym (blank once they removed their data), the
    channel, whether a facilitator entered it, when it was given and last
    changed, then each question's answer in words. No email, no account.
    Two queries whatever the number of responses."""
    answers: dict[int, dict[int, Any]] = {}
    for response_id, question_id, value in (
        SurveyAnswer.objects.filter(response__module=module)
        .values_list("response_id", "question_id", "value")
        .iterator(chunk_size=2000)
    ):
        answers.setdefault(response_id, {})[question_id] = value
    responses = (
        SurveyResponse.objects.filter(module=module)
        .select_related("participant")
        .order_by("created_at", "pk")
    )
    for response in responses.iterator(chunk_size=2000):
        given = answers.get(response.pk, {})
        participant = response.participant
        yield [
            response.pk,
            "" if participant.removed_at else participant.pseudonym,
            response.channel,
            response.entered_by_id is not None,
            response.created_at,
            response.updated_at,
            *(surveying.display_value(q, given[q.pk]) if q.pk in given else "" for q in questions),
        ]
