"""An organisation's own impact questionnaires: upload, retire, assess with one.

The headline case runs the real Canadian AIA definition from
``../shared/data/standards/canada-aia/`` through the web pages, as a body that
already uses the tool would, and checks the level against ``aia_tool``'s
independent reading of the tool's rule.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from participai.accounts.roles import Role
from participai.assessment import registry
from participai.assessment.models import (
    AssessmentStatus,
    ImpactAssessment,
    OrganisationQuestionnaire,
    QuestionnaireFormat,
)
from participai.assessment.selectors import questionnaires as selectors
from participai.assessment.services import impact as impact_services
from participai.assessment.services import questionnaires as services
from participai.core.models import AuditEvent

from .aia_tool import SURVEY, pick_max, pick_min, pick_realistic, tool_answers, tool_score


@pytest.fixture(scope="module")
def survey_bytes() -> bytes:
    assert SURVEY.exists(), f"{SURVEY} is missing; set PARTICIPAI_STANDARDS_DIR"
    return SURVEY.read_bytes()


@pytest.fixture(scope="module")
def raw(survey_bytes) -> dict[str, Any]:
    return json.loads(survey_bytes)


@pytest.fixture
def admin(org, make_member):
    return make_member(org, Role.ORG_ADMIN, username="admin")


@pytest.fixture
def upload(admin, org, survey_bytes):
    """Upload the real AIA definition as ``org``'s admin."""

    def do(content: bytes = survey_bytes, **kwargs) -> OrganisationQuestionnaire:
        return services.questionnaire_upload(
            actor=admin,
            organisation=org,
            file_name=kwargs.pop("file_name", "survey-enfr.json"),
            content=content,
            **kwargs,
        )

    return do


def own_questionnaire(version: str = "1.0.0", qid: str = "northbridge-aia") -> dict[str, Any]:
    """A small questionnaire in ParticipAI's format, as a body could write its own."""
    return {
        "id": qid,
        "version": version,
        "title": {"en": "Northbridge impact questions"},
        "mitigation_max_rule": "phase",
        "sections": [
            {
                "key": "impact",
                "title": {"en": "Impact"},
                "kind": "impact",
                "phase": "both",
                "questions": [
                    {
                        "key": "reversible",
                        "type": "single",
                        "text": {"en": "Can a decision be reversed?"},
                        "required": True,
                        "choices": [
                            {"key": "yes", "label": {"en": "Yes"}, "points": 0},
                            {"key": "no", "label": {"en": "No"}, "points": 4},
                        ],
                    }
                ],
            }
        ],
    }


def as_bytes(data: Any) -> bytes:
    return json.dumps(data).encode()


def file_errors(excinfo: pytest.ExceptionInfo[ValidationError], field: str = "file") -> str:
    return " ".join(excinfo.value.message_dict[field])


# Upload ---------------------------------------------------------------------------------


def test_the_admin_uploads_the_real_aia_definition(upload, admin, org, survey_bytes):
    row = upload()
    assert (row.questionnaire_id, row.version) == ("canada-aia", "1.0.1")
    assert row.source_format == QuestionnaireFormat.AIA_SURVEYJS
    assert row.warnings == []
    assert row.is_active
    assert len(row.source_sha256) == 64
    assert row.title == selectors.definition_of(row).title("en")
    # Stored in ParticipAI's format, so the scorer never reads SurveyJS again.
    assert row.definition["mitigation_max_rule"] == "half_of_all"
    assert ["projectDetailsPhase", "phase"] in row.key_map
    event = AuditEvent.objects.get(action="questionnaire.uploaded")
    assert event.actor == admin
    assert event.organisation_id_ref == org.pk
    assert event.data["questionnaire"] == "canada-aia 1.0.1"


