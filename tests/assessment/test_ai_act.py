"""EU AI Act screening: banned practices, Annex III areas and points, the
limited-task exception, transparency duties, and when a fundamental rights
impact assessment and EU database registration are due (DOMAIN.md section 6)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from participai.assessment import ai_act
from participai.assessment.ai_act import InvalidAnswers, ScreeningDataError

LANGS = ("en", "es", "ca")

# Annex III as the product must know it: eight areas and their points.
ANNEX_III = {
    1: ["1(a)", "1(b)", "1(c)"],
    2: ["2(a)"],
    3: ["3(a)", "3(b)", "3(c)", "3(d)"],
    4: ["4(a)", "4(b)"],
    5: ["5(a)", "5(b)", "5(c)", "5(d)"],
    6: ["6(a)", "6(b)", "6(c)", "6(d)", "6(e)"],
    7: ["7(a)", "7(b)", "7(c)", "7(d)"],
    8: ["8(a)", "8(b)"],
}

# (question, answer that declares the banned practice, practice code)
PROHIBITED = [
    ("social_scoring", True, "social_scoring"),
    ("manipulation", True, "manipulation"),
    ("exploiting_vulnerabilities", True, "exploiting_vulnerabilities"),
    (
        "realtime_remote_biometric_identification",
        "yes",
        "realtime_remote_biometric_identification",
    ),
    ("emotion_recognition_work_education", "yes", "emotion_recognition_work_education"),
    ("predictive_policing", "yes", "predictive_policing_profiling"),
    ("untargeted_facial_scraping", True, "untargeted_facial_scraping"),
    ("sensitive_biometric_categorisation", "yes", "sensitive_biometric_categorisation"),
]

DEROGATIONS = [
    "narrow_procedural_task",
    "improves_completed_human_activity",
    "detects_decision_patterns",
    "preparatory_task",
]


def answers(**overrides: Any) -> dict[str, Any]:
    """Answers declaring nothing, public-body deployer, with ``overrides`` applied."""
    base = ai_act.blank_answers()
    base["deployer_is_public_body"] = True
    unknown = set(overrides) - set(base)
    assert not unknown, f"not questions: {unknown}"
    base.update(overrides)
    return base


def assert_texts(text: dict[str, str]) -> None:
    assert set(text) == set(LANGS)
    assert all(text[lang].strip() for lang in LANGS)


# --------------------------------------------------------------------------- data


def test_shipped_data_loads_and_covers_annex_iii():
    screening = ai_act.load_screening()
    assert {area.number: [p.code for p in area.points] for area in screening.areas} == ANNEX_III
    assert screening.fria_excluded_areas == {2}
    question = screening.questions_by_key["annex_iii_points"]
    assert list(question.option_keys) == [p for points in ANNEX_III.values() for p in points]


def test_every_question_text_and_option_is_trilingual():
    screening = ai_act.load_screening()
    for question in screening.questions:
        assert_texts(question.text)
        for option in question.options:
            assert_texts(option.text)


def test_blank_answers_are_valid_and_minimal():
    result = ai_act.screen(ai_act.blank_answers())
    assert result.classification == "minimal"
    assert result.reason_codes == ["minimal_risk"]
    assert result.annex_iii == []
    assert result.transparency_duties == []
    assert not result.fria_required
    assert not result.eu_database_registration_required


# --------------------------------------------------------------------------- prohibited


@pytest.mark.parametrize(("question", "answer", "code"), PROHIBITED)
def test_each_banned_practice_makes_the_use_prohibited(question, answer, code):
    result = ai_act.screen(answers(**{question: answer}))
    assert result.classification == "prohibited"
    assert result.prohibited_practices == [code]
    reason = next(r for r in result.reasons if r.code == f"prohibited.{code}")
    assert_texts(reason.text)
    assert not result.fria_required
    assert not result.eu_database_registration_required


def test_prohibited_wins_over_high_risk_and_transparency():
    result = ai_act.screen(
        answers(social_scoring=True, annex_iii_points=["5(a)"], interacts_with_people=True)
    )
    assert result.classification == "prohibited"
    assert result.annex_iii == ["5(a)"]
    assert [d.code for d in result.transparency_duties] == ["ai_interaction_disclosure"]
    assert not result.fria_required
    assert not result.eu_database_registration_required


def test_all_banned_practices_are_all_reported():
    result = ai_act.screen(answers(**{q: a for q, a, _ in PROHIBITED}))
    assert result.prohibited_practices == [code for _, _, code in PROHIBITED]


@pytest.mark.parametrize(
    ("question", "answer", "point", "note"),
    [
        (
            "realtime_remote_biometric_identification",
            "yes_under_exception",
            "1(a)",
            "realtime_biometric_identification_exception",
        ),
        (
            "emotion_recognition_work_education",
            "yes_medical_or_safety",
            "1(c)",
            "emotion_recognition_medical_or_safety",
        ),
        (
            "predictive_policing",
            "yes_supports_human_assessment",
            "6(d)",
            "predictive_policing_supports_human_assessment",
        ),
        (
            "sensitive_biometric_categorisation",
            "yes_dataset_labelling_or_law_enforcement",
            "1(b)",
            "biometric_categorisation_exception",
        ),
    ],
)
def test_narrow_exceptions_are_allowed_but_high_risk(question, answer, point, note):
    result = ai_act.screen(answers(**{question: answer}))
    assert result.classification == "high_risk"
    assert result.prohibited_practices == []
    assert result.annex_iii == [point]
    assert note in result.reason_codes


def test_emotion_recognition_for_safety_carries_a_disclosure_duty():
    result = ai_act.screen(answers(emotion_recognition_work_education="yes_medical_or_safety"))
    assert [d.code for d in result.transparency_duties] == ["emotion_biometric_disclosure"]


# --------------------------------------------------------------------------- Annex III


@pytest.mark.parametrize(
    ("area", "point"), [(area, point) for area, points in ANNEX_III.items() for point in points]
)
def test_each_annex_iii_point_is_high_risk(area, point):
    result = ai_act.screen(answers(annex_iii_points=[point]))
    assert result.classification == "high_risk"
    assert result.annex_iii == [point]
    assert result.annex_iii_areas == [area]
    reason = next(r for r in result.reasons if r.code == f"annex_iii.{point}")
    assert_texts(reason.text)
    assert f"{point}" in reason.text["en"]
    assert f"area {area}" in reason.text["en"]


def test_points_are_reported_in_annex_order_without_repeats():
    result = ai_act.screen(
        answers(
            annex_iii_points=["5(d)", "1(a)", "5(a)"],
            realtime_remote_biometric_identification="yes_under_exception",
        )
    )
    assert result.annex_iii == ["1(a)", "5(a)", "5(d)"]
    assert result.annex_iii_areas == [1, 5]


def test_high_risk_keeps_its_transparency_duties():
    result = ai_act.screen(answers(annex_iii_points=["5(d)"], interacts_with_people=True))
    assert result.classification == "high_risk"
    assert [d.code for d in result.transparency_duties] == ["ai_interaction_disclosure"]


# --------------------------------------------------------------------------- derogation


@pytest.mark.parametrize("derogation", DEROGATIONS)
def test_limited_task_exception_accepted_when_no_profiling(derogation):
    result = ai_act.screen(answers(annex_iii_points=["5(a)"], derogation=derogation))
    assert result.classification == "minimal"
    assert result.derogation_applied
    assert "derogation_applied" in result.reason_codes
    assert result.annex_iii == ["5(a)"]  # still recorded; the classification is the verdict
    assert not result.fria_required
    assert not result.eu_database_registration_required


def test_limited_task_exception_with_a_duty_is_limited():
    result = ai_act.screen(
        answers(
            annex_iii_points=["3(b)"],
            derogation="preparatory_task",
            generates_content=True,
        )
    )
    assert result.classification == "limited"


@pytest.mark.parametrize("derogation", DEROGATIONS)
def test_limited_task_exception_refused_when_the_system_profiles_people(derogation):
    result = ai_act.screen(
        answers(annex_iii_points=["5(a)"], derogation=derogation, profiles_people=True)
    )
    assert result.classification == "high_risk"
    assert not result.derogation_applied
    assert "derogation_refused_profiling" in result.reason_codes
    assert result.fria_required


def test_limited_task_exception_without_an_annex_iii_point_changes_nothing():
    result = ai_act.screen(answers(derogation="narrow_procedural_task"))
    assert result.classification == "minimal"
    assert not result.derogation_applied
    assert "derogation_without_annex_iii" in result.reason_codes


def test_profiling_alone_is_not_high_risk():
    assert ai_act.screen(answers(profiles_people=True)).classification == "minimal"


# --------------------------------------------------------------------------- transparency


@pytest.mark.parametrize(
    ("question", "duty"),
    [
        ("interacts_with_people", "ai_interaction_disclosure"),
        ("generates_content", "generated_content_labelling"),
        ("emotion_or_biometric_categorisation", "emotion_biometric_disclosure"),
    ],
)
def test_a_transparency_duty_alone_makes_the_use_limited(question, duty):
    result = ai_act.screen(answers(**{question: True}))
    assert result.classification == "limited"
    assert [d.code for d in result.transparency_duties] == [duty]
    assert_texts(result.transparency_duties[0].text)
    assert f"transparency.{duty}" in result.reason_codes
    assert "limited_risk" in result.reason_codes
    assert not result.fria_required


def test_several_duties_are_listed_once_each():
    result = ai_act.screen(
        answers(
            interacts_with_people=True,
            generates_content=True,
            emotion_or_biometric_categorisation=True,
            emotion_recognition_work_education="yes_medical_or_safety",
        )
    )
    assert [d.code for d in result.transparency_duties] == [
        "emotion_biometric_disclosure",
        "ai_interaction_disclosure",
        "generated_content_labelling",
    ]


# --------------------------------------------------------------------------- FRIA, registration


def test_public_body_high_risk_needs_fria_and_registration():
    result = ai_act.screen(answers(annex_iii_points=["5(a)"]))
    assert result.fria_required
    assert result.eu_database_registration_required
    assert {"fria_required", "eu_registration_required"} <= set(result.reason_codes)
    assert "eu_registration_restricted_section" not in result.reason_codes


def test_emergency_triage_by_a_public_body_needs_fria():
    result = ai_act.screen(answers(annex_iii_points=["5(d)"]))
    assert result.fria_required
    assert result.eu_database_registration_required


def test_critical_infrastructure_alone_needs_neither_fria_nor_eu_registration():
    result = ai_act.screen(answers(annex_iii_points=["2(a)"]))
    assert result.classification == "high_risk"
    assert not result.fria_required
    assert not result.eu_database_registration_required
    assert "fria_not_required_critical_infrastructure" in result.reason_codes
    assert "eu_registration_national_level" in result.reason_codes


def test_critical_infrastructure_with_another_area_needs_fria():
    result = ai_act.screen(answers(annex_iii_points=["2(a)", "5(d)"]))
    assert result.fria_required
    assert result.eu_database_registration_required


def test_private_deployer_needs_neither():
    result = ai_act.screen(answers(deployer_is_public_body=False, annex_iii_points=["5(a)"]))
    assert result.classification == "high_risk"
    assert not result.fria_required
    assert not result.eu_database_registration_required
    assert "fria_not_required_private_deployer" in result.reason_codes


@pytest.mark.parametrize("point", ["1(a)", "6(e)", "7(c)"])
def test_sensitive_areas_register_in_the_non_public_section(point):
    result = ai_act.screen(answers(annex_iii_points=[point]))
    assert result.eu_database_registration_required
    assert "eu_registration_restricted_section" in result.reason_codes


def test_limited_or_minimal_needs_neither():
    for overrides in ({}, {"interacts_with_people": True}):
        result = ai_act.screen(answers(**overrides))
        assert not result.fria_required
        assert not result.eu_database_registration_required


def test_every_reason_is_trilingual_and_result_is_json_ready():
    result = ai_act.screen(
        answers(
            annex_iii_points=["1(a)", "5(a)"],
            derogation="narrow_procedural_task",
            profiles_people=True,
            interacts_with_people=True,
        )
    )
    for reason in result.reasons:
        assert_texts(reason.text)
    data = json.loads(json.dumps(result.as_dict()))
    assert data["classification"] == "high_risk"
    assert data["annex_iii"] == ["1(a)", "5(a)"]


# --------------------------------------------------------------------------- answers


def test_valid_answers_have_no_errors():
    assert ai_act.validate_answers(answers(annex_iii_points=["5(a)", "5(d)"])) == {}


def test_errors_are_keyed_by_question():
    bad = answers(
        social_scoring="yes",
        realtime_remote_biometric_identification="maybe",
        annex_iii_points=["5(a)", "9(z)"],
        derogation=None,
    )
    del bad["manipulation"]
    bad["favourite_colour"] = "blue"
    errors = ai_act.validate_answers(bad)
    assert set(errors) == {
        "social_scoring",
        "realtime_remote_biometric_identification",
        "annex_iii_points",
        "derogation",
        "manipulation",
        "favourite_colour",
    }
    assert errors["social_scoring"] == "Answer yes or no."
    assert "yes_under_exception" in errors["realtime_remote_biometric_identification"]
    assert "9(z)" in errors["annex_iii_points"]
    assert errors["manipulation"] == "Answer this question."
    assert errors["favourite_colour"] == "This is not a question of the screening."


def test_multi_choice_must_be_a_list_of_distinct_options():
    assert "annex_iii_points" in ai_act.validate_answers(answers(annex_iii_points="5(a)"))
    errors = ai_act.validate_answers(answers(annex_iii_points=["5(a)", "5(a)"]))
    assert errors == {"annex_iii_points": "Each option may be chosen only once."}


def test_error_messages_follow_the_language():
    bad = answers(social_scoring=1)
    assert ai_act.validate_answers(bad, lang="es")["social_scoring"] == "Responda sí o no."
    assert ai_act.validate_answers(bad, lang="ca-ES")["social_scoring"] == "Responeu sí o no."
    assert ai_act.validate_answers(bad, lang="fr")["social_scoring"] == "Answer yes or no."


def test_answers_must_be_an_object():
    assert set(ai_act.validate_answers(["social_scoring"])) == {"__all__"}


def test_screen_refuses_invalid_answers_and_never_guesses():
    with pytest.raises(InvalidAnswers) as caught:
        ai_act.screen({"social_scoring": False})
    assert "manipulation" in caught.value.errors
    assert "social_scoring" not in caught.value.errors


# --------------------------------------------------------------------------- data validation


def _write(tmp_path: Path, raw: Any) -> Path:
    path = tmp_path / "screening.json"
    path.write_text(json.dumps(raw), encoding="utf-8")
    return path


def _raw() -> dict[str, Any]:
    return json.loads(ai_act.DATA_PATH.read_text(encoding="utf-8"))


def _problems(tmp_path: Path, raw: Any) -> str:
    path = _write(tmp_path, raw)
    with pytest.raises(ScreeningDataError) as caught:
        ai_act.load_screening(path)
    message = str(caught.value)
    assert str(path) in message
    return message


def test_missing_language_is_named_with_its_path(tmp_path):
    raw = _raw()
    del raw["questions"][1]["text"]["ca"]
    assert "questions[1].text: missing language 'ca'" in _problems(tmp_path, raw)


def test_unknown_effect_code_is_named(tmp_path):
    raw = _raw()
    raw["questions"][1]["if_yes"] = {"prohibited": ["mind_reading"]}
    message = _problems(tmp_path, raw)
    assert "questions[1].if_yes.prohibited[0]: unknown prohibited code 'mind_reading'" in message


def test_unknown_kind_section_and_point_are_named(tmp_path):
    raw = _raw()
    raw["questions"][0]["kind"] = "free_text"
    raw["questions"][1]["section"] = "elsewhere"
    raw["annex_iii"][0]["points"][0]["code"] = "2(a)"
    message = _problems(tmp_path, raw)
    assert "questions[0].kind: unknown kind 'free_text'" in message
    assert "questions[1].section: unknown section 'elsewhere'" in message
    assert "annex_iii[0].points[0].code: '2(a)' is not a point of area 1" in message


def test_missing_engine_reason_and_duplicate_question_are_named(tmp_path):
    raw = _raw()
    raw["reasons"] = [r for r in raw["reasons"] if r["code"] != "fria_required"]
    raw["questions"].append(raw["questions"][0])
    message = _problems(tmp_path, raw)
    assert "missing reason 'fria_required'" in message
    assert "duplicate question key 'deployer_is_public_body'" in message


def test_invalid_json_names_the_line(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{"version": 1,\n  "sections": [,]}', encoding="utf-8")
    with pytest.raises(ScreeningDataError, match=r"broken\.json.*\n.*line 2, column"):
        ai_act.load_screening(path)


def test_missing_file_is_named(tmp_path):
    with pytest.raises(ScreeningDataError, match=r"nowhere\.json"):
        ai_act.load_screening(tmp_path / "nowhere.json")
