"""Surveys answered at the same moment: one participant's racing answers
leave one response, many people's leave one each and a counter that
equals them, and a question changed while someone answers never leaves an
answer that does not fit its question.

Real threads on their own connections, so PostgreSQL only (SQLite answers
concurrent writers with "database is locked"; CI runs the suite on both).
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from participai.participation import surveying
from participai.participation.models import Module, SurveyAnswer, SurveyQuestion, SurveyResponse
from participai.participation.services.surveys import (
    question_move,
    question_update,
    survey_answer,
    survey_answer_for_guest,
)

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor == "sqlite",
        reason="SQLite serialises writers ('database is locked'); runs on PostgreSQL in CI",
    ),
]
PEOPLE = 12
SAME_PERSON = 6


def race(calls: list[Callable[[], object]]) -> list[object]:
    """Run ``calls`` at once, one thread and one connection each; return
    their results, or the exceptions they raised, in order."""
    barrier = threading.Barrier(len(calls))
    results: list[object] = [None] * len(calls)

    def run(index: int, call: Callable[[], object]) -> None:
        try:
            barrier.wait()
            results[index] = call()
        except Exception as error:  # reported by the test, not lost in the thread
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a thread hung"
    return results


def test_one_persons_racing_answers_leave_one_response(survey, guest):
    module = survey["single"].module
    single, scale = survey["single"], survey["scale"]
    results = race(
        [
            (
                lambda n=n: survey_answer(
                    participant=guest,
                    module=module,
                    answers={single.pk: n % 3, scale.pk: 1 + n % 5},
                )
            )
            for n in range(SAME_PERSON)
        ]
    )
    assert not [r for r in results if isinstance(r, Exception)]
    # Exactly one request made the response; the others replaced its answers.
    assert sorted(created for _response, created in results) == [False] * (SAME_PERSON - 1) + [
        True
    ]
    [response] = SurveyResponse.objects.filter(module=module)
    assert Module.objects.get(pk=module.pk).contribution_count == 1
    stored = dict(response.answers.values_list("question_id", "value"))
    # One request's answers whole, never a mix of two.
    assert stored in [{single.pk: n % 3, scale.pk: 1 + n % 5} for n in range(SAME_PERSON)]


def test_many_people_answering_at_once_are_all_counted(survey, make_guest):
    module = survey["single"].module
    people = [make_guest() for _ in range(PEOPLE)]
    results = race(
        [
            (
                lambda p=p, n=n: survey_answer(
                    participant=p, module=module, answers={survey["single"].pk: n % 3}
                )
            )
            for n, p in enumerate(people)
        ]
    )
    assert not [r for r in results if isinstance(r, Exception)]
    assert SurveyResponse.objects.filter(module=module).count() == PEOPLE
    assert Module.objects.get(pk=module.pk).contribution_count == PEOPLE
    assert SurveyAnswer.objects.filter(question=survey["single"]).count() == PEOPLE


@pytest.mark.parametrize("attempt", range(3))
def test_a_question_changed_while_someone_answers(
    survey_module, make_question, officer, guest, attempt
):
    question = make_question(survey_module, "single", options=["Phone", "Letter", "Email"])
    results = race(
        [
            lambda: survey_answer(
                participant=guest, module=survey_module, answers={question.pk: 2}
            ),
            lambda: question_update(actor=officer, question=question, options=["Phone", "Letter"]),
        ]
    )
    answered, updated = results
    question = SurveyQuestion.objects.get(pk=question.pk)
    if isinstance(updated, ValidationError):
        # The answer came first: the question is frozen with its three options.
        assert updated.code == "answered"
        assert not isinstance(answered, Exception)
        assert question.options == ["Phone", "Letter", "Email"]
    else:
        # The change came first: "Email" is gone, so the answer no longer fits.
        assert isinstance(answered, ValidationError)
        assert question.options == ["Phone", "Letter"]
        assert not SurveyResponse.objects.exists()
    for value in SurveyAnswer.objects.filter(question=question).values_list("value", flat=True):
        assert surveying.clean_answer(question, value) == value


def test_assisted_entries_online_answers_and_reordering_at_once(
    survey, make_guest, facilitator, officer
):
    """Every kind of survey write at the same moment, each taking the
    module's lock before the audit trail's: none deadlocks or is lost."""
    module = survey["single"].module
    people = [make_guest() for _ in range(4)]
    results = race(
        [
            (
                lambda n=n: survey_answer_for_guest(
                    entered_by=facilitator,
                    module=module,
                    pseudonym=f"Paper {n}",
                    answers={survey["single"].pk: n % 3},
                    channel="paper",
                )
            )
            for n in range(4)
        ]
        + [
            (
                lambda p=p: survey_answer(
                    participant=p, module=module, answers={survey["single"].pk: 0}
                )
            )
            for p in people
        ]
        + [lambda: question_move(actor=officer, question=survey["text"], direction="up")]
    )
    assert not [r for r in results if isinstance(r, Exception)]
    assert SurveyResponse.objects.filter(module=module).count() == 8
    assert Module.objects.get(pk=module.pk).contribution_count == 8
    assert SurveyQuestion.objects.get(pk=survey["text"].pk).position == 4