def test_a_questionnaire_in_participai_format_is_taken_as_it_is(upload):
    row = upload(as_bytes(own_questionnaire()), file_name="own.json")
    assert row.source_format == QuestionnaireFormat.PARTICIPAI
    assert (row.questionnaire_id, row.version, row.key_map) == ("northbridge-aia", "1.0.0", [])
    assert row.definition == selectors.definition_of(row).to_dict()


@pytest.mark.parametrize("role", [r for r in Role.values if r != Role.ORG_ADMIN])
def test_only_the_admin_uploads(role, org, make_member, survey_bytes):
    member = make_member(org, role)
    with pytest.raises(PermissionDenied):
        services.questionnaire_upload(
            actor=member, organisation=org, file_name="s.json", content=survey_bytes
        )
    assert not OrganisationQuestionnaire.objects.exists()


def test_an_admin_of_another_body_cannot_upload_here(other_org, org, make_member, survey_bytes):
    stranger = make_member(other_org, Role.ORG_ADMIN)
    with pytest.raises(PermissionDenied):
        services.questionnaire_upload(
            actor=stranger, organisation=org, file_name="s.json", content=survey_bytes
        )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\xff\xfe{}", "not UTF-8"),
        (b'{"pages": [}', "not valid JSON: Expecting value at line 1, column 12"),
        (b"[1, 2]", "neither a ParticipAI questionnaire"),
        (b'{"title": "no pages"}', "neither a ParticipAI questionnaire"),
        (b'{"pages": "not a list"}', "This SurveyJS definition cannot be imported"),
        (b"[" * 100_000 + b"]" * 100_000, "nests its data too deeply"),
        (b"[" + b"7" * 5000 + b"]", "holds a number too long to read"),
        (
            as_bytes({**own_questionnaire(), "mitigation_max_rule": "all"}),
            "This questionnaire is not valid: mitigation_max_rule",
        ),
        # JSON escapes that no stored text can hold (PostgreSQL answered 500).
        (
            as_bytes({**own_questionnaire(), "title": {"en": "Nul\u0000l"}}),
            "cannot be stored: a null character",
        ),
        (
            as_bytes({**own_questionnaire(), "title": {"en": "Half \ud800 a pair"}}),
            "half of a surrogate pair",
        ),
        (
            as_bytes({**own_questionnaire(), "sections": [{"k\u0000": 1}]}),
            "cannot be stored",
        ),
    ],
)
def test_an_unusable_file_is_refused_with_the_reason(upload, content, message):
    with pytest.raises(ValidationError) as excinfo:
        upload(content)
    assert message in file_errors(excinfo)
    assert not OrganisationQuestionnaire.objects.exists()
    assert not AuditEvent.objects.filter(action="questionnaire.uploaded").exists()


def test_a_file_over_the_limit_is_refused(upload, monkeypatch):
    monkeypatch.setattr(services, "MAX_DEFINITION_BYTES", 1024)
    with pytest.raises(ValidationError) as excinfo:
        upload()
    # Sizes read as elsewhere in the product (procurements.uploads.human_size).
    assert "the limit is 1 KB" in file_errors(excinfo)
    assert not OrganisationQuestionnaire.objects.exists()


@pytest.mark.parametrize("qid", ["has space", "x" * 81, 'quote"d', "-leading"])
def test_an_id_the_column_cannot_hold_is_refused(upload, qid):
    with pytest.raises(ValidationError) as excinfo:
        upload(as_bytes(own_questionnaire(qid=qid)))
    assert "should be up to 80 letters, digits" in file_errors(excinfo)
    assert not OrganisationQuestionnaire.objects.exists()


@pytest.mark.parametrize("stated", ["1.0.0 final", "1." * 11, "v1/2"])
def test_a_version_the_file_states_badly_asks_for_one(upload, stated):
    with pytest.raises(ValidationError) as excinfo:
        upload(as_bytes(own_questionnaire(version=stated)))
    assert f"The file states the version “{stated}”" in file_errors(excinfo, "version")
    assert not OrganisationQuestionnaire.objects.exists()
    # Giving one in the form is the way out.
    assert upload(as_bytes(own_questionnaire(version=stated)), version="1.0.0").version == "1.0.0"


