"""The questionnaire loader: what it accepts, and a clear error for each rule it enforces."""

from __future__ import annotations

import copy
import dataclasses
import json
import subprocess
import sys
from typing import Any

import pytest

from participai.assessment.questionnaire import (
    LocalizedText,
    Questionnaire,
    QuestionnaireError,
    load_questionnaire,
)


def t(text: str) -> dict[str, str]:
    """The same text in the three languages the test questionnaire declares."""
    return {"en": text, "es": f"{text} (es)", "ca": f"{text} (ca)"}


BASE: dict[str, Any] = {
    "id": "test-aia",
    "version": "1.0.0",
    "title": t("Test assessment"),
    "mitigation_max_rule": "phase",
    "sections": [
        {
            "key": "context",
            "title": t("Context"),
            "intro": t("About the project"),
            "kind": "context",
            "phase": "both",
            "questions": [
                {
                    "key": "phase",
                    "type": "single",
                    "text": t("Which phase is the project in?"),
                    "required": True,
                    "choices": [
                        {"key": "design", "label": t("Design")},
                        {"key": "implementation", "label": t("Implementation")},
                    ],
                },
                {"key": "purpose", "type": "text", "text": t("What is it for?")},
            ],
        },
        {
            "key": "impact",
            "title": t("Impact"),
            "kind": "impact",
            "phase": "both",
            "questions": [
                {
                    "key": "personal",
                    "type": "single",
                    "text": t("Personal data?"),
                    "help": t("Any data about a person"),
                    "required": True,
                    "choices": [
                        {"key": "yes", "label": t("Yes"), "points": 3},
                        {"key": "no", "label": t("No"), "points": 0},
                    ],
                },
                {
                    "key": "groups",
                    "type": "multiple",
                    "text": t("Who is affected?"),
                    "choices": [
                        {"key": "residents", "label": t("Residents"), "points": 1},
                        {"key": "children", "label": t("Children"), "points": 2},
                    ],
                    "visible_if": {"question": "personal", "any_of": ["yes"]},
                },
            ],
        },
        {
            "key": "mitigation_design",
            "title": t("Mitigation while designing"),
            "kind": "mitigation",
            "phase": "design",
            "questions": [
                {
                    "key": "tested",
                    "type": "single",
                    "text": t("Tested for bias?"),
                    "choices": [
                        {"key": "yes", "label": t("Yes"), "points": 2},
                        {"key": "no", "label": t("No"), "points": 0},
                    ],
                }
            ],
        },
    ],
}


def doc() -> dict[str, Any]:
    """A fresh, valid questionnaire document to break one rule at a time."""
    return copy.deepcopy(BASE)


def error_of(data: Any) -> str:
    with pytest.raises(QuestionnaireError) as caught:
        load_questionnaire(data)
    return str(caught.value)


# What a valid document gives --------------------------------------------------------------


def test_a_valid_document_loads_into_frozen_dataclasses():
    questionnaire = load_questionnaire(doc())
    assert questionnaire.id == "test-aia"
    assert questionnaire.languages == ("en", "es", "ca")  # taken from the title's languages
    assert [q.key for q in questionnaire.questions()] == [
        "phase",
        "purpose",
        "personal",
        "groups",
        "tested",
    ]
    personal = questionnaire.question("personal")
    assert personal.choice("yes").points == 3
    assert personal.max_points == 3  # single: the best choice
    assert questionnaire.question("groups").max_points == 3  # multiple: 1 + 2
    assert questionnaire.question("purpose").max_points == 0
    assert questionnaire.section_of("tested").key == "mitigation_design"
    assert questionnaire.phase_question is questionnaire.question("phase")
    with pytest.raises(dataclasses.FrozenInstanceError):
        personal.required = False  # type: ignore[misc]
    assert hash(questionnaire) == hash(load_questionnaire(doc()))


def test_unknown_keys_raise_key_error():
    questionnaire = load_questionnaire(doc())
    with pytest.raises(KeyError):
        questionnaire.question("nope")
    with pytest.raises(KeyError):
        questionnaire.question("personal").choice("maybe")
    assert "nope" not in questionnaire and "personal" in questionnaire


def test_texts_fall_back_to_english():
    questionnaire = load_questionnaire(doc())
    question = questionnaire.question("personal")
    assert question.text("es") == "Personal data? (es)"
    assert question.text("ca-ES") == "Personal data? (ca)"  # base language of a regional code
    assert question.text("de") == "Personal data?"  # not declared: English
    assert question.text() == "Personal data?"
    assert question.help is not None and question.help("ca") == "Any data about a person (ca)"
    assert questionnaire.sections[0].intro is not None
    assert LocalizedText.of({"en": "Hello"})("fr") == "Hello"


