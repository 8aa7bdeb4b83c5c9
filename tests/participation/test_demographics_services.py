"""Demographic questions (organisers) and profiles (participants), through
the services: rights per role, validation that saves nothing, consent,
replace semantics, and audit events that never carry an answer."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from participai.accounts.roles import Role
from participai.core.models import AuditEvent
from participai.participation.models import (
    DemographicAnswer,
    DemographicProfile,
    DemographicQuestion,
)
from participai.participation.selectors import demographics as selectors
from participai.participation.services import demographics as services

from .conftest import AGE_OPTIONS


def add(process, actor, **overrides):
    values = {
        "kind": "age_band",
        "label": "How old are you?",
        "options": list(AGE_OPTIONS),
        "benchmarks": [18, 60, 22],
        "benchmark_source": "Census 2021",
        **overrides,
    }
    return services.question_add(actor=actor, process=process, **values)


# --------------------------------------------------------------------------- questions


@pytest.mark.parametrize(
    "role",
    [Role.PROCUREMENT_OFFICER, Role.PROJECT_LEAD, Role.ORG_ADMIN, Role.FACILITATOR],
)
def test_those_who_set_up_participation_add_questions(open_process, make_member, org, role):
    member = make_member(org, role)
    question = add(open_process, member)
    assert question.process == open_process
    assert question.options == list(AGE_OPTIONS)
    assert question.benchmarks == [18.0, 60.0, 22.0]
    assert question.position == 1
    event = AuditEvent.objects.get(action="demographics.question_added")
    assert event.actor_id == member.pk
    assert event.data["options"] == 3


@pytest.mark.parametrize("role", [Role.MODERATOR, Role.AUDITOR])
def test_other_members_may_not_add_questions(open_process, make_member, org, role):
    with pytest.raises(PermissionDenied):
        add(open_process, make_member(org, role))
    assert not DemographicQuestion.objects.exists()


def test_residents_and_other_bodies_may_not_add_questions(
    open_process, resident, make_member, other_org
):
    with pytest.raises(PermissionDenied):
        add(open_process, resident)
    with pytest.raises(PermissionDenied):
        add(open_process, make_member(other_org, Role.PROCUREMENT_OFFICER))
    assert not DemographicQuestion.objects.exists()


def test_questions_come_in_the_order_added(open_process, officer):
    first = add(open_process, officer)
    second = add(
        open_process,
        officer,
        kind="area",
        label="Where do you live?",
        options=["North", "South"],
        benchmarks=[],
    )
    assert [q.pk for q in selectors.questions_of(open_process)] == [first.pk, second.pk]
    assert second.benchmarks == []


def test_options_and_labels_are_cleaned(open_process, officer):
    question = add(
        open_process,
        officer,
        label="  How   old\x07 are you? ",
        options=[" 16–29 ", "30–64", "65  or older"],
    )
    assert question.label == "How old are you?"
    assert question.options == ["16–29", "30–64", "65 or older"]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"kind": "favourite_colour"}, "kind"),
        ({"label": "   "}, "label"),
        ({"label": "x" * 301}, "label"),
        ({"options": []}, "options"),
        ({"options": ["Only one"], "benchmarks": []}, "options"),
        ({"options": ["A", ""], "benchmarks": []}, "options"),
        ({"options": ["Yes", "yes"], "benchmarks": []}, "options"),
        ({"options": "16–29, 30–64", "benchmarks": []}, "options"),
        ({"options": [f"o{i}" for i in range(21)], "benchmarks": []}, "options"),
        ({"options": ["x" * 101, "y"], "benchmarks": []}, "options"),
        ({"benchmarks": [18, 60]}, "benchmarks"),
        ({"benchmarks": [18, 60, -1]}, "benchmarks"),
        ({"benchmarks": [18, 60, 101]}, "benchmarks"),
        ({"benchmarks": [50, 40, 11]}, "benchmarks"),
        ({"benchmarks": [18, "many", 22]}, "benchmarks"),
        ({"benchmark_source": ""}, "benchmark_source"),
        ({"benchmark_source": "x" * 301}, "benchmark_source"),
    ],
)
def test_bad_questions_are_refused_by_field_and_nothing_is_saved(
    open_process, officer, overrides, field
):
    with pytest.raises(ValidationError) as error:
        add(open_process, officer, **overrides)
    assert field in error.value.message_dict
    assert not DemographicQuestion.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="demographics.").exists()


def test_benchmarks_may_leave_some_options_unknown_and_round_a_little_over(open_process, officer):
    question = add(open_process, officer, benchmarks=[33.4, None, 33.5])
    assert question.benchmarks == [33.4, None, 33.5]
    question = add(open_process, officer, benchmarks=[None, None, None], benchmark_source="")
    assert question.benchmarks == []


def test_a_process_asks_a_few_questions_not_a_census(open_process, officer):
    for n in range(services.QUESTIONS_MAX):
        add(open_process, officer, label=f"Question {n}")
    with pytest.raises(ValidationError):
        add(open_process, officer, label="One too many")
    assert DemographicQuestion.objects.count() == services.QUESTIONS_MAX


def test_questions_change_freely_until_answered(open_process, officer, age_question):
    question = services.question_update(
        actor=officer,
        question=age_question,
        label="Your age?",
        options=["Under 30", "30 to 64", "65 and over"],
    )
    assert question.label == "Your age?"
    assert question.options == ["Under 30", "30 to 64", "65 and over"]
    event = AuditEvent.objects.get(action="demographics.question_updated")
    assert event.data["fields"] == ["label", "options"]


def test_updating_with_the_same_values_records_nothing(officer, age_question):
    services.question_update(actor=officer, question=age_question, label="How old are you?")
    assert not AuditEvent.objects.filter(action="demographics.question_updated").exists()


def test_once_answered_only_benchmarks_and_their_source_change(
    officer, open_process, age_question, guest
):
    services.profile_save(
        participant=guest, process=open_process, answers={age_question.pk: 0}, consent=True
    )
    with pytest.raises(ValidationError) as error:
        services.question_update(
            actor=officer, question=age_question, options=["65 or older", "16–29", "30–64"]
        )
    assert "options" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.question_update(actor=officer, question=age_question, label="Your age?")
    assert "label" in error.value.message_dict
    age_question.refresh_from_db()
    assert age_question.options == list(AGE_OPTIONS)
    question = services.question_update(
        actor=officer,
        question=age_question,
        benchmarks=[17, 61, 22],
        benchmark_source="Census 2021, updated",
    )
    assert question.benchmarks == [17.0, 61.0, 22.0]


def test_update_refuses_bad_values_and_unknown_fields(officer, age_question, make_member, org):
    with pytest.raises(ValidationError):
        services.question_update(actor=officer, question=age_question, benchmarks=[90, 90, 0])
    with pytest.raises(TypeError):
        services.question_update(actor=officer, question=age_question, position=4)
    with pytest.raises(PermissionDenied):
        services.question_update(
            actor=make_member(org, Role.MODERATOR), question=age_question, label="Age?"
        )
    age_question.refresh_from_db()
    assert age_question.benchmarks == [18.0, 60.0, 22.0]
    assert age_question.label == "How old are you?"


def test_removing_a_question_deletes_its_answers(officer, open_process, age_question, guest):
    services.profile_save(
        participant=guest, process=open_process, answers={age_question.pk: 2}, consent=True
    )
    assert services.question_remove(actor=officer, question=age_question) == 1
    assert not DemographicQuestion.objects.exists()
    assert not DemographicAnswer.objects.exists()
    event = AuditEvent.objects.get(action="demographics.question_removed")
    assert event.data["answers_deleted"] == 1


def test_only_managers_remove_questions(age_question, make_member, org):
    with pytest.raises(PermissionDenied):
        services.question_remove(actor=make_member(org, Role.MODERATOR), question=age_question)
    assert DemographicQuestion.objects.filter(pk=age_question.pk).exists()


# --------------------------------------------------------------------------- profiles


@pytest.fixture
def area_question(open_process, make_demographic_question):
    return make_demographic_question(
        open_process,
        kind="area",
        label="Where do you live?",
        options=["North", "South"],
        benchmarks=[],
        benchmark_source="",
    )


@pytest.mark.parametrize("who", ["guest", "confirmed_guest", "account_participant"])
def test_participants_save_answers_with_consent(
    request, open_process, age_question, area_question, who
):
    participant = request.getfixturevalue(who)
    profile = services.profile_save(
        participant=participant,
        process=open_process,
        answers={age_question.pk: 2, area_question.pk: None},
        consent=True,
    )
    assert profile.consented_at is not None
    assert selectors.answers_of(participant, open_process) == {
        age_question.pk: 2,
        area_question.pk: None,
    }


def test_a_question_left_out_is_prefer_not_to_say(
    open_process, age_question, area_question, guest
):
    services.profile_save(
        participant=guest, process=open_process, answers={age_question.pk: 1}, consent=True
    )
    assert selectors.answers_of(guest, open_process) == {
        age_question.pk: 1,
        area_question.pk: None,
    }


@pytest.mark.parametrize("consent", [False, None, "yes", 1])
def test_nothing_is_kept_without_explicit_consent(open_process, age_question, guest, consent):
    with pytest.raises(ValidationError) as error:
        services.profile_save(
            participant=guest, process=open_process, answers={age_question.pk: 0}, consent=consent
        )
    assert "consent" in error.value.message_dict
    assert not DemographicProfile.objects.exists()


@pytest.mark.parametrize("option", [3, -1, "0", True, 1.0])
def test_an_option_not_offered_is_refused_and_nothing_is_saved(
    open_process, age_question, guest, option
):
    with pytest.raises(ValidationError) as error:
        services.profile_save(
            participant=guest,
            process=open_process,
            answers={age_question.pk: option},
            consent=True,
        )
    assert services.answer_field(age_question) in error.value.message_dict
    assert not DemographicProfile.objects.exists()
    assert not DemographicAnswer.objects.exists()


def test_answers_to_another_process_are_refused(
    open_process, age_question, guest, published, make_process, make_demographic_question
):
    other = make_process(published, modules=("comments",), publish=True)
    other_question = make_demographic_question(other)
    with pytest.raises(ValidationError) as error:
        services.profile_save(
            participant=guest,
            process=open_process,
            answers={age_question.pk: 0, other_question.pk: 1},
            consent=True,
        )
    assert "answers" in error.value.message_dict
    assert not DemographicProfile.objects.exists()


def test_saving_again_replaces_the_answers(open_process, age_question, guest):
    first = services.profile_save(
        participant=guest, process=open_process, answers={age_question.pk: 0}, consent=True
    )
    second = services.profile_save(
        participant=guest, process=open_process, answers={age_question.pk: 2}, consent=True
    )
    assert first.pk == second.pk
    assert DemographicAnswer.objects.filter(profile=second).count() == 1
    assert selectors.answers_of(guest, open_process) == {age_question.pk: 2}
    events = AuditEvent.objects.filter(action="demographics.profile_saved").order_by("seq")
    assert [e.data["replaced"] for e in events] == [False, True]


def test_the_audit_trail_never_holds_an_answer(open_process, age_question, guest):
    services.profile_save(
        participant=guest, process=open_process, answers={age_question.pk: 2}, consent=True
    )
    services.profile_delete(participant=guest, process=open_process)
    for event in AuditEvent.objects.filter(action__startswith="demographics.profile"):
        text = str(event.data) + event.object_repr
        assert "65 or older" not in text
        assert "option" not in text


def test_a_process_without_questions_takes_no_profile(open_process, guest):
    with pytest.raises(ValidationError):
        services.profile_save(participant=guest, process=open_process, answers={}, consent=True)
    assert not DemographicProfile.objects.exists()


def test_answers_are_refused_once_the_process_closed_or_before_it_opens(
    open_process, age_question, guest, set_window
):
    for state, code in (("closed", "closed"), ("upcoming", "not_open_yet")):
        set_window(open_process, state)
        with pytest.raises(ValidationError) as error:
            services.profile_save(
                participant=guest, process=open_process, answers={age_question.pk: 0}, consent=True
            )
        assert error.value.code == code
    assert not DemographicProfile.objects.exists()


def test_an_account_only_process_refuses_guests(
    open_process, age_question, guest, account_participant
):
    open_process.read_requires = "account"
    open_process.save()
    with pytest.raises(ValidationError):
        services.profile_save(
            participant=guest, process=open_process, answers={age_question.pk: 0}, consent=True
        )
    services.profile_save(
        participant=account_participant,
        process=open_process,
        answers={age_question.pk: 0},
        consent=True,
    )
    assert DemographicProfile.objects.get().participant == account_participant


def test_an_unpublished_process_takes_no_answers(
    published, make_process, make_demographic_question, guest
):
    draft = make_process(published, modules=("comments",))
    question = make_demographic_question(draft)
    with pytest.raises(ValidationError) as error:
        services.profile_save(
            participant=guest, process=draft, answers={question.pk: 0}, consent=True
        )
    assert error.value.code == "unpublished"


def test_a_removed_participant_cannot_answer(open_process, age_question, guest):
    from participai.participation.services.participant_data import participant_delete

    participant_delete(participant=guest)
    with pytest.raises(ValidationError):
        services.profile_save(
            participant=guest, process=open_process, answers={age_question.pk: 0}, consent=True
        )
    assert not DemographicProfile.objects.exists()


def test_deleting_a_profile_deletes_answers_and_consent(open_process, age_question, guest):
    services.profile_save(
        participant=guest, process=open_process, answers={age_question.pk: 0}, consent=True
    )
    assert services.profile_delete(participant=guest, process=open_process) is True
    assert not DemographicProfile.objects.exists()
    assert not DemographicAnswer.objects.exists()
    assert selectors.answers_of(guest, open_process) is None
    assert services.profile_delete(participant=guest, process=open_process) is False
    assert AuditEvent.objects.filter(action="demographics.profile_deleted").count() == 1


def test_deleting_is_allowed_after_the_process_closed(
    open_process, age_question, guest, set_window
):
    services.profile_save(
        participant=guest, process=open_process, answers={age_question.pk: 0}, consent=True
    )
    set_window(open_process, "closed")
    assert services.profile_delete(participant=guest, process=open_process) is True


def test_one_participant_deleting_leaves_others_alone(
    open_process, age_question, guest, confirmed_guest
):
    for participant in (guest, confirmed_guest):
        services.profile_save(
            participant=participant,
            process=open_process,
            answers={age_question.pk: 0},
            consent=True,
        )
    services.profile_delete(participant=guest, process=open_process)
    assert list(DemographicProfile.objects.values_list("participant", flat=True)) == [
        confirmed_guest.pk
    ]


# --------------------------------------------------------------------------- the aggregate


def test_representativeness_counts_in_groups_of_five_with_a_fixed_number_of_queries(
    open_process, age_question, make_guest, django_assert_num_queries
):
    def answer(option, n):
        for _ in range(n):
            services.profile_save(
                participant=make_guest(),
                process=open_process,
                answers={age_question.pk: option},
                consent=True,
            )

    answer(0, 6)
    answer(1, 15)
    answer(2, 2)
    answer(None, 1)
    with django_assert_num_queries(2):
        panel = selectors.representativeness(open_process)
    assert panel.is_open
    assert panel.respondents == 24
    (item,) = panel.panels
    rows = item.summary.rows
    assert [row.count for row in rows] == [6, 15, None, None]
    answer(1, 20)
    with django_assert_num_queries(2):
        selectors.representativeness(open_process)