def test_the_id_of_a_shipped_questionnaire_is_reserved(upload):
    shipped = registry.current().to_dict()
    with pytest.raises(ValidationError) as excinfo:
        upload(as_bytes({**shipped, "version": "99.0.0"}))
    assert "participai-aia" in file_errors(excinfo)
    assert "ParticipAI ships" in file_errors(excinfo)


def test_the_same_file_twice_says_when_it_came(upload):
    upload()
    with pytest.raises(ValidationError) as excinfo:
        upload()
    assert "already uploaded on" in file_errors(excinfo, "version")
    assert "by admin" in file_errors(excinfo, "version")
    assert OrganisationQuestionnaire.objects.count() == 1


def test_another_file_with_the_same_version_needs_a_new_version(upload):
    upload(as_bytes(own_questionnaire()))
    changed = own_questionnaire()
    changed["title"]["en"] = "Northbridge impact questions, revised"
    with pytest.raises(ValidationError) as excinfo:
        upload(as_bytes(changed))
    assert "Give this one a new version" in file_errors(excinfo, "version")
    row = upload(as_bytes(changed), version="1.1.0")
    assert (row.version, row.definition["version"]) == ("1.1.0", "1.1.0")
    assert OrganisationQuestionnaire.objects.count() == 2


def test_the_version_can_be_given_for_an_aia_definition(upload):
    row = upload(version="1.0.1-northbridge")
    assert row.version == selectors.definition_of(row).version == "1.0.1-northbridge"


@pytest.mark.parametrize("version", ["has space", ".1", "x" * 21, "1/2"])
def test_a_malformed_version_is_refused(upload, version):
    with pytest.raises(ValidationError) as excinfo:
        upload(version=version)
    assert "letters, digits, dots and hyphens" in file_errors(excinfo, "version")
    assert not OrganisationQuestionnaire.objects.exists()


def test_bodies_keep_their_questionnaires_apart(upload, other_org, make_member, survey_bytes):
    upload()
    other_admin = make_member(other_org, Role.ORG_ADMIN)
    row = services.questionnaire_upload(
        actor=other_admin, organisation=other_org, file_name="s.json", content=survey_bytes
    )
    assert row.organisation == other_org
    assert [r.organisation for r in selectors.questionnaires_of(other_org)] == [other_org]


# Retire and reactivate ----------------------------------------------------------------------


def test_retiring_and_reactivating_are_audited_once(upload, admin):
    row = upload()
    services.questionnaire_set_active(actor=admin, questionnaire=row, active=False)
    services.questionnaire_set_active(actor=admin, questionnaire=row, active=False)
    row.refresh_from_db()
    assert not row.is_active
    services.questionnaire_set_active(actor=admin, questionnaire=row, active=True)
    actions = list(
        AuditEvent.objects.filter(action__startswith="questionnaire.")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "questionnaire.uploaded",
        "questionnaire.retired",
        "questionnaire.reactivated",
    ]


def test_only_the_admin_retires(upload, officer):
    row = upload()
    with pytest.raises(PermissionDenied):
        services.questionnaire_set_active(actor=officer, questionnaire=row, active=False)
    row.refresh_from_db()
    assert row.is_active


# Selectors ------------------------------------------------------------------------------


def test_offered_questionnaires_put_the_shipped_one_first_and_leave_out_retired(
    upload, admin, org
):
    aia = upload()
    own = upload(as_bytes(own_questionnaire()))
    services.questionnaire_set_active(actor=admin, questionnaire=own, active=False)
    options = selectors.offered_questionnaires(org)
    assert [o.value for o in options] == [selectors.SHIPPED, str(aia.pk)]
    assert options[0].questionnaire == registry.current()
    assert options[1].questionnaire.id == "canada-aia"


