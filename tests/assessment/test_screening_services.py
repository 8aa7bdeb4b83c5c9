"""AI Act screenings and fundamental rights assessments through their services."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from participai.accounts.roles import Role
from participai.assessment import ai_act
from participai.assessment.models import (
    AiActScreening,
    AssessmentStatus,
    RightsAssessment,
)
from participai.assessment.services import screening as services
from participai.core.models import AuditEvent
from participai.procurements.models import Procurement, ProcurementStatus

HIGH_RISK_BENEFITS = {"annex_iii_points": ["5(a)"], "profiles_people": True}


def events(action: str):
    return AuditEvent.objects.filter(action=action)


def _complete(officer, procurement, **answers) -> AiActScreening:
    screening = services.screening_start(actor=officer, procurement=procurement)
    services.screening_save_answers(actor=officer, screening=screening, answers=answers)
    return services.screening_complete(actor=officer, screening=screening)


# --------------------------------------------------------------------------
# Screening
# --------------------------------------------------------------------------


def test_start_opens_a_draft_that_says_a_public_body_deploys(officer, procurement):
    screening = services.screening_start(actor=officer, procurement=procurement)
    assert (screening.number, screening.status, screening.stage) == (
        1,
        AssessmentStatus.DRAFT,
        procurement.stage,
    )
    assert screening.answers == {**ai_act.blank_answers(), "deployer_is_public_body": True}
    assert events("screening.started").get().data["number"] == 1


def test_start_returns_the_open_draft_instead_of_a_second_one(officer, procurement):
    first = services.screening_start(actor=officer, procurement=procurement)
    again = services.screening_start(actor=officer, procurement=procurement)
    assert first.pk == again.pk
    assert AiActScreening.objects.count() == 1


def test_a_minimal_use_is_classified_minimal(officer, procurement):
    screening = _complete(officer, procurement)
    assert screening.classification == "minimal"
    assert not screening.fria_required and not screening.eu_registration_required
    assert screening.result["classification"] == "minimal"
    event = events("screening.completed").get()
    assert event.data["classification"] == "minimal"


def test_a_benefits_triage_is_high_risk_and_needs_a_rights_assessment(officer, procurement):
    screening = _complete(officer, procurement, **HIGH_RISK_BENEFITS)
    assert screening.classification == "high_risk"
    assert screening.fria_required and screening.eu_registration_required
    assert screening.result["annex_iii"] == ["5(a)"]
    assert any(r["code"] == "fria_required" for r in screening.result["reasons"])


def test_a_banned_practice_is_prohibited(officer, procurement):
    screening = _complete(officer, procurement, social_scoring=True)
    assert screening.classification == "prohibited"


def test_completing_bumps_the_procurement_version_for_the_public_page(officer, procurement):
    before = Procurement.objects.get(pk=procurement.pk).version
    _complete(officer, procurement)
    assert Procurement.objects.get(pk=procurement.pk).version > before


def test_a_malformed_answer_is_refused_and_nothing_is_saved(officer, procurement):
    screening = services.screening_start(actor=officer, procurement=procurement)
    with pytest.raises(ValidationError) as caught:
        services.screening_save_answers(
            actor=officer,
            screening=screening,
            answers={"social_scoring": "perhaps", "annex_iii_points": ["99(z)"]},
        )
    assert set(caught.value.message_dict) == {"social_scoring", "annex_iii_points"}
    screening.refresh_from_db()
    assert screening.answers["social_scoring"] is False
    assert not events("screening.answers_saved").exists()


def test_completion_names_every_unanswered_question(officer, procurement):
    screening = services.screening_start(actor=officer, procurement=procurement)
    answers = dict(screening.answers)
    del answers["manipulation"]
    AiActScreening.objects.filter(pk=screening.pk).update(answers=answers)
    with pytest.raises(ValidationError) as caught:
        services.screening_complete(actor=officer, screening=screening)
    assert set(caught.value.message_dict) == {"manipulation"}
    assert AiActScreening.objects.get().status == AssessmentStatus.DRAFT


def test_a_completed_screening_is_frozen_and_a_new_one_starts_from_it(officer, procurement):
    first = _complete(officer, procurement, **HIGH_RISK_BENEFITS)
    with pytest.raises(ValidationError):
        services.screening_save_answers(
            actor=officer, screening=first, answers={"manipulation": True}
        )
    with pytest.raises(AiActScreening.Immutable):
        first.answers = {}
        first.save()
    second = services.screening_start(actor=officer, procurement=procurement)
    assert second.number == 2
    assert second.answers["annex_iii_points"] == ["5(a)"]
    assert events("screening.started").last().data["prefilled_from"] == 1


def test_a_cleared_answer_is_saved_and_audited(officer, procurement):
    screening = services.screening_start(actor=officer, procurement=procurement)
    services.screening_save_answers(
        actor=officer, screening=screening, answers={"social_scoring": None}
    )
    screening.refresh_from_db()
    assert "social_scoring" not in screening.answers
    assert events("screening.answers_saved").get().data["questions"] == ["social_scoring"]
    with pytest.raises(ValidationError) as caught:
        services.screening_complete(actor=officer, screening=screening)
    assert "social_scoring" in caught.value.message_dict


def test_saving_the_same_answers_writes_no_audit_event(officer, procurement):
    screening = services.screening_start(actor=officer, procurement=procurement)
    services.screening_save_answers(
        actor=officer, screening=screening, answers={"social_scoring": False}
    )
    assert not events("screening.answers_saved").exists()


@pytest.mark.parametrize("role", [Role.MODERATOR, Role.EVALUATOR, Role.AUDITOR, Role.FACILITATOR])
def test_roles_outside_the_team_may_not_screen(org, make_member, procurement, role):
    with pytest.raises(PermissionDenied):
        services.screening_start(actor=make_member(org, role), procurement=procurement)
    assert not AiActScreening.objects.exists()


def test_another_organisations_officer_may_not_screen(other_org, make_member, procurement):
    with pytest.raises(PermissionDenied):
        services.screening_start(
            actor=make_member(other_org, Role.PROCUREMENT_OFFICER), procurement=procurement
        )


def test_a_closed_procurement_cannot_be_screened(officer, procurement):
    Procurement.objects.filter(pk=procurement.pk).update(status=ProcurementStatus.STOPPED)
    with pytest.raises(PermissionDenied):
        services.screening_start(actor=officer, procurement=procurement)


# --------------------------------------------------------------------------
# Fundamental rights assessment
# --------------------------------------------------------------------------

POINTS = {
    "processes": "Triage of referrals to adult social care.",
    "period_and_frequency": "Every referral, daily, for the three years of the contract.",
    "affected_groups": "Older residents\nDisabled residents\n\nUnpaid carers",
    "risks": "Urgent cases ranked low; people with little written English disadvantaged.",
    "oversight_measures": "A duty social worker confirms every ranking before it is used.",
    "response_measures": "Suspend the ranking; complaints to the ombudsman; quarterly review.",
    "summary": "High-risk triage support with a human decision on every referral.",
}


def test_a_rights_assessment_starts_from_the_affected_people_and_the_screening(
    officer, procurement
):
    screening = _complete(officer, procurement, **HIGH_RISK_BENEFITS)
    assessment = services.rights_assessment_start(actor=officer, procurement=procurement)
    assert assessment.affected_groups == procurement.affected_people.strip()
    assert assessment.screening == screening
    assert events("rights_assessment.started").get().data["screening"] == 1


def test_a_rights_assessment_is_completed_once_every_point_is_written(officer, procurement):
    assessment = services.rights_assessment_start(actor=officer, procurement=procurement)
    services.rights_assessment_save(
        actor=officer, assessment=assessment, texts={"processes": POINTS["processes"]}
    )
    with pytest.raises(ValidationError) as caught:
        services.rights_assessment_complete(actor=officer, assessment=assessment)
    assert "risks" in caught.value.message_dict and "processes" not in caught.value.message_dict
    assert RightsAssessment.objects.get().status == AssessmentStatus.DRAFT

    services.rights_assessment_save(actor=officer, assessment=assessment, texts=POINTS)
    done = services.rights_assessment_complete(actor=officer, assessment=assessment)
    assert done.status == AssessmentStatus.COMPLETED
    assert done.affected_group_list == ["Older residents", "Disabled residents", "Unpaid carers"]
    assert events("rights_assessment.completed").get().data["affected_groups"] == [
        "Older residents",
        "Disabled residents",
        "Unpaid carers",
    ]
    again = services.rights_assessment_start(actor=officer, procurement=procurement)
    assert (again.number, again.risks) == (2, POINTS["risks"])


def test_rights_texts_are_cleaned_and_unknown_points_refused(officer, procurement):
    assessment = services.rights_assessment_start(actor=officer, procurement=procurement)
    with pytest.raises(ValidationError) as caught:
        services.rights_assessment_save(
            actor=officer, assessment=assessment, texts={"processes": "x", "colour": "blue"}
        )
    assert set(caught.value.message_dict) == {"colour"}
    assert RightsAssessment.objects.get().processes == ""
    services.rights_assessment_save(
        actor=officer, assessment=assessment, texts={"processes": "  Triage\x00\x07 of referrals "}
    )
    assert RightsAssessment.objects.get().processes == "Triage of referrals"


def test_an_overlong_point_is_refused(officer, procurement):
    assessment = services.rights_assessment_start(actor=officer, procurement=procurement)
    with pytest.raises(ValidationError) as caught:
        services.rights_assessment_save(
            actor=officer,
            assessment=assessment,
            texts={"risks": "r" * (services.RIGHTS_TEXT_MAX + 1)},
        )
    assert set(caught.value.message_dict) == {"risks"}


def test_an_auditor_may_not_write_a_rights_assessment(org, make_member, officer, procurement):
    assessment = services.rights_assessment_start(actor=officer, procurement=procurement)
    with pytest.raises(PermissionDenied):
        services.rights_assessment_save(
            actor=make_member(org, Role.AUDITOR), assessment=assessment, texts=POINTS
        )
    assert RightsAssessment.objects.get().processes == ""
