"""Surveys in the JSON API: reading a published survey (questions always,
results only once public, free text never) and answering it when signed
in, with the same rules and refusals as the page."""

from __future__ import annotations

import pytest
from django.test import Client

from participai.accounts.models import Participant
from participai.participation.models import Module, SurveyResponse
from participai.participation.services import surveys as survey_services

QUESTION_KEYS = {
    "id",
    "position",
    "kind",
    "text",
    "help_text",
    "required",
    "options",
    "max_choices",
    "scale_min",
    "scale_max",
    "scale_min_label",
    "scale_max_label",
}


def survey_url(module: Module) -> str:
    return f"/api/modules/{module.pk}/survey"


def responses_url(module: Module) -> str:
    return f"/api/modules/{module.pk}/survey-responses"


def post(client: Client, url: str, data: dict):
    return client.post(url, data, content_type="application/json")


def body(survey: dict, **values) -> dict:
    answers = {
        "single": 2,
        "multiple": [1, 3],
        "scale": 5,
        "ranking": [1, 2, 0],
        "text": "Tell me by letter.",
    } | values
    return {
        "answers": [
            {"question": survey[kind].pk, "value": value} for kind, value in answers.items()
        ]
    }


@pytest.fixture
def signed_in(client, resident):
    client.force_login(resident)
    return client


# --- GET /api/modules/{id}/survey ----------------------------------------------------------


def test_a_survey_s_questions_are_open_data(client, survey):
    module = survey["single"].module
    response = client.get(survey_url(module))
    assert response.status_code == 200
    data = response.json()
    assert (data["module"], data["title"], data["state"], data["response_count"]) == (
        module.pk,
        "A few questions",
        "open",
        0,
    )
    assert [q["kind"] for q in data["questions"]] == [
        "single",
        "multiple",
        "scale",
        "ranking",
        "text",
    ]
    single, multiple, scale = data["questions"][:3]
    assert set(single) == QUESTION_KEYS
    assert (single["position"], single["required"], single["options"]) == (
        1,
        True,
        ["By phone", "By letter", "By email"],
    )
    assert multiple["max_choices"] == 2
    assert (scale["scale_min"], scale["scale_max"], scale["scale_min_label"]) == (
        1,
        5,
        "Not at all",
    )
    # Open, and the reader has not answered: no tally to answer against.
    assert data["results"] is None


def test_results_are_public_once_closed_and_never_hold_free_text(
    client, survey, make_guest, set_window
):
    module = survey["single"].module
    for n in range(3):
        survey_services.survey_answer(
            participant=make_guest(),
            module=module,
            answers={
                survey["single"].pk: n % 2,
                survey["scale"].pk: 2 + n,
                survey["ranking"].pk: [0, 1, 2],
                survey["text"].pk: "Secret words",
            },
        )
    set_window(module.process, "closed")
    data = client.get(survey_url(module)).json()
    assert data["state"] == "closed" and data["response_count"] == 3
    by_question = {r["question"]: r for r in data["results"]}
    assert set(by_question) == {survey[k].pk for k in ("single", "multiple", "scale", "ranking")}
    single = by_question[survey["single"].pk]
    assert single["respondents"] == 3
    assert [(c["label"], c["count"]) for c in single["counts"]] == [
        ("By phone", 2),
        ("By letter", 1),
        ("By email", 0),
    ]
    assert single["counts"][0]["share"] == pytest.approx(2 / 3)
    assert by_question[survey["scale"].pk]["mean"] == 3.0
    ranked = by_question[survey["ranking"].pk]["ranked"]
    assert [(r["label"], r["score"], r["mean_place"]) for r in ranked] == [
        ("A person reads it", 6, 1.0),
        ("It is explained", 3, 2.0),
        ("It can be appealed", 0, 3.0),
    ]
    assert by_question[survey["multiple"].pk]["respondents"] == 0
    assert "Secret words" not in str(data)


def test_someone_who_answered_sees_the_results(signed_in, survey):
    module = survey["single"].module
    assert post(signed_in, responses_url(module), body(survey)).status_code == 201
    data = signed_in.get(survey_url(module)).json()
    assert data["results"] is not None and data["response_count"] == 1


def test_unknown_unpublished_and_other_modules_are_404(
    client, survey, comments_module, published, make_process, make_question
):
    draft = make_process(published, modules=("survey",)).modules.get()
    make_question(draft, "text")
    for module in (comments_module, draft):
        assert client.get(survey_url(module)).status_code == 404
    assert client.get("/api/modules/999999/survey").status_code == 404


def test_an_account_only_process_is_read_by_account_holders(
    client, resident, published, make_process, make_question
):
    process = make_process(published, modules=("survey",), read_requires="account", publish=True)
    module = process.modules.get()
    make_question(module, "text")
    refused = client.get(survey_url(module))
    assert refused.status_code == 403
    assert refused.json()["code"] == "needs_account_to_read"
    client.force_login(resident)
    assert client.get(survey_url(module)).status_code == 200


# --- POST /api/modules/{id}/survey-responses -----------------------------------------------


def test_answering_needs_signing_in(client, survey):
    response = post(client, responses_url(survey["single"].module), body(survey))
    assert response.status_code == 401
    assert not SurveyResponse.objects.exists()