def test_loads_from_a_path_and_round_trips_through_to_dict(tmp_path):
    path = tmp_path / "aia.json"
    path.write_text(json.dumps(doc()), encoding="utf-8")
    questionnaire = load_questionnaire(path)
    assert load_questionnaire(str(path)) == questionnaire
    assert load_questionnaire(questionnaire.to_dict()) == questionnaire


def test_points_may_be_left_out_only_where_nothing_is_scored():
    data = doc()
    # The phase question's choices have no points: they sit in a context section.
    assert load_questionnaire(data).question("phase").choice("design").points == 0
    del data["sections"][1]["questions"][0]["choices"][1]["points"]
    assert error_of(data) == "sections[1].questions[0].choices[1].points: is required"


def test_explicit_languages_are_used():
    data = doc()
    data["languages"] = ["en", "es"]
    assert error_of(data) == "title.ca: language not declared (declared: en, es)"


# One error per rule ------------------------------------------------------------------------


def _set(data: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    """Set ``data`` at a dotted path such as ``sections.1.questions.0.key``."""
    *parents, last = path.split(".")
    target: Any = data
    for part in parents:
        target = target[int(part)] if isinstance(target, list) else target[part]
    if isinstance(target, list):
        target[int(last)] = value
    elif value is _DELETE:
        del target[last]
    else:
        target[last] = value
    return data


_DELETE = object()
P = "sections.1.questions.0"  # the "personal" question
E = "sections[1].questions[0]"


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        ("id", _DELETE, "id: is required"),
        ("id", " ", "id: must be a non-empty string"),
        ("colour", "blue", "colour: unknown field (allowed: id, languages, "),
        ("mitigation_max_rule", "half", "mitigation_max_rule: must be one of 'phase', "),
        ("languages", ["es"], "languages: must include 'en'"),
        ("languages", ["en", "en"], "languages: lists a language twice"),
        ("languages", ["en", "Spanish"], "languages[1]: must be a language code"),
        ("sections", [], "sections: must be a non-empty list"),
        ("sections.1.key", "context", "sections[1].key: duplicate section key 'context'"),
        ("sections.1.key", "bad key", "sections[1].key: must be 1–100 of A-Z"),
        ("sections.1.kind", "risk", "sections[1].kind: must be one of 'context', "),
        ("sections.1.phase", "later", "sections[1].phase: must be one of 'both', "),
        ("sections.1.questions", [], "sections[1].questions: must be a non-empty list"),
        ("sections.1.title", {"en": "Impact"}, "sections[1].title: missing the text in es, ca"),
        ("sections.1.title", "Impact", "sections[1].title: must be an object of texts"),
        ("sections.1.title.fr", "Impact", "sections[1].title.fr: language not declared"),
        ("sections.1.title.es", "", "sections[1].title.es: must be a non-empty string"),
        (f"{P}.key", "purpose", f"{E}.key: duplicate question key 'purpose'"),
        (f"{P}.type", "scale", f"{E}.type: must be one of 'single', 'multiple', 'text'"),
        (f"{P}.required", "yes", f"{E}.required: must be true or false"),
        (
            f"{P}.text",
            {"en": "Personal?", "es": "¿Personal?"},
            f"{E}.text: missing the text in ca",
        ),
        (f"{P}.help", {"en": "Help"}, f"{E}.help: missing the text in es, ca"),
        (f"{P}.choices", [], f"{E}.choices: single and multiple need a non-empty list"),
        (f"{P}.choices", _DELETE, f"{E}.choices: single and multiple need a non-empty list"),
        (f"{P}.choices.1.key", "yes", f"{E}.choices[1].key: duplicate choice key 'yes'"),
        (f"{P}.choices.1.key", " no", f"{E}.choices[1].key: must be 1–200 characters"),
        (f"{P}.choices.1.points", -1, f"{E}.choices[1].points: must be a whole number ≥ 0"),
        (f"{P}.choices.1.points", 1.5, f"{E}.choices[1].points: must be a whole number ≥ 0"),
        (f"{P}.choices.1.points", True, f"{E}.choices[1].points: must be a whole number ≥ 0"),
        (f"{P}.choices.1.points", "2", f"{E}.choices[1].points: must be a whole number ≥ 0"),
        (f"{P}.choices.1.label", {"en": "No"}, f"{E}.choices[1].label: missing the text in es"),
        (f"{P}.choices.1.colour", "red", f"{E}.choices[1].colour: unknown field"),
        ("sections.0.questions.1.choices", [], "sections[0].questions[1].choices: only single"),
    ],
)
def test_each_rule_names_the_offending_path(path, value, message):
    assert error_of(_set(doc(), path, value)).startswith(message)


