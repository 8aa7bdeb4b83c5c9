"""Surveys in the JSON API: read a published survey's questions (and its
results once they are public), and answer it when signed in.

Answering goes through ``services.surveys.survey_answer``, so the same rules
answer as on the page: a refusal by the process's rules or dates is a 403,
a bad or missing answer a 422 naming the question's field
(``question_<id>``), an unknown or unpublished module a 404. Results of
choices, scales and rankings are public once the module has closed, or to
someone who has answered; free-text answers never are.
"""

from __future__ import annotations

import datetime
from typing import Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.security import django_auth
from pydantic import StrictInt, StrictStr

from participai.accounts.models import Participant
from participai.procurements.api import ErrorOut

from .. import surveying
from ..models import ModuleKind
from ..selectors import surveys as selectors
from ..services.surveys import survey_answer
from .common import (
    WRITE_RESPONSES,
    InputSchema,
    RefusalOut,
    as_participant,
    published_module_or_404,
    readable_module,
    refusal,
)

router = Router(tags=["participation"])

# Strict: pydantic would quietly turn JSON ``true`` or ``1.0`` into 1, an
# answer ``surveying`` refuses; they are a 422 instead.
AnswerValue = StrictInt | list[StrictInt] | StrictStr | None


class QuestionOut(Schema):
    id: int
    position: int = Field(description="Its place in the survey, from 1")
    kind: str = Field(json_schema_extra={"enum": list(surveying.KINDS)})
    text: str
    help_text: str
    required: bool
    options: list[str] = Field(description="Choices, or items to rank; answers give their index")
    max_choices: int = Field(description="For several choices: the most allowed; 0 for no limit")
    scale_min: int
    scale_max: int
    scale_min_label: str
    scale_max_label: str


class CountOut(Schema):
    label: str
    count: int
    share: float = Field(description="Of the people who answered the question, 0 to 1")


class RankedOut(Schema):
    label: str
    score: int = Field(description="Borda score: n-1 points for a first place, 0 for the last")
    mean_place: float | None


class ResultOut(Schema):
    question: int
    kind: str
    respondents: int
    counts: list[CountOut] = Field(description="Per option, or per point of a scale")
    mean: float | None = Field(description="A scale's average")
    ranked: list[RankedOut] = Field(description="A ranking's items, highest score first")


class SurveyOut(Schema):
    module: int
    title: str
    state: Literal["upcoming", "open", "closed"]
    opens_at: datetime.datetime
    closes_at: datetime.datetime
    response_count: int
    questions: list[QuestionOut]
    results: list[ResultOut] | None = Field(
        description="Choices, scales and rankings, once the survey has closed or you "
        "answered it; null before. Free-text answers are never published."
    )


class AnswerIn(Schema):
    question: int
    value: AnswerValue = Field(
        None,
        description="single: an option index; multiple: a list of indexes; scale: a whole "
        "number; ranking: every option index, best first; text: the text. Null or left "
        "out: unanswered.",
    )


class ResponseIn(InputSchema):
    answers: list[AnswerIn] = Field(max_length=200)


class AnswerOut(Schema):
    question: int
    value: AnswerValue


class ResponseOut(Schema):
    id: int
    module: int
    channel: str
    created_at: datetime.datetime
    updated_at: datetime.datetime
    answers: list[AnswerOut]


def _result_out(row: selectors.QuestionResult) -> dict:
    result = row.result
    return {
        "question": row.question.pk,
        "kind": result.kind,
        "respondents": result.respondents,
        "counts": [{"label": c.label, "count": c.count, "share": c.share} for c in result.counts],
        "mean": result.mean,
        "ranked": [
            {"label": r.label, "score": r.score, "mean_place": r.mean_place} for r in result.ranked
        ],
    }


@router.get(
    "/modules/{module_id}/survey",
    response={200: SurveyOut, 403: RefusalOut, 404: ErrorOut, 422: ErrorOut},
    summary="A published survey: its questions, and its results once public",
)
def read_survey(request: HttpRequest, module_id: int):
    module = readable_module(request, module_id, ModuleKind.SURVEY)
    if isinstance(module, Status):
        return module
    process = module.process
    window = module.window(process)
    state = window.state(timezone.now())
    questions = selectors.survey_questions(module)
    answered = False
    if request.user.is_authenticated and state != "closed":
        participant = Participant.objects.filter(user=request.user).first()
        answered = selectors.response_of(module, participant) is not None
    results = None
    if questions and (state == "closed" or answered):
        results = [_result_out(r) for r in selectors.survey_results(module, questions)]
    return {
        "module": module.pk,
        "title": module.title,
        "state": state,
        "opens_at": window.opens,
        "closes_at": window.closes,
        "response_count": module.contribution_count,
        "questions": [
            {
                "id": q.pk,
                "position": number,
                "kind": q.kind,
                "text": q.text,
                "help_text": q.help_text,
                "required": q.required,
                "options": list(q.options),
                "max_choices": q.max_choices,
                "scale_min": q.scale_min,
                "scale_max": q.scale_max,
                "scale_min_label": q.scale_min_label,
                "scale_max_label": q.scale_max_label,
            }
            for number, q in enumerate(questions, start=1)
        ],
        "results": results,
    }


@router.post(
    "/modules/{module_id}/survey-responses",
    auth=django_auth,
    response={200: ResponseOut, 201: ResponseOut, **WRITE_RESPONSES},
    summary="Answer a survey, or replace your answers while it is open",
    description=(
        "For signed-in people (session cookie and CSRF token). One response per person: "
        "201 when it is your first, 200 when it replaces your earlier answers (a question "
        "left out loses its earlier answer). Required questions must be answered; each "
        "answer must fit its question (422 naming the field question_<id> otherwise)."
    ),
)
def answer_survey(request: HttpRequest, module_id: int, payload: ResponseIn):
    module = published_module_or_404(module_id, ModuleKind.SURVEY)
    answers: dict[int, object] = {}
    for answer in payload.answers:
        if answer.question in answers:
            return refusal(
                ValidationError(
                    {
                        "answers": _("Each question is answered once; %(id)d comes twice.")
                        % {"id": answer.question}
                    }
                )
            )
        answers[answer.question] = answer.value
    try:
        response, created = as_participant(request, survey_answer, module=module, answers=answers)
    except ValidationError as error:
        return refusal(error)
    mine = selectors.response_of(module, response.participant)
    return Status(
        201 if created else 200,
        {
            "id": response.pk,
            "module": module.pk,
            "channel": response.channel,
            "created_at": mine.response.created_at,
            "updated_at": mine.response.updated_at,
            "answers": [
                {"question": question, "value": value}
                for question, value in sorted(mine.values.items())
            ],
        },
    )