def test_a_signed_in_person_answers_then_replaces_the_answers(
    signed_in, resident, survey, audit_events
):
    module = survey["single"].module
    response = post(signed_in, responses_url(module), body(survey))
    assert response.status_code == 201
    data = response.json()
    assert set(data) == {"id", "module", "channel", "created_at", "updated_at", "answers"}
    assert (data["module"], data["channel"]) == (module.pk, "online")
    assert {a["question"]: a["value"] for a in data["answers"]} == {
        survey["single"].pk: 2,
        survey["multiple"].pk: [1, 3],
        survey["scale"].pk: 5,
        survey["ranking"].pk: [1, 2, 0],
        survey["text"].pk: "Tell me by letter.",
    }
    stored = SurveyResponse.objects.get()
    assert stored.participant.user == resident

    again = post(
        signed_in,
        responses_url(module),
        {"answers": [{"question": survey["single"].pk, "value": 0}]},
    )
    assert again.status_code == 200
    assert again.json()["id"] == data["id"]
    assert again.json()["answers"] == [{"question": survey["single"].pk, "value": 0}]
    assert Module.objects.get(pk=module.pk).contribution_count == 1
    assert [e.data["replaced"] for e in audit_events("survey.answered")] == [False, True]


@pytest.mark.parametrize(
    ("values", "kind", "message"),
    [
        ({"single": None}, "single", "Answer this question; it is required."),
        ({"single": 5}, "single", "Choose one of the options given."),
        ({"multiple": [0, 1, 2]}, "multiple", "Choose at most 2 of the options."),
        ({"scale": 0}, "scale", "Choose a whole number from 1 to 5."),
        (
            {"ranking": [0, 0, 1]},
            "ranking",
            "Put every item in order, each in a place of its own.",
        ),
        ({"text": 12}, "text", "Write your answer as text."),
    ],
)
def test_a_bad_answer_is_a_422_naming_the_question(signed_in, survey, values, kind, message):
    response = post(signed_in, responses_url(survey["single"].module), body(survey, **values))
    assert response.status_code == 422
    data = response.json()
    assert data["field"] == f"question_{survey[kind].pk}"
    assert data["detail"] == message
    assert not SurveyResponse.objects.exists()
    # The account's participant made for the refused answer is rolled back too.
    assert not Participant.objects.exists()


def test_a_question_answered_twice_or_unknown_is_refused(signed_in, survey):
    module = survey["single"].module
    twice = body(survey)
    twice["answers"].append({"question": survey["single"].pk, "value": 1})
    response = post(signed_in, responses_url(module), twice)
    assert response.status_code == 422 and response.json()["field"] == "answers"
    unknown = body(survey)
    unknown["answers"].append({"question": 987654, "value": 1})
    response = post(signed_in, responses_url(module), unknown)
    assert response.status_code == 422
    assert "987654" in response.json()["detail"]
    assert not SurveyResponse.objects.exists()


@pytest.mark.parametrize(
    ("kind", "value"),
    [
        ("single", True),
        ("single", 1.0),
        ("scale", True),
        ("multiple", [True, 0]),
        ("ranking", [1.0, 2, 0]),
    ],
)
def test_a_boolean_or_a_float_is_no_answer(signed_in, survey, kind, value):
    # Taken leniently, ``true`` and ``1.0`` would be saved as option 1.
    response = post(
        signed_in, responses_url(survey["single"].module), body(survey, **{kind: value})
    )
    assert response.status_code == 422
    assert not SurveyResponse.objects.exists()


def test_a_free_text_answer_with_a_null_character_is_a_422(signed_in, survey):
    question = survey["text"].pk
    raw = f'{{"answers": [{{"question": {question}, "value": "By \\u0000 letter"}}]}}'
    response = signed_in.post(
        responses_url(survey["single"].module), raw, content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json()["field"] == "answers"
    assert not SurveyResponse.objects.exists()


@pytest.mark.parametrize(
    "payload",
    [
        {},
        {"answers": "all of them"},
        {"answers": [{"value": 1}]},
        {"answers": [{"question": "x"}]},
    ],
)
def test_a_malformed_body_is_a_422(signed_in, survey, payload):
    response = post(signed_in, responses_url(survey["single"].module), payload)
    assert response.status_code == 422
    assert not SurveyResponse.objects.exists()


@pytest.mark.parametrize(("state", "code"), [("closed", "closed"), ("upcoming", "not_open_yet")])
def test_answers_outside_the_dates_are_a_403_with_the_reason(
    signed_in, survey, set_window, state, code
):
    module = survey["single"].module
    set_window(module.process, state)
    response = post(signed_in, responses_url(module), body(survey))
    assert response.status_code == 403
    assert response.json()["code"] == code
    assert not SurveyResponse.objects.exists()


def test_the_process_s_requirement_applies(
    client, make_user, published, make_process, make_question
):
    process = make_process(
        published, modules=("survey",), contribute_requires="confirmed", publish=True
    )
    module = process.modules.get()
    question = make_question(module, "scale")
    # An account is more than a confirmed email: accepted.
    client.force_login(make_user("someone"))
    response = post(
        client, responses_url(module), {"answers": [{"question": question.pk, "value": 3}]}
    )
    assert response.status_code == 201


def test_answering_a_module_that_is_not_a_survey_is_404(signed_in, comments_module):
    response = post(signed_in, responses_url(comments_module), {"answers": []})
    assert response.status_code == 404


def test_the_endpoints_are_in_the_openapi_schema(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    assert "get" in paths["/api/modules/{module_id}/survey"]
    post_op = paths["/api/modules/{module_id}/survey-responses"]["post"]
    assert {"200", "201", "401", "403", "404", "422"} <= set(post_op["responses"])
