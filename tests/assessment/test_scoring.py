"""Scoring: hand-computed examples on a small questionnaire, boundaries, and properties.

The questionnaire below (all texts English only) has a raw impact maximum of 20,
so the level thresholds fall on whole numbers: I up to 5, II up to 10, III up
to 15, IV above. Its mitigation maximum is 10 in design (80 % = 8) and 8 in
implementation (80 % = 6.4).
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from participai.assessment.questionnaire import Questionnaire, load_questionnaire
from participai.assessment.scoring import (
    CHOSEN_TWICE,
    NOT_TEXT,
    ONLY_ONE,
    REQUIRED,
    TEXT_MAX_LENGTH,
    TEXT_TOO_LONG,
    UNKNOWN_CHOICE,
    UNKNOWN_QUESTION,
    AnswersError,
    deducted_total,
    earns_deduction,
    impact_level,
    round_half_up,
    score,
    validate_answers,
    visible_questions,
)


def en(text: str) -> dict[str, str]:
    return {"en": text}


def single(key: str, points: dict[str, int], **extra: Any) -> dict[str, Any]:
    choices = [{"key": k, "label": en(k), "points": p} for k, p in points.items()]
    return {"key": key, "type": "single", "text": en(key), "choices": choices, **extra}


def multiple(key: str, points: dict[str, int], **extra: Any) -> dict[str, Any]:
    return single(key, points, **extra) | {"type": "multiple"}


def section(key: str, kind: str, phase: str, *questions: dict[str, Any]) -> dict[str, Any]:
    return {"key": key, "title": en(key), "kind": kind, "phase": phase, "questions": questions}


def small(rule: str = "phase") -> Questionnaire:
    return load_questionnaire(
        {
            "id": "small",
            "version": "1",
            "title": en("Small"),
            "mitigation_max_rule": rule,
            "sections": [
                section(
                    "context",
                    "context",
                    "both",
                    single("phase", {"design": 0, "implementation": 0}, required=True),
                    {"key": "purpose", "type": "text", "text": en("purpose")},
                ),
                section(
                    "impact",
                    "impact",
                    "both",
                    single("personal", {"yes": 4, "no": 0}, required=True),  # max 4
                    single(
                        "sensitive",
                        {"yes": 3, "no": 0},  # max 3, shown only for personal data
                        visible_if={"question": "personal", "any_of": ["yes"]},
                    ),
                    {
                        "key": "sensitive_detail",
                        "type": "text",
                        "text": en("Which?"),
                        "required": True,
                        "visible_if": {"question": "sensitive", "any_of": ["yes"]},
                    },
                    multiple("affected", {"residents": 1, "staff": 1, "children": 2}),  # 4
                    single("reversible", {"reversible": 0, "hard": 2, "irreversible": 5}),  # 5
                    single("duration", {"brief": 1, "long": 2, "perpetual": 4}),  # 4
                ),  # raw maximum = 4 + 3 + 4 + 5 + 4 = 20
                section("common", "mitigation", "both", single("review", {"yes": 2, "no": 0})),
                section(
                    "design",
                    "mitigation",
                    "design",
                    single("data_checked", {"yes": 4, "no": 0}),
                    multiple("consulted", {"residents": 1, "experts": 2, "unions": 1}),
                ),  # design mitigation maximum = 2 (common) + 4 + 4 = 10
                section(
                    "implementation",
                    "mitigation",
                    "implementation",
                    single("monitored", {"yes": 3, "no": 0}),
                    single("appeal", {"yes": 3, "partly": 1, "no": 0}),
                ),  # implementation mitigation maximum = 2 (common) + 3 + 3 = 8
            ],
        }
    )


Q = small()


# A worked example ---------------------------------------------------------------------------


def test_worked_example_without_deduction():
    answers = {
        "phase": "design",
        "purpose": "Triage referrals",
        "personal": "yes",  # 4
        "sensitive": "no",  # 0
        "affected": ["residents", "children"],  # 1 + 2 = 3
        "reversible": "hard",  # 2
        "duration": "long",  # 2
        "review": "yes",  # 2
        "data_checked": "yes",  # 4
        "consulted": ["residents"],  # 1
        "monitored": "yes",  # implementation only: ignored in design
    }
    result = score(Q, answers)
    assert result.raw_impact == 11  # 4 + 0 + 3 + 2 + 2
    assert result.raw_impact_max == 20
    assert result.mitigation == 7  # 2 + 4 + 1
    assert result.mitigation_max == 10  # 2 + 4 + 4
    assert result.mitigation_share == Fraction(7, 10)  # below 80 %
    assert not result.deduction_applied
    assert result.total == 11
    assert result.level_thresholds == (5, 10, 15)  # 20 * 25 %, 50 %, 75 %
    assert result.level == 3  # 10 < 11 ≤ 15
    assert result.level_numeral == "III"
    assert result.phase == "design"
    subtotals = {s.key: (s.score, s.maximum, s.applies, s.answered) for s in result.sections}
    assert subtotals == {
        "impact": (11, 20, True, 5),
        "common": (2, 2, True, 1),
        "design": (5, 8, True, 2),
        "implementation": (0, 6, False, 0),
    }
    assert validate_answers(Q, answers) == {}


def test_mitigation_at_exactly_80_percent_earns_the_deduction():
    answers = {
        "phase": "design",
        "personal": "yes",
        "sensitive": "no",
        "affected": ["residents", "children"],
        "reversible": "hard",
        "duration": "long",  # raw 11, as above
        "review": "yes",
        "data_checked": "yes",
        "consulted": ["residents", "unions"],  # 2 + 4 + 1 + 1 = 8 = 80 % of 10
    }
    result = score(Q, answers)
    assert (result.mitigation, result.mitigation_max) == (8, 10)
    assert result.deduction_applied
    assert result.total == 9  # 0.85 * 11 = 9.35 → 9
    assert result.level == 2  # 9 ≤ 10: the deduction moves it down a level


def test_mitigation_one_point_below_80_percent_earns_nothing():
    answers = {"phase": "design", "personal": "yes", "sensitive": "no", "duration": "long"}
    answers |= {"review": "yes", "data_checked": "yes", "consulted": ["unions"]}  # 7 of 10
    result = score(Q, answers)
    assert result.mitigation == 7
    assert not result.deduction_applied
    assert result.total == result.raw_impact == 6  # 4 + 0 + 2


# Levels at their boundaries (no mitigation, so total = raw) ------------------------------


@pytest.mark.parametrize(
    ("answers", "raw", "level"),
    [
        ({}, 0, 1),
        # 0 + 1 + 4 = 5 = 25 % of 20: still level I
        ({"personal": "no", "affected": ["residents"], "duration": "perpetual"}, 5, 1),
        # 0 + (1 + 1) + 4 = 6: one point above
        ({"personal": "no", "affected": ["residents", "staff"], "duration": "perpetual"}, 6, 2),
        # 4 + 0 + 2 + 4 = 10 = 50 %
        (
            {
                "personal": "yes",
                "sensitive": "no",
                "affected": ["children"],
                "duration": "perpetual",
            },
            10,
            2,
        ),
        # 4 + 0 + (2 + 1) + 4 = 11
        (
            {
                "personal": "yes",
                "sensitive": "no",
                "affected": ["children", "residents"],
                "duration": "perpetual",
            },
            11,
            3,
        ),
        # 4 + 3 + (1 + 1 + 2) + 0 + 4 = 15 = 75 %
        (
            {
                "personal": "yes",
                "sensitive": "yes",
                "affected": ["residents", "staff", "children"],
                "reversible": "reversible",
                "duration": "perpetual",
            },
            15,
            3,
        ),
        # 4 + 3 + (1 + 2) + 5 + 1 = 16
        (
            {
                "personal": "yes",
                "sensitive": "yes",
                "affected": ["residents", "children"],
                "reversible": "irreversible",
                "duration": "brief",
            },
            16,
            4,
        ),
        # everything at its maximum: 4 + 3 + 4 + 5 + 4 = 20
        (
            {
                "personal": "yes",
                "sensitive": "yes",
                "affected": ["residents", "staff", "children"],
                "reversible": "irreversible",
                "duration": "perpetual",
            },
            20,
            4,
        ),
    ],
)
def test_levels_at_and_just_above_each_threshold(answers, raw, level):
    result = score(Q, {"phase": "design", **answers})
    assert (result.raw_impact, result.total, result.level) == (raw, raw, level)


# Rounding ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "total"),
    [
        (0, 0),
        (1, 1),  # 0.85 → 1
        (2, 2),  # 1.70 → 2
        (3, 3),  # 2.55 → 3
        (6, 5),  # 5.10 → 5
        (10, 9),  # 8.50 → 9 (Python's round(8.5) gives 8)
        (30, 26),  # 25.50 → 26
        (50, 43),  # 42.50 → 43 (round(42.5) gives 42)
        (167, 142),  # 141.95 → 142
    ],
)
def test_deduction_rounds_halves_up(raw, total):
    assert deducted_total(raw) == total


def test_round_half_up_on_fractions():
    assert round_half_up(Fraction(17, 2)) == 9
    assert round_half_up(Fraction(169, 20)) == 8  # 8.45
    assert round(Fraction(17, 2)) == 8  # what we must not use


def test_a_total_of_x_point_5_is_rounded_up_in_a_full_score():
    # raw 10 (4 + 0 + 2 + 4) with 8 of 10 mitigation: 0.85 * 10 = 8.5 → 9
    answers = {
        "phase": "design",
        "personal": "yes",
        "sensitive": "no",
        "affected": ["children"],
        "duration": "perpetual",
        "review": "yes",
        "data_checked": "yes",
        "consulted": ["residents", "unions"],
    }
    result = score(Q, answers)
    assert (result.raw_impact, result.deduction_applied, result.total) == (10, True, 9)


def test_thresholds_are_compared_exactly_where_floats_would_drift():
    raw_max = 2**55 + 4  # a float cannot hold it: it becomes 2**55
    total = 2**53 + 1  # exactly 25 % of raw_max
    assert total > raw_max * 0.25  # the floating-point comparison gets it wrong
    assert impact_level(total, raw_max) == 1
    assert impact_level(total + 1, raw_max) == 2
    assert earns_deduction(4, Fraction(5))  # exactly 80 %
    assert not earns_deduction(3, Fraction(5))
    assert not earns_deduction(0, 0)  # no mitigation questions: no deduction


# Hidden questions -------------------------------------------------------------------------


def test_answers_to_hidden_questions_are_ignored_but_the_maximum_keeps_them():
    answers = {"phase": "design", "personal": "no", "sensitive": "yes", "duration": "brief"}
    result = score(Q, answers)
    assert result.raw_impact == 1  # 0 + 1; "sensitive" (3) is hidden because personal is "no"
    assert result.raw_impact_max == 20  # the hidden question still counts, as in the tool
    assert "sensitive" not in visible_questions(Q, answers)
    # "sensitive_detail" depends on a hidden question, so it is hidden and not required.
    assert "sensitive_detail" not in visible_questions(Q, answers)
    assert validate_answers(Q, answers) == {}


def test_a_required_question_is_required_once_shown():
    answers = {"phase": "design", "personal": "yes", "sensitive": "yes"}
    assert validate_answers(Q, answers) == {"sensitive_detail": REQUIRED}
    assert validate_answers(Q, answers | {"sensitive_detail": "Health records"}) == {}
    assert validate_answers(Q, answers | {"sensitive_detail": "   "}) == {
        "sensitive_detail": REQUIRED
    }


# The phase fork ---------------------------------------------------------------------------


def test_implementation_phase_counts_its_own_mitigation_sections():
    answers = {"phase": "implementation", "personal": "yes", "sensitive": "no"}  # raw 4
    answers |= {"data_checked": "yes", "consulted": ["experts"]}  # design only: ignored
    answers |= {"review": "yes", "monitored": "yes", "appeal": "partly"}  # 2 + 3 + 1 = 6
    result = score(Q, answers)
    assert result.mitigation == 6
    assert result.mitigation_max == 8  # 2 + 3 + 3
    assert not result.deduction_applied  # 6 < 0.8 * 8 = 6.4
    result = score(Q, answers | {"appeal": "yes"})  # 2 + 3 + 3 = 8
    assert result.deduction_applied
    assert result.total == 3  # 0.85 * 4 = 3.4 → 3
    assert [s.applies for s in result.sections] == [True, True, False, True]


def test_before_a_phase_is_chosen_only_common_sections_count():
    answers = {"personal": "yes", "data_checked": "yes", "review": "no"}
    result = score(Q, answers)
    assert result.phase is None
    assert result.mitigation_max == 2  # the common section alone
    assert result.mitigation == 0  # "data_checked" belongs to the design phase
    assert validate_answers(Q, answers) == {"phase": REQUIRED}


def test_half_of_all_halves_the_total_of_every_mitigation_question():
    answers = {"phase": "design", "personal": "yes", "sensitive": "no", "affected": ["children"]}
    answers |= {"review": "yes", "data_checked": "yes", "consulted": ["residents"]}  # 7
    # phase rule: 7 of 10 < 80 %
    assert not score(Q, answers).deduction_applied
    # half_of_all: (2 + 8 + 6) / 2 = 8; 7 ≥ 0.8 * 8 = 6.4
    result = score(small("half_of_all"), answers)
    assert result.mitigation_max == 8
    assert result.mitigation_share == Fraction(7, 8)
    assert result.deduction_applied
    assert result.total == 5  # raw 4 + 0 + 2 = 6; 0.85 * 6 = 5.1 → 5
    # Before the phase is chosen the maximum stays at 8, and no phase answer counts.
    assert score(small("half_of_all"), {"review": "yes"}).mitigation_max == 8


# Malformed answers ------------------------------------------------------------------------


def test_validate_answers_reports_each_kind_of_error():
    answers = {
        "phase": "design",
        "colour": "blue",
        "personal": "perhaps",
        "affected": ["residents", "pets"],
        "reversible": ["hard", "irreversible"],
        "duration": ["brief"],  # a one-item list is fine for a single question
        "consulted": ["experts", "experts"],
        "purpose": ["text"],
        "review": 1,
    }
    assert validate_answers(Q, answers) == {
        "colour": UNKNOWN_QUESTION,
        "personal": UNKNOWN_CHOICE,
        "affected": UNKNOWN_CHOICE,
        "reversible": ONLY_ONE,
        "consulted": CHOSEN_TWICE,
        "purpose": NOT_TEXT,
        "review": UNKNOWN_CHOICE,
    }


def test_a_text_answer_over_the_limit_is_refused():
    assert validate_answers(Q, {"purpose": "x" * TEXT_MAX_LENGTH}, complete=False) == {}
    too_long = {"purpose": "x" * (TEXT_MAX_LENGTH + 1)}
    assert validate_answers(Q, too_long, complete=False) == {"purpose": TEXT_TOO_LONG}


def test_missing_required_answers_only_when_complete():
    assert validate_answers(Q, {"phase": "", "personal": None}) == {
        "phase": REQUIRED,
        "personal": REQUIRED,
    }
    assert validate_answers(Q, {}, complete=False) == {}


def test_score_refuses_malformed_answers_but_accepts_incomplete_ones():
    with pytest.raises(AnswersError) as caught:
        score(Q, {"personal": "perhaps", "colour": "blue"})
    assert caught.value.errors == {"colour": UNKNOWN_QUESTION, "personal": UNKNOWN_CHOICE}
    assert score(Q, {}).total == 0


# Properties -------------------------------------------------------------------------------


@st.composite
def questionnaires_and_answers(draw: st.DrawFn) -> tuple[Questionnaire, dict, dict, dict]:
    """A random questionnaire, two impact answer sets and one mitigation answer set."""

    def questions(prefix: str, count: int) -> list[dict[str, Any]]:
        made = []
        for i in range(count):
            points = draw(st.lists(st.integers(0, 6), min_size=1, max_size=4))
            maker = draw(st.sampled_from([single, multiple]))
            made.append(maker(f"{prefix}{i}", {f"c{j}": p for j, p in enumerate(points)}))
        return made

    impact = questions("i", draw(st.integers(1, 6)))
    mitigation = questions("m", draw(st.integers(0, 3)))
    sections = [section("impact", "impact", "both", *impact)]
    if mitigation:
        sections.append(section("mitigation", "mitigation", "both", *mitigation))
    rule = draw(st.sampled_from(["phase", "half_of_all"]))
    questionnaire = load_questionnaire(
        {
            "id": "h",
            "version": "1",
            "title": en("H"),
            "mitigation_max_rule": rule,
            "sections": sections,
        }
    )

    def answers(qs: list[dict[str, Any]]) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for q in qs:
            keys = [c["key"] for c in q["choices"]]
            if q["type"] == "single":
                result[q["key"]] = draw(st.sampled_from([*keys, None]))
            else:
                result[q["key"]] = draw(st.lists(st.sampled_from(keys), unique=True))
        return result

    return questionnaire, answers(impact), answers(impact), answers(mitigation)


@settings(max_examples=150, deadline=None)
@given(questionnaires_and_answers())
def test_total_never_exceeds_the_maximum_and_level_grows_with_raw(case):
    questionnaire, first, second, mitigation = case
    a = score(questionnaire, first | mitigation)
    b = score(questionnaire, second | mitigation)
    for result in (a, b):
        assert 0 <= result.total <= result.raw_impact <= result.raw_impact_max
        assert 1 <= result.level <= 4
        assert result.level == impact_level(result.total, result.raw_impact_max)
    assert a.deduction_applied == b.deduction_applied  # same mitigation answers
    if a.raw_impact <= b.raw_impact:
        assert a.level <= b.level
    else:
        assert a.level >= b.level


@given(st.integers(0, 10_000), st.data())
def test_deducted_level_is_monotone_and_never_higher(raw_max, data):
    low = data.draw(st.integers(0, raw_max))
    high = data.draw(st.integers(low, raw_max))
    assert deducted_total(low) <= deducted_total(high) <= high
    assert impact_level(low, raw_max) <= impact_level(high, raw_max)
    assert impact_level(deducted_total(high), raw_max) <= impact_level(high, raw_max)
