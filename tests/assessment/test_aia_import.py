"""Importing the Canadian AIA from SurveyJS.

The real definition is read from ``../shared/data/standards/canada-aia/`` (or
``$PARTICIPAI_STANDARDS_DIR/canada-aia/``), never copied here. Its expected
figures are computed directly from the raw JSON by ``aia_tool``, a separate
re-implementation of the tool's rule (``calculateFinalScore`` in ``store.ts``),
so the importer and the scorer are checked against something they do not share.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from participai.assessment.aia_import import AiaImportError, import_aia_surveyjs
from participai.assessment.scoring import score, validate_answers

from .aia_tool import (
    ROOT,
    SELECT,
    SURVEY,
    elements,
    pick_max,
    pick_min,
    pick_realistic,
    read_survey,
    tool_answers,
    tool_score,
    tool_scored,
)


@pytest.fixture(scope="module")
def _survey_present() -> None:
    # The real-data tests must run, never skip: the shared data sits beside
    # every clone (CI's included); set PARTICIPAI_STANDARDS_DIR elsewhere.
    assert SURVEY.exists(), f"{SURVEY} is missing; set PARTICIPAI_STANDARDS_DIR"


needs_survey = pytest.mark.usefixtures("_survey_present")
QUESTION_TYPES = SELECT | {"text", "comment"}


@pytest.fixture(scope="module")
def raw() -> dict[str, Any]:
    return read_survey()


@pytest.fixture(scope="module")
def imported(raw):
    return import_aia_surveyjs(raw)


# The real definition --------------------------------------------------------------------


@needs_survey
def test_the_real_definition_imports_without_warnings(imported):
    questionnaire = imported.questionnaire
    assert imported.warnings == ()
    assert questionnaire.mitigation_max_rule == "half_of_all"
    assert questionnaire.languages == ("en", "fr")
    assert questionnaire.version == "1.0.1"
    assert dict(imported.phase_values) == {"item1": "design", "item2": "implementation"}
    assert dict(imported.key_map) == {"projectDetailsPhase": "phase"}
    phase = questionnaire.phase_question
    assert phase is not None and phase.required
    assert [c.key for c in phase.choices] == ["design", "implementation"]
    assert phase.choice("design").label("en") == "Design"


@needs_survey
def test_every_question_is_imported_with_its_kind(raw, imported):
    questionnaire = imported.questionnaire
    all_questions = [q for page in raw["pages"] for _, q in elements(page)]
    assert sum(1 for q in all_questions if q["type"] in QUESTION_TYPES) == sum(
        1 for _ in questionnaire.questions()
    )
    scored = tool_scored(raw)

    def ours(kind: str) -> list[str]:
        return [
            q.key
            for s in questionnaire.sections
            if s.kind == kind
            for q in s.questions
            if q.is_choice
        ]

    assert ours("impact") == [q["name"] for kind, q in scored if kind == 2]
    assert ours("mitigation") == [q["name"] for kind, q in scored if kind == 3]
    assert (len(ours("impact")), len(ours("mitigation"))) == (70, 90)  # v1.0.1


@needs_survey
def test_maxima_match_the_raw_definition(raw, imported):
    expected = tool_score(raw, {})
    result = score(imported.questionnaire, {})
    assert result.raw_impact_max == expected["raw_max"] == 167  # v1.0.1
    assert result.mitigation_max == expected["mitigation_max"] == 77  # 154 / 2
    assert result.level_thresholds == (41.75, 83.5, 125.25)


@needs_survey
def test_phase_pages_and_conditions_are_mapped(imported):
    questionnaire = imported.questionnaire
    phases = {s.key: s.phase for s in questionnaire.sections}
    assert phases["fairnessDesignPanel-MS"] == "design"
    assert phases["privacyImplementationPanel-MS"] == "implementation"
    assert phases["impactPanel-RS"] == "both"
    visible_if = {q.key: q.visible_if for q in questionnaire.questions() if q.visible_if}
    # A condition on the fork question becomes a condition on "phase".
    assert visible_if["riskProfile9"].question == "phase"
    assert visible_if["riskProfile9"].any_of == ("design",)
    # SurveyJS "contains" on a single answer is a substring test: "item2" matches "item2-0".
    assert visible_if["aboutSystem3A"].any_of == ("item2-0",)
    # "(a or b) and {x} = v", where x is shown only for a or b, is just "{x} = v".
    assert visible_if["aboutSystem5C"].question == "aboutSystem5B"
    assert visible_if["aboutSystem5C"].any_of == ("item1-0",)
    assert visible_if["impact27YN"].any_of == ("item1-1", "item2-0")


@needs_survey
def test_texts_are_plain_and_bilingual(imported):
    questionnaire = imported.questionnaire
    help_text = questionnaire.question("aboutAlgorithm2").help
    assert help_text is not None
    assert "<" not in help_text("en") and "<" not in help_text("fr")
    assert "(https://www.canada.ca/" in help_text("en")  # links keep their address
    section = next(s for s in questionnaire.sections if s.key == "consultationDesignPanel-MS")
    assert section.intro is not None and not section.intro("fr").startswith("<")
    question = questionnaire.question("aboutDataSource1")
    assert question.text("en") != question.text("fr")
    assert question.text("es") == question.text("en")  # not imported: English fallback


@needs_survey
@pytest.mark.parametrize(
    ("name", "phase_value", "pick"),
    [
        ("all minimum, design", "item1", pick_min),
        ("all minimum, implementation", "item2", pick_min),
        ("all maximum, design", "item1", pick_max),
        ("all maximum, implementation", "item2", pick_max),
        ("realistic, design", "item1", pick_realistic),
        ("realistic, implementation", "item2", pick_realistic),
    ],
)
def test_scores_match_the_tool_rule_on_the_raw_definition(raw, imported, name, phase_value, pick):
    data = tool_answers(raw, phase_value, pick)
    expected = tool_score(raw, data)
    answers = imported.convert_answers(data)
    assert validate_answers(imported.questionnaire, answers, complete=False) == {}
    result = score(imported.questionnaire, answers)
    assert result.raw_impact == expected["raw"], name
    assert result.raw_impact_max == expected["raw_max"]
    assert result.mitigation == expected["mitigation"]
    assert result.mitigation_max == expected["mitigation_max"]
    assert result.total == expected["total"]
    assert result.level == expected["level"]


@needs_survey
def test_the_answer_sets_reach_distinct_outcomes(raw, imported):
    """Guard the test above: its cases must differ in level and in deduction."""
    outcomes = {}
    for pick in (pick_min, pick_max, pick_realistic):
        answers = imported.convert_answers(tool_answers(raw, "item1", pick))
        result = score(imported.questionnaire, answers)
        outcomes[pick.__name__] = (result.raw_impact, result.deduction_applied, result.total)
    assert outcomes["pick_min"] == (14, False, 14)  # level I
    assert outcomes["pick_max"] == (167, True, 142)  # 0.85 * 167 = 141.95 -> 142, level IV
    # 45 is level II (> 167 / 4 = 41.75); the deduction brings it to 38, level I.
    assert outcomes["pick_realistic"] == (45, True, 38)


@needs_survey
def test_the_repository_holds_none_of_the_definitions_texts(raw):
    titles = {
        q["title"][lang]
        for page in raw["pages"]
        for _, q in elements(page)
        if isinstance(q.get("title"), dict)
        for lang in ("default", "fr")
        if len(q["title"].get(lang, "")) >= 60
    }
    assert len(titles) > 100
    for folder in (ROOT / "src", ROOT / "tests"):
        for path in folder.rglob("*"):
            if path.suffix in {".py", ".json", ".html", ".po", ".md", ".txt"}:
                text = path.read_text(encoding="utf-8", errors="replace")
                copied = [t for t in titles if t in text]
                assert not copied, f"{path} copies the AIA's text: {copied[0]!r}"


# Small definitions, one mapping rule at a time --------------------------------------------


def radio(name: str, *choice_values: Any, **extra: Any) -> dict[str, Any]:
    choices = [
        {"value": v, "text": {"default": f"Choice {v}", "fr": f"Choix {v}"}} for v in choice_values
    ]
    return {
        "type": "radiogroup",
        "name": name,
        "title": {"default": name, "fr": name},
        "choices": choices,
        **extra,
    }


def checkbox(name: str, *choice_values: Any, **extra: Any) -> dict[str, Any]:
    return radio(name, *choice_values, **extra) | {"type": "checkbox"}


def comment(name: str, **extra: Any) -> dict[str, Any]:
    return {"type": "comment", "name": name, "title": {"default": name, "fr": name}, **extra}


def survey(*elements: dict[str, Any], panel: str = "riskPanel-RS") -> dict[str, Any]:
    return {
        "pages": [
            {
                "name": "risk",
                "title": {"default": "Risk", "fr": "Risque"},
                "elements": [{"type": "panel", "name": panel, "elements": list(elements)}],
            }
        ]
    }


def test_points_are_read_from_the_value_suffix():
    result = import_aia_surveyjs(
        survey(radio("a", "item1-3", "item2", "x-y", "item3-12", 2), checkbox("b", "item1-2", "z"))
    )
    a = result.questionnaire.question("a")
    assert [(c.key, c.points) for c in a.choices] == [
        ("item1-3", 3),
        ("item2", 0),  # no "-": no points
        ("x-y", 0),  # not a number: 0, as the tool's NaN
        ("item3-12", 12),
        ("2", 2),  # a numeric value is its own points
    ]
    assert result.questionnaire.question("b").max_points == 2
    assert result.questionnaire.sections[0].kind == "impact"


def test_a_fractional_value_is_counted_as_zero_with_a_warning():
    result = import_aia_surveyjs(survey(radio("a", "item1-2.5", "item2-1")))
    assert result.questionnaire.question("a").choice("item1-2.5").points == 0
    assert result.warnings == ("a: value 'item1-2.5' is worth 2.5; counted as 0.",)


@pytest.mark.parametrize("suffix", ["inf", "nan", "1e400", "Infinity"])
def test_a_value_worth_no_finite_number_is_counted_as_zero_with_a_warning(suffix):
    result = import_aia_surveyjs(survey(radio("a", f"item1-{suffix}", "item2-1")))
    assert result.questionnaire.question("a").choice(f"item1-{suffix}").points == 0
    assert len(result.warnings) == 1
    assert result.warnings[0].startswith(f"a: value 'item1-{suffix}' is worth ")
    assert result.warnings[0].endswith("; counted as 0.")


def test_kinds_come_from_the_question_name_then_its_panel():
    result = import_aia_surveyjs(
        survey(radio("a", "i-1"), radio("b-MS", "i-2"), radio("c", "i-3"), panel="plainPanel")
    )
    sections = [
        (s.key, s.kind, [q.key for q in s.questions]) for s in result.questionnaire.sections
    ]
    assert sections == [
        ("plainPanel", "context", ["a"]),
        ("plainPanel-2", "mitigation", ["b-MS"]),
        ("plainPanel-3", "context", ["c"]),
    ]
    assert result.questionnaire.question("a").choices[0].points == 0  # context: unscored


@pytest.mark.parametrize(
    ("condition", "question", "any_of"),
    [
        ('{a} = "item1-1"', "a", ("item1-1",)),
        ("{a} == 'item1-1'", "a", ("item1-1",)),
        ('{a} contains "item1"', "a", ("item1-1", "item10-2")),  # substring, as SurveyJS
        ('{a} contains ["item2"]', "a", ("item2-0",)),
        ('{a} = "item1-1" or {a} = "item2-0"', "a", ("item1-1", "item2-0")),
        ('{a} anyof ["item2-0", "item10-2"]', "a", ("item2-0", "item10-2")),
        ("{a} notempty", "a", ("item1-1", "item2-0", "item10-2")),
        ('{b} contains "x"', "b", ("x",)),  # on a checkbox: the value is selected
        ('{b} contains ["y"]', "b", ("y",)),
        ('{b} contains "x" || {b} contains "y"', "b", ("x", "y")),
        ('({a} = "item1-1") and {c} = "no"', "c", ("no",)),  # c is shown only when a is item1-1
        ('{a} = "item1-1" && ({c} = "no" or {c} = "yes")', "c", ("yes", "no")),
    ],
)
def test_conditions_that_can_be_expressed(condition, question, any_of):
    definition = survey(
        radio("a", "item1-1", "item2-0", "item10-2"),
        checkbox("b", "x", "y"),
        radio("c", "yes", "no", visibleIf='{a} = "item1-1"'),
        comment("d", visibleIf=condition),
    )
    result = import_aia_surveyjs(definition)
    assert result.warnings == ()
    visible_if = result.questionnaire.question("d").visible_if
    assert visible_if is not None
    assert (visible_if.question, visible_if.any_of) == (question, any_of)


@pytest.mark.parametrize(
    ("condition", "reason"),
    [
        ('{a} = "item1-1" or {b} contains "x"', "'or' over several questions"),
        ('{a} = "item1-1" and {b} contains "x"', "'and' over several independent questions"),
        ('{b} contains ["x", "y"]', "operator 'contains' on a multiple question"),
        ('{b} = "x"', "operator '=' on a multiple question"),
        ('{a} != "item1-1"', "operator '!=' on a single question"),
        ('{a} = "nothing"', "it can never be true"),
        ('{e} = "yes"', "{e} is not an earlier choice question"),
        ("{d} notempty", "{d} is not an earlier choice question"),
        ('{a} = "item1-1" and', "the expression ends too early"),
        ("{a} ~ 'x'", "cannot read"),
        # Nesting a definition can make as deep as it likes is refused, not recursed into.
        ("(" * 5000 + '{a} = "item1-1"' + ")" * 5000, "brackets nest more than 32 deep"),
        ("{a} anyof " + "[" * 5000 + "]" * 5000, "brackets nest more than 32 deep"),
    ],
)
def test_conditions_that_cannot_be_expressed_leave_the_question_shown(condition, reason):
    definition = survey(
        radio("a", "item1-1", "item2-0"),
        checkbox("b", "x", "y"),
        comment("d"),
        comment("f", visibleIf=condition),
        radio("e", "yes", "no"),
    )
    result = import_aia_surveyjs(definition)
    assert result.questionnaire.question("f").visible_if is None
    assert len(result.warnings) == 1
    assert result.warnings[0].startswith(f"f: visibleIf {f'({condition})'!r} cannot be expressed")
    assert reason in result.warnings[0]
    assert result.warnings[0].endswith("the question is always shown.")


def test_unsupported_elements_are_left_out_with_a_warning():
    definition = survey(
        radio("a", "i-1"),
        {"type": "boolean", "name": "flag"},
        {"type": {"not": "a name"}, "name": "odd"},
    )
    result = import_aia_surveyjs(definition)
    assert "flag" not in result.questionnaire
    assert "odd" not in result.questionnaire
    assert result.warnings == (
        "flag: SurveyJS type 'boolean' is not supported; the question is left out.",
        "odd: SurveyJS type {'not': 'a name'} is not supported; the question is left out.",
    )


def test_texts_become_plain_text_in_the_requested_languages():
    definition = survey(
        {"type": "html", "name": "intro", "html": {"default": "<h4>Read &amp; answer</h4>"}},
        radio(
            "a",
            "i-1",
            title="Same in every language",
            help={"default": 'See <a href="https://example.org/x">the guide</a>.<br/>Thanks'},
        ),
    )
    result = import_aia_surveyjs(definition, languages=("en", "es"))
    questionnaire = result.questionnaire
    a = questionnaire.question("a")
    assert a.text("es") == a.text("en") == "Same in every language"
    assert a.help is not None and a.help("en") == "See the guide (https://example.org/x).\nThanks"
    assert questionnaire.sections[0].intro is not None
    assert questionnaire.sections[0].intro("en") == "Read & answer"
    assert questionnaire.title("en") == "Algorithmic Impact Assessment"
    assert questionnaire.languages == ("en", "es")
    # Texts without a Spanish version: the choice label, the help, the intro, the page title.
    assert result.warnings == ("4 texts have no 'es' version; the English text is used.",)


def phased(*, design_if: str, implementation_if: str, fork: dict[str, Any]) -> dict[str, Any]:
    return {
        "pages": [
            {
                "name": "project",
                "elements": [{"type": "panel", "name": "p-NS", "elements": [fork]}],
            },
            {
                "name": "fairnessDesign",
                "visibleIf": design_if,
                "elements": [radio("d1-MS", "item1-2", "item2-0")],
            },
            {
                "name": "fairnessImplementation",
                "visibleIf": implementation_if,
                "elements": [radio("i1-MS", "item1-1", "item2-0")],
            },
        ]
    }


def test_the_fork_question_becomes_the_phase_question():
    definition = phased(
        design_if='{stage} = "d"', implementation_if='{stage} = "i"', fork=radio("stage", "d", "i")
    )
    result = import_aia_surveyjs(definition)
    questionnaire = result.questionnaire
    assert [(s.key, s.phase) for s in questionnaire.sections] == [
        ("p-NS", "both"),
        ("fairnessDesign", "design"),
        ("fairnessImplementation", "implementation"),
    ]
    assert result.warnings == ("phase: made required, as it selects the pages.",)
    assert result.convert_answers({"stage": "i", "i1-MS": "item1-1", "other": "x"}) == {
        "phase": "implementation",
        "i1-MS": "item1-1",
    }
    answers = result.convert_answers({"stage": "d", "d1-MS": "item1-2"})
    assert score(questionnaire, answers).mitigation == 2
    # half_of_all: (2 + 1) / 2
    assert score(questionnaire, answers).mitigation_max == 1.5


@pytest.mark.parametrize(
    ("design_if", "implementation_if", "fork", "message"),
    [
        ('{stage} = "d"', '{other} = "i"', radio("stage", "d", "i"), "must be shown by one"),
        ('{stage} = "d"', '{stage} = "d"', radio("stage", "d", "i"), "use the same condition"),
        ('{stage} = "d"', '{stage} = "i"', radio("stage", "d", "i", "x"), "exactly the two"),
        ('{stage} = "d"', '{stage} = "i"', checkbox("stage", "d", "i"), "unscored single"),
        ('{stage} = "d"', '{stage} = "i"', radio("elsewhere", "d", "i"), "not a question of"),
    ],
)
def test_an_unclear_fork_stops_the_import(design_if, implementation_if, fork, message):
    definition = phased(design_if=design_if, implementation_if=implementation_if, fork=fork)
    with pytest.raises(AiaImportError, match=message):
        import_aia_surveyjs(definition)


@pytest.mark.parametrize(
    ("definition", "message"),
    [
        ({}, "pages: a SurveyJS definition needs a list of pages"),
        ({"pages": [{"name": "empty", "elements": []}]}, "the definition holds no question"),
        (survey(radio("a", "i-1"), radio("a", "i-2")), "question name 'a' is used twice"),
        (survey(radio("a b", "i-1"), radio("a_b", "i-2")), "clashes with another question"),
        (survey({"type": "radiogroup", "name": "a"}), "a single question needs choices"),
        (survey({"type": "comment"}), "every element needs a name"),
        ({"pages": [{"name": "p", "elements": 5}]}, "pages[0].elements: must be a list"),
    ],
)
def test_unreadable_definitions_stop_the_import(definition, message):
    with pytest.raises(AiaImportError, match=re.escape(message)):
        import_aia_surveyjs(definition)


def test_languages_must_include_english():
    with pytest.raises(AiaImportError, match="must include 'en'"):
        import_aia_surveyjs(survey(radio("a", "i-1")), languages=("fr",))