G = "sections.1.questions.1.visible_if"  # the "groups" question's condition
GE = "sections[1].questions[1].visible_if"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ({"question": "groups", "any_of": ["x"]}, f"{GE}.question: a question cannot depend on"),
        ({"question": "tested", "any_of": ["yes"]}, f"{GE}.question: 'tested' is not the key of"),
        ({"question": "nothing", "any_of": ["yes"]}, f"{GE}.question: 'nothing' is not the key"),
        ({"question": "purpose", "any_of": ["yes"]}, f"{GE}.question: 'purpose' is a text"),
        (
            {"question": "personal", "any_of": ["maybe"]},
            f"{GE}.any_of[0]: 'maybe' is not a choice",
        ),
        ({"question": "personal", "any_of": []}, f"{GE}.any_of: must be a non-empty list"),
        ({"question": "personal", "any_of": ["yes", "yes"]}, f"{GE}.any_of: lists a choice twice"),
        # Not a string: refused by name, not a TypeError on an unhashable value.
        ({"question": "personal", "any_of": [["yes"]]}, f"{GE}.any_of[0]: ['yes'] is not a"),
        ({"question": "personal", "any_of": [{"k": 1}]}, f"{GE}.any_of[0]: {{'k': 1}} is not"),
        ({"question": "personal"}, f"{GE}.any_of: is required"),
        ({"question": "personal", "any_of": ["yes"], "all_of": []}, f"{GE}.all_of: unknown"),
    ],
)
def test_visible_if_must_refer_to_an_earlier_question_and_its_choices(value, message):
    assert error_of(_set(doc(), G, value)).startswith(message)


def test_a_phase_specific_section_needs_a_phase_question():
    data = doc()
    data["sections"][0]["questions"].pop(0)
    assert error_of(data).startswith(
        "sections[2].phase: a design-only section needs an earlier single-choice question "
        "keyed 'phase'"
    )
    # Without phase-specific sections, no phase question is needed.
    data["sections"][2]["phase"] = "both"
    assert load_questionnaire(data).phase_question is None


def test_the_phase_question_must_come_before_the_sections_it_selects():
    data = doc()
    phase = data["sections"][0]["questions"].pop(0)
    data["sections"].insert(3, {**data["sections"][0], "key": "late", "questions": [phase]})
    assert error_of(data).startswith("sections[2].phase: a design-only section needs an earlier")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"required": False}, "must be required and always visible"),
        ({"type": "multiple"}, "must be single with choices 'design', 'implementation'"),
        (
            {"choices": [{"key": "design", "label": t("Design")}]},
            "must be single with choices 'design', 'implementation'",
        ),
        (
            {"visible_if": {"question": "ready", "any_of": ["yes"]}},
            "must be required and always visible",
        ),
    ],
)
def test_the_phase_question_is_a_plain_required_fork(change, message):
    data = doc()
    ready = {
        "key": "ready",
        "type": "single",
        "text": t("Ready?"),
        "choices": [{"key": "yes", "label": t("Yes")}],
    }
    data["sections"][0]["questions"].insert(0, ready)
    data["sections"][0]["questions"][1].update(change)
    assert error_of(data) == f"sections[0].questions[1]: the 'phase' question {message}"


def test_the_phase_question_must_sit_in_a_context_section_shown_in_both_phases():
    data = doc()
    data["sections"][0]["kind"] = "impact"
    data["sections"][0]["questions"][0]["choices"][0]["points"] = 0
    data["sections"][0]["questions"][0]["choices"][1]["points"] = 0
    assert error_of(data) == (
        "sections[0].questions[0]: the 'phase' question must sit in a context section "
        "shown in both phases"
    )


def test_unreadable_sources_are_reported(tmp_path):
    assert error_of(tmp_path / "missing.json").startswith("cannot read")
    broken = tmp_path / "broken.json"
    broken.write_text("{", encoding="utf-8")
    assert "is not valid JSON" in error_of(broken)
    assert error_of([]) == "$: must be an object"


def test_a_questionnaire_built_directly_indexes_its_questions():
    questionnaire = load_questionnaire(doc())
    rebuilt = Questionnaire(
        id=questionnaire.id,
        version=questionnaire.version,
        title=questionnaire.title,
        languages=questionnaire.languages,
        mitigation_max_rule=questionnaire.mitigation_max_rule,
        sections=questionnaire.sections,
    )
    assert rebuilt == questionnaire
    assert rebuilt.question("tested") == questionnaire.question("tested")


def test_the_pure_modules_import_no_django():
    code = (
        "import sys\n"
        "import participai.assessment.aia_import, participai.assessment.scoring\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'django'))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