def test_the_default_is_the_questionnaire_last_used(upload, org, officer, procurement):
    aia = upload()
    options = selectors.offered_questionnaires(org)
    assert selectors.default_option(options, None).value == selectors.SHIPPED
    draft = impact_services.assessment_start(
        actor=officer, procurement=procurement, questionnaire=aia
    )
    assert selectors.default_option(options, draft).value == str(aia.pk)


def test_the_default_is_the_newest_version_of_the_questionnaire_last_used(
    upload, org, officer, procurement
):
    old = upload(as_bytes(own_questionnaire("1.0.0")))
    new = upload(as_bytes(own_questionnaire("2.0.0")))
    options = selectors.offered_questionnaires(org)  # both versions still offered
    for used in (old, new):
        ImpactAssessment.objects.all().delete()
        last = impact_services.assessment_start(
            actor=officer, procurement=procurement, questionnaire=used
        )
        assert selectors.default_option(options, last).row == new


def test_a_definition_is_parsed_once_per_worker(upload, django_assert_num_queries):
    row = upload()
    first = selectors.definition_of(row)
    fresh = OrganisationQuestionnaire.objects.defer("definition").get(pk=row.pk)
    with django_assert_num_queries(0):  # the deferred definition is not even fetched
        assert selectors.definition_of(fresh) is first


def test_a_primary_key_handed_out_again_is_not_served_the_old_definition(upload, admin, org):
    first = upload(as_bytes(own_questionnaire()))
    assert selectors.definition_of(first).version == "1.0.0"
    pk = first.pk
    first.delete()  # as a rolled-back upload leaves its primary key free on SQLite
    again = OrganisationQuestionnaire.objects.create(
        pk=pk,
        organisation=org,
        questionnaire_id="northbridge-aia",
        version="2.0.0",
        title="Northbridge impact questions",
        source_format=QuestionnaireFormat.PARTICIPAI,
        source_name="own.json",
        source_sha256="0" * 64,
        definition=own_questionnaire("2.0.0"),
        uploaded_by=admin,
    )
    assert selectors.definition_of(again).version == "2.0.0"


def test_section_summaries_add_up_to_the_tools_maxima(upload):
    questionnaire = selectors.definition_of(upload())
    summaries = selectors.section_summaries(questionnaire, "fr")
    assert len(summaries) == len(questionnaire.sections)
    assert summaries[0].title == questionnaire.sections[0].title("fr")
    impact = sum(s.max_points for s in summaries if s.kind == "impact")
    mitigation = sum(s.max_points for s in summaries if s.kind == "mitigation")
    assert (impact, mitigation) == (167, 154)  # v1.0.1; the tool halves 154 to 77
    assert all(s.max_points == 0 for s in summaries if s.kind == "context")


# Assessing with an uploaded questionnaire -----------------------------------------------


def test_an_assessment_records_the_uploaded_questionnaire(upload, officer, procurement):
    row = upload()
    draft = impact_services.assessment_start(
        actor=officer, procurement=procurement, questionnaire=row
    )
    assert draft.organisation_questionnaire == row
    assert (draft.questionnaire_id, draft.questionnaire_version) == ("canada-aia", "1.0.1")
    assert selectors.questionnaire_of(draft) is selectors.definition_of(row)
    event = AuditEvent.objects.get(action="assessment.started")
    assert event.data["uploaded"] is True


def test_a_retired_or_foreign_questionnaire_cannot_start_an_assessment(
    upload, admin, officer, procurement, other_org, make_member, survey_bytes
):
    row = upload()
    services.questionnaire_set_active(actor=admin, questionnaire=row, active=False)
    with pytest.raises(ValidationError) as excinfo:
        impact_services.assessment_start(actor=officer, procurement=procurement, questionnaire=row)
    assert "does not offer" in file_errors(excinfo, "questionnaire")
    foreign = services.questionnaire_upload(
        actor=make_member(other_org, Role.ORG_ADMIN),
        organisation=other_org,
        file_name="s.json",
        content=survey_bytes,
    )
    with pytest.raises(ValidationError):
        impact_services.assessment_start(
            actor=officer, procurement=procurement, questionnaire=foreign
        )
    assert not ImpactAssessment.objects.exists()


