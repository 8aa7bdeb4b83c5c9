"""An organisation's own questionnaires through real HTTP requests.

The headline test is what a body that already uses Canada's AIA tool does: its
admin uploads the tool's definition, an officer assesses a procurement with it
page by page, and the level is the one the tool gives for the same answers.
"""

from __future__ import annotations

import json
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from participai.accounts.roles import Role
from participai.assessment.forms.questionnaires import AnswersUploadForm, QuestionnaireUploadForm
from participai.assessment.models import ImpactAssessment, OrganisationQuestionnaire
from participai.assessment.selectors import questionnaires as selectors
from participai.assessment.services import impact as impact_services
from participai.assessment.services import questionnaires as services
from participai.core.models import AuditEvent

from .aia_tool import SURVEY, pick_max, pick_realistic, tool_answers, tool_score


@pytest.fixture(scope="module")
def survey_bytes() -> bytes:
    assert SURVEY.exists(), f"{SURVEY} is missing; set PARTICIPAI_STANDARDS_DIR"
    return SURVEY.read_bytes()


@pytest.fixture(scope="module")
def raw(survey_bytes):
    return json.loads(survey_bytes)


@pytest.fixture
def admin(org, make_member):
    return make_member(org, Role.ORG_ADMIN, username="admin")


@pytest.fixture
def list_url(org):
    return f"/workspace/questionnaires/{org.slug}/"


@pytest.fixture
def uploaded(admin, org, survey_bytes):
    return services.questionnaire_upload(
        actor=admin, organisation=org, file_name="survey-enfr.json", content=survey_bytes
    )


def survey_file(content: bytes, name: str = "survey-enfr.json") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/json")


def post_answers(client, base: str, number: int, questionnaire, answers) -> None:
    """Answer through the section pages, as a person would, page by page."""
    for section in questionnaire.sections:
        data = {q.key: answers[q.key] for q in section.questions if q.key in answers} | {
            "save": "1"
        }
        response = client.post(f"{base}/{number}/{section.key}/", data)
        assert response.status_code == 302, (section.key, response.content[:2000])


def test_a_body_runs_the_canadian_aia_here_and_gets_the_tools_level(
    client, admin, officer, procurement, list_url, survey_bytes, raw
):
    # The admin uploads the tool's definition.
    client.force_login(admin)
    response = client.post(list_url, {"file": survey_file(survey_bytes), "version": ""})
    row = OrganisationQuestionnaire.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{list_url}{row.pk}/"
    detail = client.get(response["Location"]).content.decode()
    assert "1.0.1" in detail
    assert row.source_sha256 in detail
    # An officer chooses it when starting the assessment...
    client.force_login(officer)
    base = f"/workspace/procurements/{procurement.slug}/assessment"
    overview = client.get(f"{base}/").content.decode()
    assert f'value="{row.pk}"' in overview
    assert 'value="shipped"' in overview
    response = client.post(f"{base}/start/", {"questionnaire": str(row.pk)})
    assessment = ImpactAssessment.objects.get()
    assert assessment.organisation_questionnaire == row
    questionnaire = selectors.definition_of(row)
    assert response["Location"] == f"{base}/1/{questionnaire.sections[0].key}/"
    # ...answers it page by page (the realistic project, implementation phase)...
    data = tool_answers(raw, "item2", pick_realistic)
    answers = selectors.conversion_of(row).convert_answers(data)
    post_answers(client, base, 1, questionnaire, answers)
    assessment.refresh_from_db()
    assert assessment.answers == answers
    # ...and completes it: the level is the tool's.
    response = client.post(f"{base}/1/complete/", follow=True)
    expected = tool_score(raw, data)
    numeral = ["I", "II", "III", "IV"][expected["level"] - 1]
    assert f"Impact level {numeral}".encode() in response.content
    assessment.refresh_from_db()
    assert assessment.result["total"] == expected["total"]
    assert assessment.level == expected["level"]


