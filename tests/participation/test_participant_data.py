"""A participant's own data through the services: the export holds
everything about them and nothing about anyone else; deleting takes them
out while threads stay readable and no total moves."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from participai.accounts.models import Participant, User
from participai.accounts.roles import Role
from participai.core.audit import audit_verify
from participai.core.models import AuditEvent
from participai.participation.models import (
    Contribution,
    ContributionStatus,
    DemographicAnswer,
    DemographicProfile,
    Flag,
    Follow,
    Module,
    Notification,
    PriorityAllocation,
    PriorityBallot,
    PriorityItem,
    StatementVote,
    Support,
    SurveyAnswer,
    SurveyQuestion,
    SurveyResponse,
)
from participai.participation.selectors.participant_data import (
    ParticipantSummary,
    participant_summary,
)
from participai.participation.services import contributions as contribution_services
from participai.participation.services import demographics as demographic_services
from participai.participation.services import moderation
from participai.participation.services import participant_data as services
from participai.participation.services import participants as participant_services
from participai.participation.services.participant_data import REMOVED_PSEUDONYM

ANA_WORDS = "Ana thinks urgent cases need a person the same day."
ANA_REPLY = "Ana agrees with Bo about call backs."
ANA_STATEMENT = "Ana says no automated refusals."
ANA_HIDDEN = "Ana wrote something a moderator hid."
ANA_SURVEY_TEXT = "Ana's free text: my mother waited a month."
ANA_NOTE = "Ana's note to moderators about Bo."
BO_WORDS = "Bo's own words about waiting lists."
BO_STATEMENT = "Bo says humans decide."


@dataclass
class Scene:
    ana: Participant
    bo: Participant
    ana_comment: Contribution
    ana_reply: Contribution
    ana_statement: Contribution
    ana_hidden: Contribution
    bo_comment: Contribution
    bo_statement: Contribution
    survey: Module
    choice_question: SurveyQuestion
    text_question: SurveyQuestion
    dots: Module
    items: list[PriorityItem]


def _survey(process) -> tuple[Module, SurveyQuestion, SurveyQuestion]:
    # Built on the models: the survey services have their own tests.
    module = Module.objects.create(process=process, kind="survey", title="A short survey")
    choice = SurveyQuestion.objects.create(
        module=module, position=1, kind="single", text="How did you hear?", options=["Post", "Web"]
    )
    text = SurveyQuestion.objects.create(
        module=module, position=2, kind="text", text="Anything else?"
    )
    return module, choice, text


def _answer_survey(participant, module, choice, text, *, option, words):
    response = SurveyResponse.objects.create(module=module, participant=participant)
    SurveyAnswer.objects.create(response=response, question=choice, value=option)
    SurveyAnswer.objects.create(response=response, question=text, value=words)
    return response


def _dots(process) -> tuple[Module, list[PriorityItem]]:
    module = Module.objects.create(
        process=process,
        kind="prioritisation",
        title="Spread your points",
        config={"method": "dots", "budget": 10},
    )
    items = [
        PriorityItem.objects.create(module=module, position=n, title=title)
        for n, title in enumerate(["Same-day call back", "Written reasons"], start=1)
    ]
    return module, items


def _ballot(participant, module, items, points):
    ballot = PriorityBallot.objects.create(module=module, participant=participant)
    for item, given in zip(items, points, strict=True):
        PriorityAllocation.objects.create(ballot=ballot, item=item, points=given)
        PriorityItem.objects.filter(pk=item.pk).update(points=item.points + given, ballot_count=1)
    return ballot


@pytest.fixture
def scene(
    open_process, comments_module, statements_module, make_guest, age_question, moderator
) -> Scene:
    """Ana (a confirmed guest) and Bo (another guest) have both taken part
    in every way; Ana's comment has a reply by Bo, and Bo's by Ana."""
    ana = make_guest("Ana R.", confirmed=True)
    bo = make_guest("Bo K.", confirmed=True)
    add = contribution_services.contribution_add
    ana_comment = add(participant=ana, module=comments_module, body=ANA_WORDS)
    bo_comment = add(participant=bo, module=comments_module, body=BO_WORDS)
    ana_reply = add(participant=ana, module=comments_module, body=ANA_REPLY, parent=bo_comment)
    add(participant=bo, module=comments_module, body="Bo replies to Ana.", parent=ana_comment)
    ana_statement = add(participant=ana, module=statements_module, body=ANA_STATEMENT)
    bo_statement = add(participant=bo, module=statements_module, body=BO_STATEMENT)
    ana_hidden = add(participant=ana, module=comments_module, body=ANA_HIDDEN)
    moderation.contribution_hide(actor=moderator, contribution=ana_hidden, reason="Off topic.")
    contribution_services.contribution_support(participant=ana, contribution=bo_comment)
    contribution_services.contribution_support(participant=bo, contribution=ana_comment)
    contribution_services.statement_vote(participant=ana, statement=bo_statement, choice="agree")
    contribution_services.statement_vote(
        participant=bo, statement=ana_statement, choice="disagree"
    )
    contribution_services.contribution_flag(
        participant=ana, contribution=bo_comment, reason="other", note=ANA_NOTE
    )
    contribution_services.contribution_flag(
        participant=bo, contribution=ana_comment, reason="off_topic", note="Bo's note."
    )
    survey, choice, text = _survey(open_process)
    _answer_survey(ana, survey, choice, text, option=0, words=ANA_SURVEY_TEXT)
    _answer_survey(bo, survey, choice, text, option=1, words="Bo's free text.")
    dots, items = _dots(open_process)
    _ballot(ana, dots, items, [7, 3])
    for participant, option in ((ana, 2), (bo, 0)):
        demographic_services.profile_save(
            participant=participant,
            process=open_process,
            answers={age_question.pk: option},
            consent=True,
        )
    for participant in (ana, bo):
        Follow.objects.create(process=open_process, participant=participant)
        Notification.objects.create(
            participant=participant, kind="process_response", process=open_process
        )
        Notification.objects.create(
            participant=participant,
            kind="process_response",
            process=open_process,
            sent_at=timezone.now(),
        )
    for row in (ana, bo, ana_comment, ana_hidden, bo_comment):
        row.refresh_from_db()
    return Scene(
        ana=ana,
        bo=bo,
        ana_comment=ana_comment,
        ana_reply=ana_reply,
        ana_statement=ana_statement,
        ana_hidden=ana_hidden,
        bo_comment=bo_comment,
        bo_statement=bo_statement,
        survey=survey,
        choice_question=choice,
        text_question=text,
        dots=dots,
        items=items,
    )


# --------------------------------------------------------------------------- export


def test_the_export_holds_everything_about_the_participant(scene: Scene):
    data = services.participant_export(scene.ana)
    json.dumps(data)  # JSON-ready as it is
    assert data["format"] == services.EXPORT_FORMAT
    me = data["participant"]
    assert me["pseudonym"] == "Ana R."
    assert me["email"] == scene.ana.email
    assert me["verification"] == "confirmed"
    assert me["email_confirmed_at"]
    assert data["account"] is None

    texts = {c["text"]: c for c in data["contributions"]}
    assert set(texts) == {ANA_WORDS, ANA_REPLY, ANA_STATEMENT, ANA_HIDDEN}
    hidden = texts[ANA_HIDDEN]
    assert hidden["status"] == "hidden"
    assert hidden["moderation_reason"] == "Off topic."
    assert texts[ANA_REPLY]["reply_to"] == scene.bo_comment.pk
    assert texts[ANA_WORDS]["supports"] == 1
    assert texts[ANA_WORDS]["url"].endswith(f"#contribution-{scene.ana_comment.pk}")
    assert texts[ANA_STATEMENT]["votes"] == {"agree": 0, "disagree": 1, "pass": 0}

    assert [s["contribution"] for s in data["supports"]] == [scene.bo_comment.pk]
    assert [(v["contribution"], v["choice"]) for v in data["statement_votes"]] == [
        (scene.bo_statement.pk, "agree")
    ]
    (report,) = data["reports_to_moderators"]
    assert (report["contribution"], report["note"]) == (scene.bo_comment.pk, ANA_NOTE)
    (survey,) = data["survey_responses"]
    assert [a["answer"] for a in survey["answers"]] == ["Post", ANA_SURVEY_TEXT]
    (ballot,) = data["prioritisation_ballots"]
    assert [(a["item"], a["points"]) for a in ballot["allocations"]] == [
        ("Same-day call back", 7),
        ("Written reasons", 3),
    ]
    (profile,) = data["demographic_profiles"]
    assert profile["consented_at"]
    assert profile["answers"] == [
        {"question": "How old are you?", "kind": "age_band", "answer": "65 or older"}
    ]
    assert [f["process"] for f in data["follows"]] == [scene.ana_comment.module.process.slug]
    assert len(data["notifications"]) == 2


def test_the_export_holds_nothing_about_anyone_else(scene: Scene):
    text = json.dumps(services.participant_export(scene.ana), ensure_ascii=False)
    for other in (
        "Bo K.",
        scene.bo.email,
        BO_WORDS,
        BO_STATEMENT,
        "Bo replies to Ana.",
        "Bo's note.",
        "Bo's free text.",
    ):
        assert other not in text
    # Bo's demographic answer (the first age band) is nowhere either.
    assert "16–29" not in text


def test_the_export_of_an_account_holder_includes_the_account(
    open_process, comments_module, resident
):
    participant = participant_services.participant_for_user(resident)
    contribution_services.contribution_add(
        participant=participant, module=comments_module, body="Written with my account."
    )
    data = services.participant_export(participant)
    assert data["participant"]["verification"] == "account"
    assert data["account"]["username"] == "resident"
    assert data["account"]["email"] == resident.email
    assert [c["text"] for c in data["contributions"]] == ["Written with my account."]


def test_the_export_includes_what_became_of_a_contribution(scene: Scene, make_response):
    make_response([scene.ana_comment])
    (answered,) = [
        c
        for c in services.participant_export(scene.ana)["contributions"]
        if c["id"] == scene.ana_comment.pk
    ]
    (response,) = answered["responses"]
    assert response["status"] == "adopted"
    assert response["target"] == "R-7 Same-day call back"


def test_the_export_costs_the_same_number_of_queries_however_much_there_is(
    scene: Scene, comments_module, statements_module, make_contribution
):
    with CaptureQueriesContext(connection) as few:
        services.participant_export(scene.ana)
    # Ana writes more (by assisted entry, which has no rate limit), and votes.
    for n in range(6):
        contribution_services.contribution_add(
            participant=scene.ana,
            module=comments_module,
            body=f"More from Ana, {n}.",
            channel="paper",
            entered_by=scene.ana_comment.module.process.created_by,
        )
    with CaptureQueriesContext(connection) as many:
        services.participant_export(scene.ana)
    assert len(many) == len(few)


# --------------------------------------------------------------------------- delete


def test_deleting_removes_their_words_and_keeps_the_threads(scene: Scene, comments_module):
    counts_before = Contribution.objects.filter(module=comments_module).count()
    module_count = Module.objects.get(pk=comments_module.pk).contribution_count
    services.participant_delete(participant=scene.ana)

    for contribution in (
        scene.ana_comment,
        scene.ana_reply,
        scene.ana_statement,
        scene.ana_hidden,
    ):
        contribution.refresh_from_db()
        assert contribution.status == ContributionStatus.REMOVED
        assert contribution.body == ""
        assert contribution.body_html == ""
    # Every place stays: Bo's reply to Ana still hangs under her removed comment.
    assert Contribution.objects.filter(module=comments_module).count() == counts_before
    assert Module.objects.get(pk=comments_module.pk).contribution_count == module_count
    bo_reply = Contribution.objects.get(parent=scene.ana_comment)
    assert bo_reply.is_visible
    scene.ana_comment.refresh_from_db()
    assert scene.ana_comment.reply_count == 1
    # Bo's words are untouched.
    scene.bo_comment.refresh_from_db()
    assert scene.bo_comment.body == BO_WORDS


def test_deleting_keeps_every_total(scene: Scene):
    services.participant_delete(participant=scene.ana)
    scene.bo_comment.refresh_from_db()
    scene.bo_statement.refresh_from_db()
    scene.ana_comment.refresh_from_db()
    scene.ana_statement.refresh_from_db()
    assert scene.bo_comment.support_count == 1
    assert Support.objects.filter(contribution=scene.bo_comment).count() == 1
    assert scene.bo_statement.agree_count == 1
    assert StatementVote.objects.filter(contribution=scene.bo_statement).count() == 1
    # Votes on and supports of her own (now removed) words stay too.
    assert scene.ana_comment.support_count == 1
    assert scene.ana_statement.disagree_count == 1
    assert SurveyResponse.objects.filter(module=scene.survey).count() == 2
    assert SurveyAnswer.objects.filter(question=scene.choice_question).count() == 2
    assert PriorityBallot.objects.filter(module=scene.dots).count() == 1
    assert [i.points for i in PriorityItem.objects.filter(module=scene.dots)] == [7, 3]
    assert PriorityAllocation.objects.filter(ballot__module=scene.dots).count() == 2
    # Her report on Bo still counts for moderators, without her note.
    report = Flag.objects.get(contribution=scene.bo_comment)
    assert report.note == ""
    scene.bo_comment.refresh_from_db()
    assert scene.bo_comment.flag_count == 1


def test_deleting_drops_what_describes_them(scene: Scene):
    services.participant_delete(participant=scene.ana)
    assert not SurveyAnswer.objects.filter(value=ANA_SURVEY_TEXT).exists()
    assert SurveyAnswer.objects.filter(question=scene.text_question).count() == 1
    assert list(DemographicProfile.objects.values_list("participant", flat=True)) == [scene.bo.pk]
    assert DemographicAnswer.objects.count() == 1
    assert list(Follow.objects.values_list("participant", flat=True)) == [scene.bo.pk]
    # Mail already sent is a fact about the past; mail not yet sent is not sent.
    assert Notification.objects.filter(participant=scene.ana, sent_at__isnull=True).count() == 0
    assert Notification.objects.filter(participant=scene.ana).count() == 1
    assert Notification.objects.filter(participant=scene.bo).count() == 2


def test_deleting_blanks_the_participant_and_keeps_its_row(scene: Scene):
    Participant.objects.filter(pk=scene.ana.pk).update(code_hash="abc", code_attempts=2)
    services.participant_delete(participant=scene.ana)
    ana = Participant.objects.get(pk=scene.ana.pk)
    assert ana.pseudonym == REMOVED_PSEUDONYM
    assert ana.email == ""
    assert ana.confirmed_at is None
    assert (ana.code_hash, ana.code_sent_at, ana.code_attempts) == ("", None, 0)
    assert ana.email_frequency == "never"
    assert ana.removed_at is not None
    assert ana.user_id is None


def test_open_reports_on_their_removed_words_are_resolved(scene: Scene):
    assert scene.ana_comment.flag_count == 1
    services.participant_delete(participant=scene.ana)
    scene.ana_comment.refresh_from_db()
    assert scene.ana_comment.flag_count == 0
    assert not Flag.objects.filter(
        contribution=scene.ana_comment, resolved_at__isnull=True
    ).exists()


def test_deleting_is_audited_without_personal_data(scene: Scene):
    email = scene.ana.email
    services.participant_delete(participant=scene.ana)
    event = AuditEvent.objects.get(action="participant.deleted")
    text = json.dumps(event.data) + event.object_repr + event.actor_label
    for personal in ("Ana R.", email, ANA_WORDS, ANA_NOTE, ANA_SURVEY_TEXT):
        assert personal not in text
    assert event.object_repr == f"participant {scene.ana.pk}"
    assert event.actor_id is None
    assert sorted(event.data["contributions_removed"]) == sorted(
        [
            scene.ana_comment.pk,
            scene.ana_reply.pk,
            scene.ana_statement.pk,
            scene.ana_hidden.pk,
        ]
    )
    assert event.data["demographic_profiles_deleted"] == 1
    assert audit_verify().ok


def test_deleting_twice_changes_nothing_more(scene: Scene):
    services.participant_delete(participant=scene.ana)
    services.participant_delete(participant=scene.ana)
    assert AuditEvent.objects.filter(action="participant.deleted").count() == 1


def test_the_export_after_deleting_holds_nothing_personal(scene: Scene):
    services.participant_delete(participant=scene.ana)
    data = services.participant_export(scene.ana)
    text = json.dumps(data, ensure_ascii=False)
    for personal in ("Ana R.", ANA_WORDS, ANA_NOTE, ANA_SURVEY_TEXT, "65 or older"):
        assert personal not in text
    assert data["participant"]["removed_at"]


def test_an_account_holder_takes_part_afresh_after_deleting(
    open_process, comments_module, resident
):
    old = participant_services.participant_for_user(resident)
    contribution_services.contribution_add(
        participant=old, module=comments_module, body="Before I deleted my data."
    )
    services.participant_delete(participant=old)
    resident.refresh_from_db()
    assert resident.is_active
    new = participant_services.participant_for_user(resident)
    assert new.pk != old.pk
    assert new.removed_at is None
    contribution_services.contribution_add(
        participant=new, module=comments_module, body="After, as someone new."
    )
    assert [c["text"] for c in services.participant_export(new)["contributions"]] == [
        "After, as someone new."
    ]


def test_a_resident_may_close_their_account_too(open_process, comments_module, resident):
    participant = participant_services.participant_for_user(resident)
    contribution_services.contribution_add(
        participant=participant, module=comments_module, body="Mine."
    )
    services.participant_delete(participant=participant, close_account=True)
    user = User.objects.get(pk=resident.pk)
    assert not user.is_active
    assert not user.has_usable_password()
    assert user.username.startswith("closed-")
    assert (user.email, user.first_name, user.last_name, user.display_name) == ("", "", "", "")
    assert AuditEvent.objects.filter(action="user.closed", object_id=str(user.pk)).exists()
    assert audit_verify().ok


def test_a_staff_account_is_never_closed_from_here(
    open_process, comments_module, make_member, org
):
    facilitator = make_member(org, Role.FACILITATOR)
    participant = participant_services.participant_for_user(facilitator)
    contribution_services.contribution_add(
        participant=participant, module=comments_module, body="Staff taking part."
    )
    with pytest.raises(ValidationError) as error:
        services.participant_delete(participant=participant, close_account=True)
    assert "close_account" in error.value.message_dict
    # Nothing happened: the words and the account are as they were.
    assert Contribution.objects.get(participant=participant).body == "Staff taking part."
    facilitator.refresh_from_db()
    assert facilitator.is_active
    assert Participant.objects.get(pk=participant.pk).removed_at is None
    assert not services.may_close_account(facilitator)
    assert not services.may_close_account(None)


def test_a_guest_cannot_close_an_account_they_do_not_have(guest):
    with pytest.raises(ValidationError):
        services.participant_delete(participant=guest, close_account=True)
    guest.refresh_from_db()
    assert guest.removed_at is None


def test_deleting_is_one_transaction_a_late_failure_leaves_everything(
    open_process, comments_module, age_question, resident, monkeypatch
):
    participant = participant_services.participant_for_user(resident)
    contribution_services.contribution_add(
        participant=participant, module=comments_module, body="Still mine."
    )
    demographic_services.profile_save(
        participant=participant,
        process=open_process,
        answers={age_question.pk: 1},
        consent=True,
    )
    Follow.objects.create(process=open_process, participant=participant)

    def fail(user):
        raise RuntimeError("the account could not be closed")

    # The last step fails, after every other write of the deletion.
    monkeypatch.setattr(services, "_close_account", fail)
    with pytest.raises(RuntimeError):
        services.participant_delete(participant=participant, close_account=True)
    participant.refresh_from_db()
    assert (participant.pseudonym, participant.user_id) == ("resident", resident.pk)
    assert participant.removed_at is None
    assert Contribution.objects.get(participant=participant).body == "Still mine."
    assert DemographicProfile.objects.filter(participant=participant).exists()
    assert Follow.objects.filter(participant=participant).exists()
    assert not AuditEvent.objects.filter(action="participant.deleted").exists()


def test_the_summary_counts_each_kind_of_data_in_one_query(
    scene: Scene, django_assert_num_queries
):
    with django_assert_num_queries(1):
        summary = participant_summary(scene.ana)
    assert summary == ParticipantSummary(
        contributions=4,  # the comment, the reply, the statement, and the hidden one
        supports=1,
        statement_votes=1,
        reports=1,
        survey_responses=1,
        prioritisation_ballots=1,
        demographic_profiles=1,
        follows=1,
        notifications=2,
    )
    # Bo's are his own, not counted with hers.
    assert participant_summary(scene.bo).contributions == 3
