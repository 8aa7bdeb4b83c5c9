"""The assessment pages, through real HTTP requests."""

from __future__ import annotations

import pytest

from participai.accounts.roles import Role
from participai.assessment import registry
from participai.assessment.models import AssessmentStatus, ImpactAssessment
from participai.assessment.services import impact as services
from participai.procurements.models import Procurement


@pytest.fixture
def base(procurement):
    return f"/workspace/procurements/{procurement.slug}/assessment"


def test_overview_offers_to_start(client, officer, procurement, base):
    client.force_login(officer)
    html = client.get(f"{base}/").content.decode()
    assert "No assessment yet." in html
    assert "Start the assessment" in html


def test_start_opens_the_first_section(client, officer, procurement, base):
    client.force_login(officer)
    response = client.post(f"{base}/start/")
    first = registry.current().sections[0].key
    assert response["Location"] == f"{base}/1/{first}/"
    page = client.get(response["Location"]).content.decode()
    assert registry.current().question("phase").text("en") in page
    assert ImpactAssessment.objects.get().status == AssessmentStatus.DRAFT


def test_save_and_continue_goes_to_the_next_section_for_the_phase(
    client, officer, procurement, base
):
    client.force_login(officer)
    client.post(f"{base}/start/")
    questionnaire = registry.current()
    first = questionnaire.sections[0]
    response = client.post(
        f"{base}/1/{first.key}/",
        {"phase": "implementation", "entry_route": "tender", "save_and_continue": "1"},
    )
    assert response.status_code == 302
    assert response["Location"] == f"{base}/1/{questionnaire.sections[1].key}/"
    assert ImpactAssessment.objects.get().answers["phase"] == "implementation"


def test_a_bad_answer_re_renders_with_the_error_and_saves_nothing(
    client, officer, procurement, base
):
    client.force_login(officer)
    client.post(f"{base}/start/")
    first = registry.current().sections[0]
    response = client.post(f"{base}/1/{first.key}/", {"phase": "sideways", "save": "1"})
    assert response.status_code == 400
    assert b"usa-error-message" in response.content
    assert ImpactAssessment.objects.get().answers == {}


def test_section_pages_speak_spanish(client, officer, procurement, base):
    client.force_login(officer)
    client.post(f"{base}/start/")
    first = registry.current().sections[0]
    html = client.get(f"{base}/1/{first.key}/", headers={"accept-language": "es"}).content.decode()
    assert registry.current().question("phase").text("es") in html


def test_review_previews_then_completion_fixes_the_level(
    client, officer, procurement, base, maximal_answers
):
    client.force_login(officer)
    draft = services.assessment_start(actor=officer, procurement=procurement)
    services.assessment_save_answers(actor=officer, assessment=draft, answers=maximal_answers)
    assert b"With the answers so far: level IV" in client.get(f"{base}/1/").content
    response = client.post(f"{base}/1/complete/", follow=True)
    assert b"Impact level IV" in response.content
    assert Procurement.objects.get(pk=procurement.pk).impact_level == 4


def test_completing_with_missing_answers_says_what_is_missing(client, officer, procurement, base):
    client.force_login(officer)
    client.post(f"{base}/start/")
    response = client.post(f"{base}/1/complete/", follow=True)
    assert b"cannot be completed yet" in response.content
    # Named by the question's words: the phase, the first required question, is missing.
    assert registry.current().question("phase").text("en").encode() in response.content
    assert ImpactAssessment.objects.get().status == AssessmentStatus.DRAFT


def test_a_completed_assessment_is_read_only(client, officer, procurement, base, minimal_answers):
    draft = services.assessment_start(actor=officer, procurement=procurement)
    services.assessment_save_answers(actor=officer, assessment=draft, answers=minimal_answers)
    services.assessment_complete(actor=officer, assessment=draft)
    client.force_login(officer)
    first = registry.current().sections[0].key
    page = client.get(f"{base}/1/{first}/").content.decode()
    assert "This assessment is read-only." in page
    response = client.post(f"{base}/1/{first}/", {"phase": "implementation", "save": "1"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "start a reassessment instead" in html
    assert 'value="implementation" checked' in html  # what was typed stays on the page
    assert ImpactAssessment.objects.get().answers["phase"] == "design"


@pytest.mark.parametrize("role", [Role.MODERATOR, Role.AUDITOR])
def test_members_without_the_right_can_read_but_not_answer(
    client, org, make_member, officer, procurement, base, role
):
    services.assessment_start(actor=officer, procurement=procurement)
    client.force_login(make_member(org, role))
    assert client.get(f"{base}/").status_code == 200
    assert b"Start the assessment" not in client.get(f"{base}/").content
    assert client.post(f"{base}/start/").status_code == 403
    assert client.post(f"{base}/1/complete/").status_code == 403
    first = registry.current().sections[0].key
    response = client.post(f"{base}/1/{first}/", {"phase": "implementation", "save": "1"})
    assert response.status_code == 403
    assert ImpactAssessment.objects.get().answers == {}


def test_other_bodies_and_residents_get_404(
    client, make_member, other_org, resident, officer, procurement, base
):
    services.assessment_start(actor=officer, procurement=procurement)
    for user in (make_member(other_org, Role.ORG_ADMIN), resident):
        client.force_login(user)
        assert client.get(f"{base}/").status_code == 404
        assert client.get(f"{base}/1/").status_code == 404


def test_unknown_assessment_or_section_is_404(client, officer, procurement, base):
    client.force_login(officer)
    client.post(f"{base}/start/")
    assert client.get(f"{base}/7/").status_code == 404
    assert client.get(f"{base}/1/no-such-section/").status_code == 404


def test_completing_twice_says_it_is_completed_instead_of_failing(
    client, officer, procurement, base, minimal_answers
):
    assessment = services.assessment_start(actor=officer, procurement=procurement)
    services.assessment_save_answers(actor=officer, assessment=assessment, answers=minimal_answers)
    client.force_login(officer)
    assert client.post(f"{base}/1/complete/").status_code == 302
    response = client.post(f"{base}/1/complete/", follow=True)
    assert response.status_code == 200
    assert "This assessment is completed" in response.content.decode()
    assert ImpactAssessment.objects.get().status == AssessmentStatus.COMPLETED