def test_a_reassessment_starts_from_the_same_questionnaires_answers(
    upload, officer, procurement, raw
):
    row = upload()
    conversion = selectors.conversion_of(row)
    answers = conversion.convert_answers(tool_answers(raw, "item1", pick_realistic))
    first = impact_services.assessment_start(
        actor=officer, procurement=procurement, questionnaire=row
    )
    impact_services.assessment_save_answers(actor=officer, assessment=first, answers=answers)
    impact_services.assessment_complete(actor=officer, assessment=first)
    # A reassessment with the shipped questionnaire does not inherit the AIA's answers...
    shipped = impact_services.assessment_start(actor=officer, procurement=procurement)
    assert shipped.organisation_questionnaire is None
    assert shipped.answers == {}
    impact_services.assessment_save_answers(
        actor=officer, assessment=shipped, answers={"phase": "design"}
    )
    ImpactAssessment.objects.filter(pk=shipped.pk).delete()  # abandon that draft
    # ...one with the AIA does.
    again = impact_services.assessment_start(
        actor=officer, procurement=procurement, questionnaire=row
    )
    assert again.answers == answers


def test_prefilled_answers_a_new_version_refuses_are_dropped(upload, officer, procurement):
    old = upload(as_bytes(own_questionnaire()))
    first = impact_services.assessment_start(
        actor=officer, procurement=procurement, questionnaire=old
    )
    impact_services.assessment_save_answers(
        actor=officer, assessment=first, answers={"reversible": "no"}
    )
    impact_services.assessment_complete(actor=officer, assessment=first)
    revised = own_questionnaire("2.0.0")
    revised["sections"][0]["questions"][0]["choices"][1]["key"] = "never"
    new = upload(as_bytes(revised))
    again = impact_services.assessment_start(
        actor=officer, procurement=procurement, questionnaire=new
    )
    assert again.answers == {}


@pytest.mark.parametrize(
    ("phase", "pick"),
    [
        ("item1", pick_min),
        ("item2", pick_max),
        ("item1", pick_realistic),
        ("item2", pick_realistic),
    ],
)
def test_answers_saved_by_the_tool_give_the_tools_level(
    upload, officer, procurement, raw, phase, pick
):
    row = upload()
    draft = impact_services.assessment_start(
        actor=officer, procurement=procurement, questionnaire=row
    )
    data = tool_answers(raw, phase, pick)
    draft, count = impact_services.assessment_import_answers(
        actor=officer, assessment=draft, content=as_bytes(data)
    )
    assert count == len(data)
    completed = impact_services.assessment_complete(actor=officer, assessment=draft)
    expected = tool_score(raw, data)
    assert completed.result["raw_impact"] == expected["raw"]
    assert completed.result["total"] == expected["total"]
    assert completed.level == expected["level"]
    procurement.refresh_from_db()
    assert procurement.impact_level == expected["level"]


