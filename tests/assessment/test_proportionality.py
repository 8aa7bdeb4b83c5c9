"""Proportionality: what a procurement owes, and at which gate, given its impact
level and AI Act class (DOMAIN.md section 6). Expected obligation sets are
written out here, not read from the data file."""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from participai.assessment import ai_act, proportionality
from participai.assessment.proportionality import (
    ObligationsDataError,
    Stakes,
    obligations_at_gate,
    obligations_for,
)
from participai.procurements import lifecycle

LANGS = ("en", "es", "ca")

ALWAYS = {"public_notice", "plain_language_explanation"}

# Per impact level, with the screening done and the class minimal.
BY_LEVEL = {
    1: {"public_notice", "plain_language_explanation"},
    2: {
        "public_notice",
        "plain_language_explanation",
        "equity_analysis",
        "adverse_decision_explanations",
        "expert_peer_review",
    },
    3: {
        "public_notice",
        "plain_language_explanation",
        "equity_analysis",
        "adverse_decision_explanations",
        "expert_peer_review",
        "deliberation_with_affected_people",
        "independent_expert_on_team",
        "human_final_decision",
        "community_voice_in_evaluation",
        "recurring_training",
    },
    4: {
        "public_notice",
        "plain_language_explanation",
        "equity_analysis",
        "adverse_decision_explanations",
        "expert_peer_review",
        "deliberation_with_affected_people",
        "independent_expert_on_team",
        "human_final_decision",
        "community_voice_in_evaluation",
        "recurring_training",
        "second_expert_review",
        "highest_level_approval",
    },
}

# Per AI Act class, at impact level I.
BY_CLASS = [
    (Stakes(1, "minimal"), {"public_notice", "plain_language_explanation"}),
    (Stakes(1, "limited"), {"public_notice", "plain_language_explanation", "ai_use_disclosure"}),
    (
        Stakes(1, "high_risk", fria_required=True, eu_registration_required=True),
        {
            "public_notice",
            "plain_language_explanation",
            "adverse_decision_explanations",
            "ai_use_disclosure",
            "fundamental_rights_impact_assessment",
            "eu_database_registration",
            "transparency_record",
            "standing_oversight",
        },
    ),
    (
        # a private deployer, or critical infrastructure only: no FRIA, no registration
        Stakes(1, "high_risk"),
        {
            "public_notice",
            "plain_language_explanation",
            "adverse_decision_explanations",
            "ai_use_disclosure",
            "transparency_record",
            "standing_oversight",
        },
    ),
    (Stakes(1, "prohibited"), {"public_notice", "plain_language_explanation", "do_not_proceed"}),
]

HIGH_RISK_LEVEL_IV = {
    "public_notice",
    "plain_language_explanation",
    "equity_analysis",
    "adverse_decision_explanations",
    "expert_peer_review",
    "deliberation_with_affected_people",
    "independent_expert_on_team",
    "human_final_decision",
    "community_voice_in_evaluation",
    "recurring_training",
    "second_expert_review",
    "highest_level_approval",
    "ai_use_disclosure",
    "fundamental_rights_impact_assessment",
    "eu_database_registration",
    "transparency_record",
    "standing_oversight",
}


def keys(obligations) -> set[str]:
    return {obligation.key for obligation in obligations}


def by_key(stakes: Stakes) -> dict[str, proportionality.Obligation]:
    return {obligation.key: obligation for obligation in obligations_for(stakes)}


def all_stakes() -> list[Stakes]:
    stakes = []
    for level, ai_class in itertools.product(
        (None, 1, 2, 3, 4), (None, *proportionality.AI_ACT_CLASSES)
    ):
        flags = [(False, False)]
        if ai_class == "high_risk":
            flags = list(itertools.product((False, True), repeat=2))
        stakes += [Stakes(level, ai_class, fria, reg) for fria, reg in flags]
    return stakes


# --------------------------------------------------------------------------- the stages


