"""The survey services: setting questions up (rights, checks, freezing once
answered, order) and answering (the process's rules and dates, one
response per person replaced on answering again, counters, spam, assisted
entry, audit)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from participai.accounts.models import Participant
from participai.accounts.roles import Role
from participai.participation.models import (
    Module,
    ModuleKind,
    SurveyAnswer,
    SurveyQuestion,
    SurveyResponse,
)
from participai.participation.services import processes as process_services
from participai.participation.services import surveys as services
from participai.participation.services.surveys import answer_field


def full_answers(survey: dict) -> dict[int, object]:
    return {
        survey["single"].pk: 1,
        survey["multiple"].pk: [3, 0],
        survey["scale"].pk: "4",
        survey["ranking"].pk: [2, 0, 1],
        survey["text"].pk: "  Call people back before deciding anything.  ",
    }


def positions(module: Module) -> list[tuple[str, int]]:
    return list(
        SurveyQuestion.objects.filter(module=module)
        .order_by("position")
        .values_list("text", "position")
    )


def error_of(call, **kwargs) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        call(**kwargs)
    return caught.value


# --------------------------------------------------------------------------- setting up


def test_an_officer_adds_questions_in_order(officer, survey_module, audit_events):
    first = services.question_add(
        actor=officer,
        module=survey_module,
        kind="single",
        text="  How should we contact you?  ",
        options="By phone\n\n  By letter \nBy email",
        required=True,
        # Fields a single choice does not use are set back to their defaults.
        scale_min=0,
        scale_max=10,
        max_choices=2,
    )
    second = services.question_add(
        actor=officer, module=survey_module, kind="text", text="Anything else?", options=["x"]
    )
    first.refresh_from_db()
    assert (first.position, second.position) == (1, 2)
    assert first.text == "How should we contact you?"
    assert first.options == ["By phone", "By letter", "By email"]
    assert (first.required, first.max_choices, first.scale_min, first.scale_max) == (
        True,
        0,
        1,
        5,
    )
    assert second.options == []
    [event, _] = audit_events("survey.question_added")
    assert event.actor == officer
    assert event.data == {
        "process": survey_module.process.slug,
        "module": survey_module.pk,
        "kind": "single",
        "position": 1,
        "required": True,
    }


def test_a_facilitator_may_set_questions_up(facilitator, survey_module):
    question = services.question_add(
        actor=facilitator, module=survey_module, kind="scale", text="How clear was it?"
    )
    assert (question.scale_min, question.scale_max) == (1, 5)


@pytest.mark.parametrize("role", [Role.MODERATOR, Role.EVALUATOR, Role.AUDITOR])
def test_members_without_the_right_cannot_set_questions_up(
    org, make_member, survey_module, make_question, role
):
    question = make_question(survey_module, "single")
    someone = make_member(org, role, username="someone")
    with pytest.raises(PermissionDenied):
        services.question_add(actor=someone, module=survey_module, kind="text", text="Why?")
    with pytest.raises(PermissionDenied):
        services.question_update(actor=someone, question=question, text="Changed?")
    with pytest.raises(PermissionDenied):
        services.question_move(actor=someone, question=question, direction="down")
    with pytest.raises(PermissionDenied):
        services.question_remove(actor=someone, question=question)
    question.refresh_from_db()
    assert question.text != "Changed?"
    assert SurveyQuestion.objects.count() == 1


def test_another_organisations_officer_cannot_set_questions_up(
    other_org, make_member, survey_module
):
    stranger = make_member(other_org, Role.PROCUREMENT_OFFICER, username="elsewhere")
    with pytest.raises(PermissionDenied):
        services.question_add(actor=stranger, module=survey_module, kind="text", text="Why?")
    assert not SurveyQuestion.objects.exists()


def test_only_a_survey_takes_questions(officer, comments_module):
    error = error_of(
        services.question_add, actor=officer, module=comments_module, kind="text", text="Why?"
    )
    assert error.messages == ["This module is not a survey."]
    assert not SurveyQuestion.objects.exists()


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"kind": "poll"}, "kind"),
        ({"text": " "}, "text"),
        ({"options": ["Only one"]}, "options"),
        ({"options": ["Phone", "PHONE"]}, "options"),
        ({"kind": "multiple", "max_choices": 5}, "max_choices"),
        ({"kind": "scale", "scale_min": 5, "scale_max": 5}, "scale_max"),
        ({"kind": "scale", "scale_min": 0, "scale_max": 20}, "scale_max"),
        ({"kind": "scale", "scale_max_label": "x" * 81}, "scale_max_label"),
    ],
)
def test_a_bad_question_is_refused_by_field(officer, survey_module, fields, field):
    values = {"kind": "single", "text": "Which?", "options": ["Phone", "Letter"]} | fields
    error = error_of(services.question_add, actor=officer, module=survey_module, **values)
    assert field in error.message_dict
    assert not SurveyQuestion.objects.exists()


def test_a_survey_holds_a_limited_number_of_questions(
    officer, survey_module, make_question, monkeypatch
):
    monkeypatch.setattr(services, "QUESTIONS_MAX", 2)
    make_question(survey_module, "text")
    make_question(survey_module, "text")
    error = error_of(
        services.question_add, actor=officer, module=survey_module, kind="text", text="Third?"
    )
    assert "at most 2 questions" in error.messages[0]
    assert SurveyQuestion.objects.count() == 2


def test_a_question_is_changed_and_the_change_audited(
    officer, survey_module, make_question, audit_events
):
    question = make_question(survey_module, "single", "How?")
    services.question_update(
        actor=officer, question=question, kind="multiple", text="How, in any way?", max_choices=2
    )
    question.refresh_from_db()
    assert (question.kind, question.text, question.max_choices) == (
        "multiple",
        "How, in any way?",
        2,
    )
    [event] = audit_events("survey.question_updated")
    assert event.data["fields"] == ["kind", "max_choices", "text"]
    # Switching to free text forgets the options.
    services.question_update(actor=officer, question=question, kind="text")
    question.refresh_from_db()
    assert (question.options, question.max_choices) == ([], 0)


def test_an_update_that_changes_nothing_writes_nothing(
    officer, survey_module, make_question, audit_events
):
    question = make_question(survey_module, "single", "How?")
    services.question_update(actor=officer, question=question, text="  How?  ")
    assert audit_events("survey.question_updated") == []


def test_a_bad_update_changes_nothing(officer, survey_module, make_question):
    question = make_question(survey_module, "single", "How?")
    error = error_of(
        services.question_update, actor=officer, question=question, text="Now?", options=["One"]
    )
    assert "options" in error.message_dict
    question.refresh_from_db()
    assert question.text == "How?"
    with pytest.raises(TypeError):
        services.question_update(actor=officer, question=question, module=survey_module)


def test_removing_closes_the_gap(officer, survey_module, make_question, audit_events):
    _first, second, _third = (make_question(survey_module, "text", f"Q{n}?") for n in (1, 2, 3))
    services.question_remove(actor=officer, question=second)
    assert positions(survey_module) == [("Q1?", 1), ("Q3?", 2)]
    [event] = audit_events("survey.question_removed")
    assert event.data["text"] == "Q2?" and event.data["position"] == 2


def test_moving_up_and_down(officer, survey_module, make_question, audit_events):
    first, second, third = (make_question(survey_module, "text", f"Q{n}?") for n in (1, 2, 3))
    services.question_move(actor=officer, question=third, direction="up")
    assert positions(survey_module) == [("Q1?", 1), ("Q3?", 2), ("Q2?", 3)]
    services.question_move(actor=officer, question=first, direction="down")
    assert positions(survey_module) == [("Q3?", 1), ("Q1?", 2), ("Q2?", 3)]
    assert len(audit_events("survey.question_moved")) == 2
    # At the edges nothing moves, and nothing is written.
    services.question_move(actor=officer, question=third, direction="up")
    services.question_move(actor=officer, question=second, direction="down")
    assert positions(survey_module) == [("Q3?", 1), ("Q1?", 2), ("Q2?", 3)]
    assert len(audit_events("survey.question_moved")) == 2
    error = error_of(services.question_move, actor=officer, question=first, direction="left")
    assert "direction" in error.message_dict


def test_a_question_of_another_survey_is_refused(officer, open_process, make_question):
    one = process_services.module_add(
        actor=officer, process=open_process, kind=ModuleKind.SURVEY, title="One"
    )
    other = process_services.module_add(
        actor=officer, process=open_process, kind=ModuleKind.SURVEY, title="Other"
    )
    question = make_question(one, "text")
    question.module = other  # as a crafted request would pair them
    with pytest.raises(ValidationError):
        services.question_remove(actor=officer, question=question)
    assert SurveyQuestion.objects.filter(pk=question.pk).exists()


def test_questions_freeze_once_answered(officer, survey, guest, audit_events):
    services.survey_answer(
        participant=guest, module=survey["single"].module, answers={survey["single"].pk: 0}
    )
    single = survey["single"]
    for change in (
        {"text": "How, instead?"},
        {"options": ["By phone", "By letter", "By email", "In person"]},
        {"required": False},
        {"kind": "multiple"},
    ):
        error = error_of(services.question_update, actor=officer, question=single, **change)
        assert error.code == "answered"
    assert (
        error_of(
            services.question_add, actor=officer, module=single.module, kind="text", text="More?"
        ).code
        == "answered"
    )
    assert error_of(services.question_remove, actor=officer, question=survey["text"]).code == (
        "answered"
    )
    single.refresh_from_db()
    assert single.text == "How should we contact you?" and len(single.options) == 3
    assert SurveyQuestion.objects.count() == 5
    # What does not change the answers' meaning still can.
    services.question_update(actor=officer, question=single, help_text="Pick the one you read.")
    services.question_move(actor=officer, question=survey["text"], direction="up")
    single.refresh_from_db()
    assert single.help_text == "Pick the one you read."
    assert [q.kind for q in SurveyQuestion.objects.order_by("position")] == [
        "single",
        "multiple",
        "scale",
        "text",
        "ranking",
    ]


# --------------------------------------------------------------------------- answering


def test_a_guest_answers(survey, guest, audit_events):
    module = survey["single"].module
    response, created = services.survey_answer(
        participant=guest, module=module, answers=full_answers(survey)
    )
    assert created is True
    assert (response.participant, response.channel, response.entered_by) == (guest, "online", None)
    stored = dict(response.answers.values_list("question_id", "value"))
    assert stored == {
        survey["single"].pk: 1,
        survey["multiple"].pk: [0, 3],
        survey["scale"].pk: 4,
        survey["ranking"].pk: [2, 0, 1],
        survey["text"].pk: "Call people back before deciding anything.",
    }
    assert Module.objects.get(pk=module.pk).contribution_count == 1
    [event] = audit_events("survey.answered")
    assert event.actor is None
    assert event.data == {
        "process": module.process.slug,
        "module": module.pk,
        "participant": guest.pk,
        "answered": sorted(q.pk for q in survey.values()),
        "replaced": False,
        "channel": "online",
        "assisted": False,
    }
    # What people said stays out of the append-only trail.
    assert "Call people back" not in str(event.data)


def test_answering_again_replaces_every_answer(survey, guest, make_guest, audit_events):
    module = survey["single"].module
    first, _ = services.survey_answer(
        participant=guest, module=module, answers=full_answers(survey)
    )
    services.survey_answer(
        participant=make_guest(), module=module, answers={survey["single"].pk: 0}
    )
    again, created = services.survey_answer(
        participant=guest,
        module=module,
        answers={survey["single"].pk: "2", survey["text"].pk: ""},
    )
    assert created is False and again.pk == first.pk
    assert dict(again.answers.values_list("question_id", "value")) == {survey["single"].pk: 2}
    assert SurveyResponse.objects.filter(participant=guest).count() == 1
    # Two people, two responses: a replacement does not count again.
    assert Module.objects.get(pk=module.pk).contribution_count == 2
    assert SurveyAnswer.objects.count() == 2
    events = audit_events("survey.answered")
    assert [e.data["replaced"] for e in events] == [False, False, True]


def test_an_account_holder_answers(survey, account_participant, resident, audit_events):
    module = survey["single"].module
    services.survey_answer(
        participant=account_participant, module=module, answers={survey["single"].pk: 0}
    )
    [event] = audit_events("survey.answered")
    assert event.actor == resident


def test_a_required_question_must_be_answered(survey, guest):
    module = survey["single"].module
    answers = full_answers(survey)
    del answers[survey["single"].pk]
    error = error_of(services.survey_answer, participant=guest, module=module, answers=answers)
    assert error.message_dict == {
        answer_field(survey["single"].pk): ["Answer this question; it is required."]
    }
    assert not SurveyResponse.objects.exists() and not SurveyAnswer.objects.exists()
    assert Module.objects.get(pk=module.pk).contribution_count == 0


def test_every_bad_answer_is_named_and_nothing_is_saved(survey, guest):
    module = survey["single"].module
    error = error_of(
        services.survey_answer,
        participant=guest,
        module=module,
        answers={
            survey["single"].pk: 7,
            survey["multiple"].pk: [0, 1, 2],
            survey["scale"].pk: 6,
            survey["ranking"].pk: [0, 1],
            survey["text"].pk: "x" * 2001,
            123456: "to nowhere",
        },
    )
    assert error.message_dict == {
        answer_field(survey["single"].pk): ["Choose one of the options given."],
        answer_field(survey["multiple"].pk): ["Choose at most 2 of the options."],
        answer_field(survey["scale"].pk): ["Choose a whole number from 1 to 5."],
        answer_field(survey["ranking"].pk): [
            "Put every item in order, each in a place of its own."
        ],
        answer_field(survey["text"].pk): ["At most 2000 characters; this text has 2001."],
        "answers": ["Answers to questions that are not part of this survey: 123456."],
    }
    assert not SurveyResponse.objects.exists()


def test_a_refused_replacement_keeps_the_earlier_answers(survey, guest):
    module = survey["single"].module
    services.survey_answer(participant=guest, module=module, answers=full_answers(survey))
    with pytest.raises(ValidationError):
        services.survey_answer(participant=guest, module=module, answers={survey["scale"].pk: 3})
    assert SurveyAnswer.objects.count() == 5


def test_a_survey_without_questions_takes_no_answer(survey_module, guest):
    error = error_of(services.survey_answer, participant=guest, module=survey_module, answers={})
    assert error.messages == ["This survey has no questions yet."]
    assert not SurveyResponse.objects.exists()
    assert Module.objects.get(pk=survey_module.pk).contribution_count == 0


def test_only_a_survey_takes_answers(comments_module, guest):
    error = error_of(services.survey_answer, participant=guest, module=comments_module, answers={})
    assert error.messages == ["This module is not a survey."]


@pytest.mark.parametrize(("state", "code"), [("upcoming", "not_open_yet"), ("closed", "closed")])
def test_answers_only_while_open(survey, guest, set_window, state, code):
    module = survey["single"].module
    set_window(module.process, state)
    error = error_of(
        services.survey_answer, participant=guest, module=module, answers=full_answers(survey)
    )
    assert error.code == code
    assert not SurveyResponse.objects.exists()


def test_answers_cannot_change_after_closing(survey, guest, set_window):
    module = survey["single"].module
    services.survey_answer(participant=guest, module=module, answers=full_answers(survey))
    set_window(module.process, "closed")
    error = error_of(
        services.survey_answer, participant=guest, module=module, answers={survey["single"].pk: 0}
    )
    assert error.code == "closed"
    assert SurveyAnswer.objects.get(question=survey["single"]).value == 1


def test_an_unpublished_process_takes_no_answer(
    published, make_process, make_question, guest, officer
):
    process = make_process(published, modules=("survey",))
    module = process.modules.get()
    question = make_question(module, "text")
    error = error_of(
        services.survey_answer, participant=guest, module=module, answers={question.pk: "Hi"}
    )
    assert error.code == "unpublished"


@pytest.mark.parametrize(
    ("requires", "who", "code"),
    [
        ("confirmed", "guest", "needs_confirmation"),
        ("confirmed", "confirmed_guest", None),
        ("confirmed", "account_participant", None),
        ("account", "guest", "needs_account"),
        ("account", "confirmed_guest", "needs_account"),
        ("account", "account_participant", None),
    ],
)
def test_the_process_says_who_may_answer(
    request, published, make_process, make_question, requires, who, code
):
    process = make_process(
        published, modules=("survey",), contribute_requires=requires, publish=True
    )
    module = process.modules.get()
    question = make_question(module, "scale")
    participant = request.getfixturevalue(who)
    if code is None:
        services.survey_answer(participant=participant, module=module, answers={question.pk: 3})
        assert SurveyResponse.objects.filter(participant=participant).exists()
    else:
        error = error_of(
            services.survey_answer,
            participant=participant,
            module=module,
            answers={question.pk: 3},
        )
        assert error.code == code
        assert not SurveyResponse.objects.exists()


def test_guests_free_text_gets_the_spam_check(survey, guest, account_participant):
    module = survey["single"].module
    links = "See http://a.example http://b.example http://c.example"
    answers = {survey["single"].pk: 0, survey["text"].pk: links}
    error = error_of(services.survey_answer, participant=guest, module=module, answers=answers)
    assert error.message_dict == {
        answer_field(survey["text"].pk): ["Guest contributions may hold at most two links."]
    }
    assert not SurveyResponse.objects.exists()
    services.survey_answer(participant=account_participant, module=module, answers=answers)
    assert SurveyResponse.objects.count() == 1


def test_a_facilitator_enters_a_paper_response(survey, facilitator, make_guest, audit_events):
    module = survey["single"].module
    person = make_guest("Maria from the library")
    response, created = services.survey_answer(
        participant=person,
        module=module,
        answers=full_answers(survey)
        | {survey["text"].pk: "www.a.example www.b.example www.c.example"},
        channel="paper",
        entered_by=facilitator,
    )
    assert created
    assert (response.channel, response.entered_by) == ("paper", facilitator)
    assert Module.objects.get(pk=module.pk).contribution_count == 1
    [event] = audit_events("survey.answered")
    assert event.actor == facilitator
    assert (event.data["assisted"], event.data["channel"]) == (True, "paper")


def test_assisted_entry_skips_verification_but_not_the_dates(
    published, make_process, make_question, facilitator, make_guest, set_window
):
    process = make_process(
        published, modules=("survey",), contribute_requires="account", publish=True
    )
    module = process.modules.get()
    question = make_question(module, "scale")
    services.survey_answer(
        participant=make_guest(),
        module=module,
        answers={question.pk: 2},
        channel="phone",
        entered_by=facilitator,
    )
    set_window(process, "closed")
    error = error_of(
        services.survey_answer,
        participant=make_guest(),
        module=module,
        answers={question.pk: 2},
        channel="phone",
        entered_by=facilitator,
    )
    assert error.code == "closed"
    assert SurveyResponse.objects.count() == 1


@pytest.mark.parametrize("role", [Role.MODERATOR, Role.EVALUATOR])
def test_assisted_entry_needs_the_right(org, make_member, survey, make_guest, role):
    someone = make_member(org, role, username="someone")
    with pytest.raises(PermissionDenied):
        services.survey_answer(
            participant=make_guest(),
            module=survey["single"].module,
            answers={survey["single"].pk: 0},
            channel="paper",
            entered_by=someone,
        )
    assert not SurveyResponse.objects.exists()


def test_only_facilitators_enter_offline_channels(survey, guest):
    module = survey["single"].module
    answers = {survey["single"].pk: 0}
    error = error_of(
        services.survey_answer, participant=guest, module=module, answers=answers, channel="paper"
    )
    assert "channel" in error.message_dict
    error = error_of(
        services.survey_answer, participant=guest, module=module, answers=answers, channel="pigeon"
    )
    assert "channel" in error.message_dict
    assert not SurveyResponse.objects.exists()
    assert Participant.objects.filter(pk=guest.pk).exists()


def test_a_facilitator_enters_a_response_under_a_new_guest(survey, facilitator, audit_events):
    module = survey["single"].module
    response = services.survey_answer_for_guest(
        entered_by=facilitator,
        module=module,
        pseudonym="  Pau  ",
        answers={survey["single"].pk: 2},
        channel="phone",
    )
    assert response.participant.pseudonym == "Pau" and response.participant.is_guest
    assert (response.channel, response.entered_by) == ("phone", facilitator)
    # The facilitator's event records the new guest; no anonymous "joined" event
    # claims the guest came on their own.
    [event] = audit_events("survey.answered")
    assert event.actor == facilitator and event.data["participant"] == response.participant.pk
    assert audit_events("participant.guest_joined") == []


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"pseudonym": "P"}, ValidationError),
        ({"answers": {}}, ValidationError),
        ({"channel": "online"}, ValidationError),
        ({"entered_by": "moderator"}, PermissionDenied),
    ],
)
def test_a_refused_assisted_entry_leaves_no_guest(survey, facilitator, moderator, changes, error):
    values = {
        "entered_by": facilitator,
        "module": survey["single"].module,
        "pseudonym": "Pau",
        "answers": {survey["single"].pk: 2},
        "channel": "paper",
    } | changes
    if values["entered_by"] == "moderator":
        values["entered_by"] = moderator
    with pytest.raises(error):
        services.survey_answer_for_guest(**values)
    assert not Participant.objects.exists()
    assert not SurveyResponse.objects.exists()