def test_tool_answers_keep_the_drafts_other_answers(upload, officer, procurement, raw):
    row = upload()
    draft = impact_services.assessment_start(
        actor=officer, procurement=procurement, questionnaire=row
    )
    text_key = next(q.key for q in selectors.definition_of(row).questions() if q.type == "text")
    impact_services.assessment_save_answers(
        actor=officer, assessment=draft, answers={text_key: "Written here first"}
    )
    draft, _count = impact_services.assessment_import_answers(
        actor=officer, assessment=draft, content=as_bytes(tool_answers(raw, "item1", pick_min))
    )
    assert draft.answers[text_key] == "Written here first"
    assert draft.answers["phase"] == "design"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([1, 2], "one object of answers"),
        ({"notAQuestion": "x"}, "None of the file's answers"),
        ({"projectDetailsPhase": "item1", "impact6": "item9-9"}, "impact6"),
    ],
)
def test_a_bad_answers_file_saves_nothing(upload, officer, procurement, data, message):
    row = upload()
    draft = impact_services.assessment_start(
        actor=officer, procurement=procurement, questionnaire=row
    )
    with pytest.raises(ValidationError) as excinfo:
        impact_services.assessment_import_answers(
            actor=officer, assessment=draft, content=as_bytes(data)
        )
    text = file_errors(excinfo)
    if message == "impact6":
        # Named by the question's words, not its key.
        assert selectors.definition_of(row).question("impact6").text("en") in text
    else:
        assert message in text
    draft.refresh_from_db()
    assert draft.answers == {}


def test_an_answers_file_with_a_null_character_is_refused_and_saves_nothing(
    upload, officer, procurement
):
    row = upload()
    draft = impact_services.assessment_start(
        actor=officer, procurement=procurement, questionnaire=row
    )
    text = next(q for q in selectors.definition_of(row).questions() if q.type == "text")
    with pytest.raises(ValidationError) as excinfo:
        impact_services.assessment_import_answers(
            actor=officer, assessment=draft, content=as_bytes({text.key: "Nul\u0000l"})
        )
    assert "cannot be stored: a null character" in file_errors(excinfo)
    draft.refresh_from_db()
    assert draft.answers == {}


def test_only_an_imported_aia_reads_the_tools_answers(officer, procurement):
    draft = impact_services.assessment_start(actor=officer, procurement=procurement)
    with pytest.raises(ValidationError) as excinfo:
        impact_services.assessment_import_answers(
            actor=officer, assessment=draft, content=b'{"phase": "design"}'
        )
    assert "imported AIA" in file_errors(excinfo)


def test_a_completed_assessment_reads_no_more_answers(upload, officer, procurement, raw):
    row = upload()
    draft = impact_services.assessment_start(
        actor=officer, procurement=procurement, questionnaire=row
    )
    data = tool_answers(raw, "item1", pick_min)
    impact_services.assessment_import_answers(
        actor=officer, assessment=draft, content=as_bytes(data)
    )
    impact_services.assessment_complete(actor=officer, assessment=draft)
    with pytest.raises(ValidationError):
        impact_services.assessment_import_answers(
            actor=officer, assessment=draft, content=as_bytes(data)
        )
    draft.refresh_from_db()
    assert draft.status == AssessmentStatus.COMPLETED


def test_reading_the_tools_answers_needs_the_right_to_assess(
    upload, officer, procurement, raw, org, make_member
):
    row = upload()
    draft = impact_services.assessment_start(
        actor=officer, procurement=procurement, questionnaire=row
    )
    moderator = make_member(org, Role.MODERATOR)
    with pytest.raises(PermissionDenied):
        impact_services.assessment_import_answers(
            actor=moderator,
            assessment=draft,
            content=as_bytes(tool_answers(raw, "item1", pick_min)),
        )
    draft.refresh_from_db()
    assert draft.answers == {}


def test_an_overlong_text_answer_in_the_file_is_refused_by_its_question(
    upload, officer, procurement
):
    row = upload()
    draft = impact_services.assessment_start(
        actor=officer, procurement=procurement, questionnaire=row
    )
    questionnaire = selectors.definition_of(row)
    text = next(q for q in questionnaire.questions() if q.type == "text")
    with pytest.raises(ValidationError) as excinfo:
        impact_services.assessment_import_answers(
            actor=officer, assessment=draft, content=as_bytes({text.key: "x" * 5001})
        )
    assert f"{text.text('en')}: Keep the answer under 5,000 characters." in file_errors(excinfo)
    draft.refresh_from_db()
    assert draft.answers == {}