def test_answers_saved_by_the_tool_are_read_through_the_review_page(
    client, officer, procurement, uploaded, raw
):
    client.force_login(officer)
    base = f"/workspace/procurements/{procurement.slug}/assessment"
    client.post(f"{base}/start/", {"questionnaire": str(uploaded.pk)})
    review = client.get(f"{base}/1/").content.decode()
    assert "Answers from the Canadian tool" in review
    data = tool_answers(raw, "item1", pick_max)
    response = client.post(
        f"{base}/1/answers/", {"file": survey_file(json.dumps(data).encode(), "aia.json")}
    )
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert f"{len(data)} answers read from the file." in page
    assert "With the answers so far: level IV" in page


def test_a_bad_answers_file_re_renders_the_review_with_the_reason(
    client, officer, procurement, uploaded
):
    client.force_login(officer)
    base = f"/workspace/procurements/{procurement.slug}/assessment"
    client.post(f"{base}/start/", {"questionnaire": str(uploaded.pk)})
    response = client.post(f"{base}/1/answers/", {"file": survey_file(b"{oops", "aia.json")})
    assert response.status_code == 400
    assert b"not valid JSON" in response.content
    assert ImpactAssessment.objects.get().answers == {}


def test_answers_sent_to_an_assessment_completed_meanwhile_say_so(
    client, officer, procurement, uploaded, raw
):
    client.force_login(officer)
    base = f"/workspace/procurements/{procurement.slug}/assessment"
    client.post(f"{base}/start/", {"questionnaire": str(uploaded.pk)})
    data = tool_answers(raw, "item1", pick_max)
    file = survey_file(json.dumps(data).encode(), "aia.json")
    assert client.post(f"{base}/1/answers/", {"file": file}).status_code == 302
    # Completed in another tab; this one still shows the upload form.
    assert client.post(f"{base}/1/complete/").status_code == 302
    completed = ImpactAssessment.objects.get()
    file = survey_file(json.dumps(data).encode(), "aia.json")
    response = client.post(f"{base}/1/answers/", {"file": file})
    assert response.status_code == 302
    assert response["Location"] == f"{base}/1/"
    page = client.get(response["Location"]).content.decode()
    assert "This assessment is completed; start a reassessment instead." in page
    assert "Impact level IV" in page
    assert "Answers from the Canadian tool" not in page
    assert ImpactAssessment.objects.get().answers == completed.answers


def test_the_shipped_questionnaires_review_offers_no_tool_answers(client, officer, procurement):
    client.force_login(officer)
    base = f"/workspace/procurements/{procurement.slug}/assessment"
    client.post(f"{base}/start/")
    assert b"Answers from the Canadian tool" not in client.get(f"{base}/1/").content


def test_without_uploads_the_overview_offers_no_choice(client, officer, procurement):
    client.force_login(officer)
    html = client.get(f"/workspace/procurements/{procurement.slug}/assessment/").content
    assert b'name="questionnaire"' not in html


def test_a_retired_questionnaire_is_no_longer_offered(
    client, admin, officer, procurement, uploaded, list_url
):
    client.force_login(admin)
    response = client.post(f"{list_url}{uploaded.pk}/active/", {"active": "0"})
    assert response.status_code == 302
    uploaded.refresh_from_db()
    assert not uploaded.is_active
    client.force_login(officer)
    base = f"/workspace/procurements/{procurement.slug}/assessment"
    assert b'name="questionnaire"' not in client.get(f"{base}/").content
    # A stale page posting the retired one gets a message, and nothing starts.
    response = client.post(f"{base}/start/", {"questionnaire": str(uploaded.pk)}, follow=True)
    assert b"Choose one of the questionnaires offered." in response.content
    assert not ImpactAssessment.objects.exists()


def test_an_upload_error_re_renders_with_the_reason_and_stores_nothing(client, admin, list_url):
    client.force_login(admin)
    response = client.post(list_url, {"file": survey_file(b"[]", "list.json")})
    assert response.status_code == 400
    assert "neither a ParticipAI questionnaire" in response.content.decode()
    assert not OrganisationQuestionnaire.objects.exists()


def test_an_empty_upload_post_says_what_is_missing(client, admin, list_url):
    client.force_login(admin)
    response = client.post(list_url)
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert not OrganisationQuestionnaire.objects.exists()


