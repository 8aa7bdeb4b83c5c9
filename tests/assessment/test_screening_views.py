"""The AI Act screening and fundamental rights pages, through real HTTP requests."""

from __future__ import annotations

import pytest

from participai.accounts.roles import Role
from participai.assessment.models import AiActScreening, AssessmentStatus, RightsAssessment
from participai.core.models import AuditEvent


@pytest.fixture
def base(procurement):
    return f"/workspace/procurements/{procurement.slug}/assessment"


def _form(**overrides) -> dict:
    """A full screening form that declares nothing, as a browser posts it."""
    data = {
        "deployer_is_public_body": "yes",
        "social_scoring": "no",
        "manipulation": "no",
        "exploiting_vulnerabilities": "no",
        "realtime_remote_biometric_identification": "no",
        "emotion_recognition_work_education": "no",
        "predictive_policing": "no",
        "untargeted_facial_scraping": "no",
        "sensitive_biometric_categorisation": "no",
        "derogation": "none",
        "profiles_people": "no",
        "interacts_with_people": "no",
        "generates_content": "no",
        "emotion_or_biometric_categorisation": "no",
    }
    return data | overrides


def test_overview_lists_nothing_and_offers_to_start(client, officer, base):
    client.force_login(officer)
    html = client.get(f"{base}/ai-act/").content.decode()
    assert "No screening yet." in html
    assert "Start the screening" in html
    assert "Start the fundamental rights assessment" in html


def test_start_then_complete_a_high_risk_screening(client, officer, base):
    client.force_login(officer)
    response = client.post(f"{base}/ai-act/start/")
    assert response["Location"] == f"{base}/ai-act/1/"
    form_page = client.get(response["Location"]).content.decode()
    assert "Banned practices" in form_page and "5(a)" in form_page
    response = client.post(
        f"{base}/ai-act/1/",
        _form(annex_iii_points=["5(a)"], profiles_people="yes", complete="1"),
    )
    assert response.status_code == 302
    screening = AiActScreening.objects.get()
    assert screening.status == AssessmentStatus.COMPLETED
    assert screening.classification == "high_risk"
    result = client.get(f"{base}/ai-act/1/").content.decode()
    assert "Result:" in result and "High risk" in result
    assert "A fundamental rights impact assessment is required" in result
    overview = client.get(f"{base}/ai-act/").content.decode()
    assert "None yet, and one is required." in overview


def test_saving_a_draft_keeps_it_open(client, officer, base):
    client.force_login(officer)
    client.post(f"{base}/ai-act/start/")
    response = client.post(f"{base}/ai-act/1/", _form(interacts_with_people="yes", save="1"))
    assert response.status_code == 302
    screening = AiActScreening.objects.get()
    assert screening.is_draft and screening.answers["interacts_with_people"] is True


def test_a_bad_choice_re_renders_with_the_error_and_saves_nothing(client, officer, base):
    client.force_login(officer)
    client.post(f"{base}/ai-act/start/")
    response = client.post(f"{base}/ai-act/1/", _form(predictive_policing="always", save="1"))
    assert response.status_code == 400
    assert b"usa-error-message" in response.content
    assert AiActScreening.objects.get().answers["predictive_policing"] == "no"


def test_completing_with_a_question_unanswered_says_which_and_keeps_the_rest(
    client, officer, base
):
    client.force_login(officer)
    client.post(f"{base}/ai-act/start/")
    AiActScreening.objects.update(answers={})
    data = _form(complete="1")
    del data["manipulation"]
    response = client.post(f"{base}/ai-act/1/", data)
    assert response.status_code == 400
    assert "Answer this question." in response.content.decode()
    screening = AiActScreening.objects.get()
    assert screening.is_draft
    # What was typed is kept: the draft holds every other answer now.
    assert screening.answers["social_scoring"] is False and "manipulation" not in screening.answers


def test_a_completed_screening_refuses_a_stale_form(client, officer, base):
    client.force_login(officer)
    client.post(f"{base}/ai-act/start/")
    client.post(f"{base}/ai-act/1/", _form(complete="1"))
    response = client.post(f"{base}/ai-act/1/", _form(social_scoring="yes", save="1"))
    assert response.status_code == 400
    assert "This screening is completed" in response.content.decode()
    assert AiActScreening.objects.get().classification == "minimal"


def test_an_auditor_reads_but_may_not_answer(client, org, make_member, officer, base):
    client.force_login(officer)
    client.post(f"{base}/ai-act/start/")
    auditor = make_member(org, Role.AUDITOR)
    client.force_login(auditor)
    page = client.get(f"{base}/ai-act/1/")
    assert page.status_code == 200
    assert b"only the procurement team can edit it" in page.content
    assert b"Save and complete" not in page.content
    assert client.post(f"{base}/ai-act/1/", _form(save="1")).status_code == 403
    assert client.post(f"{base}/ai-act/start/").status_code == 403


def test_other_organisations_and_anonymous_visitors_do_not_reach_it(
    client, other_org, make_member, base
):
    assert client.get(f"{base}/ai-act/").status_code == 302
    client.force_login(make_member(other_org, Role.PROCUREMENT_OFFICER))
    assert client.get(f"{base}/ai-act/").status_code == 404
    assert client.post(f"{base}/ai-act/start/").status_code == 404


def test_an_unknown_screening_number_is_a_404(client, officer, base):
    client.force_login(officer)
    assert client.get(f"{base}/ai-act/7/").status_code == 404
    assert client.get(f"{base}/rights/7/").status_code == 404


def test_the_rights_assessment_form_saves_and_completes(client, officer, procurement, base):
    client.force_login(officer)
    response = client.post(f"{base}/rights/start/")
    assert response["Location"] == f"{base}/rights/1/"
    page = client.get(f"{base}/rights/1/").content.decode()
    assert "(d) specific risks of harm to those people" in page
    texts = {point: f"Written answer for {point}." for point in RightsAssessment.POINTS}
    response = client.post(f"{base}/rights/1/", {**texts, "risks": "", "complete": "1"})
    assert response.status_code == 400
    assert "Answer this point before completing." in response.content.decode()
    assert RightsAssessment.objects.get().processes == "Written answer for processes."
    response = client.post(f"{base}/rights/1/", {**texts, "complete": "1"})
    assert response.status_code == 302
    assessment = RightsAssessment.objects.get()
    assert assessment.status == AssessmentStatus.COMPLETED
    record = client.get(f"{base}/rights/1/").content.decode()
    assert "Written answer for risks." in record and "<textarea" not in record
    assert AuditEvent.objects.filter(action="rights_assessment.completed").count() == 1


def test_a_facilitator_may_not_start_a_rights_assessment(client, org, make_member, base):
    client.force_login(make_member(org, Role.FACILITATOR))
    assert client.post(f"{base}/rights/start/").status_code == 403
    assert not RightsAssessment.objects.exists()


def test_a_stale_rights_form_keeps_what_was_typed(client, officer, base):
    client.force_login(officer)
    client.post(f"{base}/rights/start/")
    texts = {point: f"Written answer for {point}." for point in RightsAssessment.POINTS}
    client.post(f"{base}/rights/1/", {**texts, "complete": "1"})
    typed = "A long paragraph typed in another tab after a colleague completed it."
    response = client.post(f"{base}/rights/1/", {**texts, "risks": typed, "save": "1"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "This assessment is completed" in page
    assert typed in page and "Save the draft" not in page
    assert RightsAssessment.objects.get().risks == "Written answer for risks."