def test_stage_keys_mirror_the_lifecycle():
    assert proportionality.STAGE_KEYS == lifecycle.STAGE_KEYS


def test_the_modules_import_no_django():
    code = (
        "import sys\n"
        "import participai.assessment.ai_act, participai.assessment.proportionality\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'django'))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.strip() == "[]"


# --------------------------------------------------------------------------- the sets


@pytest.mark.parametrize("level", [1, 2, 3, 4])
def test_obligations_per_impact_level(level):
    assert keys(obligations_for(Stakes(level, "minimal"))) == BY_LEVEL[level]


@pytest.mark.parametrize(("stakes", "expected"), BY_CLASS)
def test_obligations_per_ai_act_class(stakes, expected):
    assert keys(obligations_for(stakes)) == expected


def test_high_risk_at_level_iv_owes_everything_but_the_placeholders():
    stakes = Stakes(4, "high_risk", fria_required=True, eu_registration_required=True)
    assert keys(obligations_for(stakes)) == HIGH_RISK_LEVEL_IV


def test_fria_and_registration_follow_their_own_flags():
    fria_only = keys(obligations_for(Stakes(1, "high_risk", fria_required=True)))
    assert "fundamental_rights_impact_assessment" in fria_only
    assert "eu_database_registration" not in fria_only
    registration_only = keys(
        obligations_for(Stakes(1, "high_risk", eu_registration_required=True))
    )
    assert "eu_database_registration" in registration_only
    assert "fundamental_rights_impact_assessment" not in registration_only


# --------------------------------------------------------------------------- unknown stakes


def test_unknown_stakes_owe_the_assessment_and_the_screening():
    found = by_key(Stakes())
    assert set(found) == ALWAYS | {"complete_impact_assessment", "complete_ai_act_screening"}
    for key in ("complete_impact_assessment", "complete_ai_act_screening"):
        assert found[key].gate == "impact_assessment"
        assert found[key].stage == "impact_assessment"
        assert not found[key].blocking


def test_half_known_stakes_owe_the_missing_half():
    assert keys(obligations_for(Stakes(impact_level=2))) == BY_LEVEL[2] | {
        "complete_ai_act_screening"
    }
    assert keys(obligations_for(Stakes(ai_act_class="high_risk"))) == {
        "public_notice",
        "plain_language_explanation",
        "adverse_decision_explanations",
        "ai_use_disclosure",
        "transparency_record",
        "standing_oversight",
        "complete_impact_assessment",
    }


# --------------------------------------------------------------------------- details


def test_the_details_of_each_obligation():
    found = by_key(Stakes(4, "high_risk", fria_required=True, eu_registration_required=True))
    expected = {
        # key: (kind, stage, gate)
        "public_notice": ("publication", "engagement_planning", "market_engagement"),
        "plain_language_explanation": ("publication", "engagement_planning", "market_engagement"),
        "deliberation_with_affected_people": (
            "mechanism",
            "problem_definition",
            "problem_definition",
        ),
        "equity_analysis": ("review", "impact_assessment", "impact_assessment"),
        "fundamental_rights_impact_assessment": (
            "review",
            "impact_assessment",
            "impact_assessment",
        ),
        "independent_expert_on_team": ("role", "engagement_planning", "engagement_planning"),
        "adverse_decision_explanations": (
            "publication",
            "solicitation_preparation",
            "solicitation_preparation",
        ),
        "ai_use_disclosure": (
            "publication",
            "solicitation_preparation",
            "solicitation_preparation",
        ),
        "human_final_decision": (
            "human_oversight",
            "solicitation_preparation",
            "solicitation_preparation",
        ),
        "community_voice_in_evaluation": ("role", "vendor_evaluation", "vendor_evaluation"),
        "expert_peer_review": ("review", "solution_evaluation", "solution_evaluation"),
        "second_expert_review": ("review", "solution_evaluation", "solution_evaluation"),
        "recurring_training": ("human_oversight", "contract_negotiation", "contract_negotiation"),
        "highest_level_approval": ("role", "contract_negotiation", "contract_negotiation"),
        "eu_database_registration": (
            "publication",
            "contract_negotiation",
            "contract_negotiation",
        ),
        "transparency_record": ("publication", "contract_negotiation", "contract_negotiation"),
        "standing_oversight": ("mechanism", "contract_negotiation", "contract_negotiation"),
    }
    assert {key: (o.kind, o.stage, o.gate) for key, o in found.items()} == expected
    deliberation = found["deliberation_with_affected_people"].requirement
    assert deliberation["functions"] == ["participation", "collaboration"]
    assert deliberation["min_depth"] == "involve"
    assert deliberation["actors"] == ["affected_community"]
    assert found["community_voice_in_evaluation"].requirement["actor"] == "affected_community"
    assert found["independent_expert_on_team"].requirement["actor"] == "independent_expert"
    assert found["highest_level_approval"].requirement["actor"] == "senior_leadership"
    assert found["expert_peer_review"].requirement["independent_experts"] == 1
    assert found["second_expert_review"].requirement["independent_experts"] == 2
    assert found["standing_oversight"].requirement["institutionalisation"] == "standing_body"
    assert found["human_final_decision"].requirement == {"measure": "human_final_decision"}
    assert found["eu_database_registration"].requirement["audience"] == "eu_database"


def test_the_ordering_promises_of_domain_section_6():
    found = by_key(Stakes(4, "high_risk", fria_required=True, eu_registration_required=True))

    def gate(key: str) -> int:
        return lifecycle.STAGE_KEYS.index(found[key].gate)

    index = lifecycle.STAGE_KEYS.index
    # notice before solicitation; FRIA at the impact assessment gate;
    # deliberation before the problem definition gate closes;
    # registration and the transparency record before monitoring starts.
    assert gate("public_notice") < index("solicitation_preparation")
    assert gate("fundamental_rights_impact_assessment") == index("impact_assessment")
    assert gate("deliberation_with_affected_people") == index("problem_definition")
    assert gate("eu_database_registration") < index("contract_monitoring")
    assert gate("transparency_record") < index("contract_monitoring")
    assert index(found["standing_oversight"].stage) > index("vendor_evaluation")


@pytest.mark.parametrize("stakes", all_stakes(), ids=repr)
def test_every_obligation_is_well_formed(stakes):
    for obligation in obligations_for(stakes):
        assert obligation.kind in proportionality.KINDS
        assert obligation.stage in lifecycle.STAGE_KEYS
        assert obligation.gate in lifecycle.STAGE_KEYS
        assert lifecycle.STAGE_KEYS.index(obligation.gate) >= lifecycle.STAGE_KEYS.index(
            obligation.stage
        )
        for text in (obligation.text, obligation.reason):
            assert set(text) == set(LANGS)
            for lang in LANGS:
                assert text[lang].strip()
                assert "{" not in text[lang] and "}" not in text[lang]
        json.dumps(obligation.as_dict())


def test_obligations_are_ordered_by_gate():
    gates = [o.gate for o in obligations_for(Stakes(4, "high_risk", True, True))]
    assert gates == sorted(gates, key=lifecycle.STAGE_KEYS.index)


def test_reasons_cite_the_level():
    reason = by_key(Stakes(3, "minimal"))["deliberation_with_affected_people"].reason
    assert "level III" in reason["en"]
    assert "nivel III" in reason["es"]
    assert "nivell III" in reason["ca"]
    assert "level IV" in by_key(Stakes(4, "minimal"))["human_final_decision"].reason["en"]


def test_reasons_cite_the_class():
    reason = by_key(Stakes(1, "high_risk"))["transparency_record"].reason
    assert "high-risk" in reason["en"]
    assert "de alto riesgo" in reason["es"]
    assert "d'alt risc" in reason["ca"]


def test_the_reason_given_is_the_one_that_applies():
    by_level = by_key(Stakes(2, "minimal"))["adverse_decision_explanations"].reason["en"]
    by_class = by_key(Stakes(1, "high_risk"))["adverse_decision_explanations"].reason["en"]
    assert "level II" in by_level
    assert "high-risk" in by_class and "level" not in by_class


# --------------------------------------------------------------------------- gates


def test_gate_lookup():
    stakes = Stakes(4, "high_risk", fria_required=True, eu_registration_required=True)
    assert keys(obligations_at_gate(stakes, "problem_definition")) == {
        "deliberation_with_affected_people"
    }
    assert keys(obligations_at_gate(stakes, "impact_assessment")) == {
        "equity_analysis",
        "fundamental_rights_impact_assessment",
    }
    assert keys(obligations_at_gate(stakes, "market_engagement")) == ALWAYS
    assert keys(obligations_at_gate(stakes, "vendor_evaluation")) == {
        "community_voice_in_evaluation"
    }
    assert keys(obligations_at_gate(stakes, "contract_monitoring")) == set()
    assert keys(obligations_at_gate(stakes, "review")) == set()


def test_every_obligation_is_checked_at_exactly_one_gate():
    for stakes in all_stakes():
        if stakes.ai_act_class == "prohibited":
            continue
        per_gate = [
            o.key for stage in lifecycle.STAGE_KEYS for o in obligations_at_gate(stakes, stage)
        ]
        assert sorted(per_gate) == sorted(keys(obligations_for(stakes)))


def test_unknown_stage_is_refused():
    with pytest.raises(ValueError, match="unknown stage 'award'"):
        obligations_at_gate(Stakes(1, "minimal"), "award")
    with pytest.raises(ValueError, match="unknown stage"):
        obligations_for(Stakes(1, "minimal"), current_stage="award")


# --------------------------------------------------------------------------- prohibited


@pytest.mark.parametrize("stage", lifecycle.STAGE_KEYS)
def test_prohibited_blocks_whichever_gate_comes_next(stage):
    at_gate = {o.key: o for o in obligations_at_gate(Stakes(2, "prohibited"), stage)}
    stop = at_gate["do_not_proceed"]
    assert stop.blocking
    assert stop.gate == stage
    assert "level" not in stop.reason["en"]
    assert "prohibited" in stop.reason["en"]


def test_prohibited_is_placed_at_the_impact_assessment_gate_by_default():
    stop = by_key(Stakes(1, "prohibited"))["do_not_proceed"]
    assert (stop.stage, stop.gate) == ("impact_assessment", "impact_assessment")
    assert proportionality.is_blocked(Stakes(1, "prohibited"))


def test_only_prohibited_is_blocked():
    for stakes in all_stakes():
        blocked = proportionality.is_blocked(stakes)
        assert blocked == (stakes.ai_act_class == "prohibited")
        assert any(o.blocking for o in obligations_for(stakes)) == blocked


# --------------------------------------------------------------------------- stakes


@pytest.mark.parametrize(
    "kwargs",
    [
        {"impact_level": 0},
        {"impact_level": 5},
        {"impact_level": True},
        {"impact_level": "3"},
        {"ai_act_class": "unacceptable"},
        {"ai_act_class": "minimal", "fria_required": True},
        {"ai_act_class": None, "eu_registration_required": True},
        {"ai_act_class": "high_risk", "fria_required": "yes"},
    ],
)
def test_impossible_stakes_are_refused(kwargs):
    with pytest.raises(ValueError):
        Stakes(**kwargs)


def test_stakes_from_a_screening():
    answers = ai_act.blank_answers()
    answers.update(deployer_is_public_body=True, annex_iii_points=["5(a)"])
    stakes = Stakes.from_screening(3, ai_act.screen(answers))
    assert stakes == Stakes(3, "high_risk", fria_required=True, eu_registration_required=True)
    assert Stakes.from_screening(None, None) == Stakes()


# --------------------------------------------------------------------------- monotonic


@given(
    level=st.integers(min_value=1, max_value=3),
    ai_class=st.sampled_from([None, *proportionality.AI_ACT_CLASSES]),
    fria=st.booleans(),
    registration=st.booleans(),
)
def test_a_higher_level_owes_at_least_as_much(level, ai_class, fria, registration):
    high = ai_class == "high_risk"
    lower = Stakes(level, ai_class, fria and high, registration and high)
    higher = Stakes(level + 1, ai_class, fria and high, registration and high)
    assert keys(obligations_for(lower)) <= keys(obligations_for(higher))


# --------------------------------------------------------------------------- data validation


def _raw() -> dict[str, Any]:
    return json.loads(proportionality.DATA_PATH.read_text(encoding="utf-8"))


def _problems(tmp_path: Path, raw: Any) -> str:
    path = tmp_path / "obligations.json"
    path.write_text(json.dumps(raw), encoding="utf-8")
    with pytest.raises(ObligationsDataError) as caught:
        proportionality.load_rules(path)
    message = str(caught.value)
    assert str(path) in message
    return message


def _rule(raw: dict[str, Any], key: str) -> dict[str, Any]:
    return next(rule for rule in raw["obligations"] if rule["key"] == key)


def test_unknown_stage_key_is_named(tmp_path):
    raw = _raw()
    _rule(raw, "public_notice")["stage"] = "tendering"
    message = _problems(tmp_path, raw)
    assert "obligations[0] (public_notice).stage: unknown stage 'tendering'" in message
    assert "problem_definition" in message


def test_gate_before_stage_is_named(tmp_path):
    raw = _raw()
    _rule(raw, "public_notice")["gate"] = "problem_definition"
    assert "gate 'problem_definition' comes before the stage" in _problems(tmp_path, raw)


def test_unknown_kind_is_named(tmp_path):
    raw = _raw()
    _rule(raw, "equity_analysis")["kind"] = "ceremony"
    assert "(equity_analysis).kind: unknown kind 'ceremony'" in _problems(tmp_path, raw)


def test_missing_languages_are_named(tmp_path):
    raw = _raw()
    del _rule(raw, "equity_analysis")["text"]["es"]
    del _rule(raw, "equity_analysis")["when"][0]["reason"]["ca"]
    message = _problems(tmp_path, raw)
    assert "(equity_analysis).text: missing language 'es'" in message
    assert "(equity_analysis).when[0].reason: missing language 'ca'" in message


def test_unknown_condition_and_vocabulary_are_named(tmp_path):
    raw = _raw()
    _rule(raw, "equity_analysis")["when"][0]["if"] = {"max_level": 2}
    _rule(raw, "community_voice_in_evaluation")["requirement"]["actor"] = "mayor"
    _rule(raw, "deliberation_with_affected_people")["requirement"]["min_depth"] = "listen"
    message = _problems(tmp_path, raw)
    assert "(equity_analysis).when[0].if.max_level: unknown field" in message
    assert "requirement.actor: unknown actor kind 'mayor'" in message
    assert "requirement.min_depth: unknown depth 'listen'" in message


def test_placeholder_without_its_condition_is_named(tmp_path):
    raw = _raw()
    _rule(raw, "transparency_record")["when"][0]["if"] = {"min_level": 1}
    assert "{ai_act_class} needs 'ai_act_class'" in _problems(tmp_path, raw)


def test_duplicate_key_is_named(tmp_path):
    raw = _raw()
    raw["obligations"].append(raw["obligations"][0])
    assert "duplicate obligation key 'public_notice'" in _problems(tmp_path, raw)


def test_invalid_json_is_named(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text("{\n\n  oops", encoding="utf-8")
    with pytest.raises(ObligationsDataError, match=r"broken\.json.*\n.*line 3"):
        proportionality.load_rules(path)