@pytest.mark.parametrize("posted", [{}, {"active": "yes"}])
def test_a_garbled_retire_post_changes_nothing_and_says_so(
    client, admin, uploaded, list_url, posted
):
    client.force_login(admin)
    response = client.post(f"{list_url}{uploaded.pk}/active/", posted, follow=True)
    assert "Nothing was changed" in response.content.decode()
    uploaded.refresh_from_db()
    assert uploaded.is_active
    assert not AuditEvent.objects.filter(action="questionnaire.retired").exists()


class UnreadableUpload(SimpleUploadedFile):
    """A file whose content must not be read: its size alone should refuse it."""

    def read(self, *args, **kwargs):
        raise AssertionError("an upload over the limit was read")


def test_an_upload_over_the_limit_is_refused_by_its_size_unread(monkeypatch):
    monkeypatch.setattr(services, "MAX_DEFINITION_BYTES", 1024)
    big = UnreadableUpload("big.json", b" " * 2048, content_type="application/json")
    form = QuestionnaireUploadForm(data={"version": ""}, files={"file": big})
    assert not form.is_valid()
    assert form.errors["file"] == ["The file is 2 KB; the limit is 1 KB."]
    monkeypatch.setattr(impact_services, "MAX_ANSWERS_BYTES", 1024)
    answers = AnswersUploadForm(files={"file": big})
    assert not answers.is_valid()
    assert answers.errors["file"] == ["The file is 2 KB; the limit is 1 KB."]


def test_an_upload_over_the_limit_re_renders_with_the_sizes(
    client, admin, list_url, survey_bytes, monkeypatch
):
    monkeypatch.setattr(services, "MAX_DEFINITION_BYTES", 1024)
    client.force_login(admin)
    response = client.post(list_url, {"file": survey_file(survey_bytes)})
    assert response.status_code == 400
    assert "the limit is 1 KB." in response.content.decode()
    assert not OrganisationQuestionnaire.objects.exists()


def test_an_answers_file_over_the_limit_re_renders_the_review(
    client, officer, procurement, uploaded, monkeypatch
):
    monkeypatch.setattr(impact_services, "MAX_ANSWERS_BYTES", 1024)
    client.force_login(officer)
    base = f"/workspace/procurements/{procurement.slug}/assessment"
    client.post(f"{base}/start/", {"questionnaire": str(uploaded.pk)})
    content = json.dumps({"projectDetailsPhase": "item1", "padding": "x" * 2000}).encode()
    response = client.post(f"{base}/1/answers/", {"file": survey_file(content, "aia.json")})
    assert response.status_code == 400
    assert "the limit is 1 KB." in response.content.decode()
    assert ImpactAssessment.objects.get().answers == {}


def test_section_keys_with_dots_and_colons_have_their_pages(
    client, admin, officer, org, procurement
):
    definition = {
        "id": "northbridge-aia",
        "version": "1.0.0",
        "title": {"en": "Northbridge impact questions"},
        "mitigation_max_rule": "phase",
        "sections": [
            {
                "key": key,
                "title": {"en": f"Part {key}"},
                "kind": "impact",
                "phase": "both",
                "questions": [
                    {
                        "key": f"q{n}",
                        "type": "single",
                        "text": {"en": f"Question {n}"},
                        "choices": [{"key": "no", "label": {"en": "No"}, "points": n}],
                    }
                ],
            }
            for n, key in enumerate(["part.1", "part:2"], start=1)
        ],
    }
    row = services.questionnaire_upload(
        actor=admin,
        organisation=org,
        file_name="own.json",
        content=json.dumps(definition).encode(),
    )
    client.force_login(officer)
    base = f"/workspace/procurements/{procurement.slug}/assessment"
    response = client.post(f"{base}/start/", {"questionnaire": str(row.pk)})
    assert response["Location"] == f"{base}/1/part.1/"
    response = client.post(f"{base}/1/part.1/", {"q1": "no", "save_and_continue": "1"})
    assert response["Location"] == f"{base}/1/part:2/"
    assert b"Question 2" in client.get(response["Location"]).content
    review = client.get(f"{base}/1/").content.decode()
    assert f'href="{base}/1/part:2/"' in review
    assert ImpactAssessment.objects.get().answers == {"q1": "no"}


def test_members_read_but_only_the_admin_uploads(
    client, officer, uploaded, list_url, survey_bytes
):
    client.force_login(officer)
    page = client.get(list_url).content.decode()
    assert uploaded.title in page
    assert 'type="file"' not in page
    assert "Only the organisation's admin" in page
    response = client.post(list_url, {"file": survey_file(survey_bytes), "version": "2"})
    assert response.status_code == 403
    assert client.post(f"{list_url}{uploaded.pk}/active/", {"active": "0"}).status_code == 403
    assert OrganisationQuestionnaire.objects.count() == 1
    assert OrganisationQuestionnaire.objects.get().is_active


def test_other_bodies_and_residents_find_nothing(
    client, uploaded, list_url, other_org, make_member, resident
):
    for user in (make_member(other_org, Role.ORG_ADMIN), resident):
        client.force_login(user)
        assert client.get(list_url).status_code == 404
        assert client.get(f"{list_url}{uploaded.pk}/").status_code == 404
        assert client.get(f"{list_url}{uploaded.pk}/definition.json").status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client, uploaded, list_url):
    for url in (list_url, f"{list_url}{uploaded.pk}/", f"{list_url}{uploaded.pk}/definition.json"):
        response = client.get(url)
        assert response.status_code == 302 and "login" in response["Location"]
    response = client.post(f"{list_url}{uploaded.pk}/active/", {"active": "0"})
    assert response.status_code == 302 and "login" in response["Location"]
    uploaded.refresh_from_db()
    assert uploaded.is_active


def test_a_questionnaire_is_reached_only_through_its_own_body(
    client, admin, org, other_org, make_member, survey_bytes
):
    foreign = services.questionnaire_upload(
        actor=make_member(other_org, Role.ORG_ADMIN),
        organisation=other_org,
        file_name="s.json",
        content=survey_bytes,
    )
    client.force_login(admin)
    assert client.get(f"/workspace/questionnaires/{org.slug}/{foreign.pk}/").status_code == 404


def test_the_definition_downloads_in_participai_format(client, officer, uploaded, list_url):
    client.force_login(officer)
    response = client.get(f"{list_url}{uploaded.pk}/definition.json")
    assert response.status_code == 200
    assert 'filename="canada-aia-1.0.1.json"' in response["Content-Disposition"]
    assert json.load(BytesIO(response.content)) == uploaded.definition


def test_the_detail_page_lists_sections_and_the_assessments_using_it(
    client, officer, procurement, uploaded, list_url
):
    client.force_login(officer)
    client.post(
        f"/workspace/procurements/{procurement.slug}/assessment/start/",
        {"questionnaire": str(uploaded.pk)},
    )
    text = client.get(f"{list_url}{uploaded.pk}/").content.decode()
    questionnaire = selectors.definition_of(uploaded)
    assert questionnaire.sections[1].title("en").replace("'", "&#x27;") in text
    assert "texts missing in your language" not in text
    # The AIA speaks English and French: a Spanish reader is told about the fallback.
    spanish = client.get(f"{list_url}{uploaded.pk}/", headers={"accept-language": "es"})
    assert questionnaire.sections[1].title("en").encode() in spanish.content
    assert b"en, fr" in spanish.content
    assert procurement.title in text


def test_the_dashboard_links_the_admin_to_the_questionnaires(client, admin, officer, list_url):
    client.force_login(admin)
    assert list_url.encode() in client.get("/workspace/").content
    client.force_login(officer)
    assert list_url.encode() not in client.get("/workspace/").content


def test_uploading_is_audited_with_the_file(client, admin, list_url, survey_bytes):
    client.force_login(admin)
    client.post(list_url, {"file": survey_file(survey_bytes, "aia-2024.json")})
    event = AuditEvent.objects.get(action="questionnaire.uploaded")
    assert event.data["file"] == "aia-2024.json"
