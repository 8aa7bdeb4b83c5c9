"""The lifecycle as data: ten stages in three phases (DOMAIN.md section 2),
each declaring what it enables, what its gate checks and who decides it."""

from __future__ import annotations

import itertools

import pytest

from participai.accounts.roles import Role
from participai.procurements import checks, lifecycle
from participai.procurements.lifecycle import Feature, Phase
from participai.procurements.models import DocumentType

# (key, phase, OCDS stage), in order, from DOMAIN.md section 2.
DOMAIN_TABLE = [
    ("problem_definition", "purpose", "planning"),
    ("impact_assessment", "purpose", "planning"),
    ("engagement_planning", "purpose", "planning"),
    ("market_engagement", "purpose", "planning"),
    ("solicitation_preparation", "delivery", "tender"),
    ("vendor_evaluation", "delivery", "award"),
    ("solution_evaluation", "delivery", "award"),
    ("contract_negotiation", "delivery", "contract"),
    ("contract_monitoring", "impact", "implementation"),
    ("review", "impact", "implementation"),
]
KEYS = [key for key, _, _ in DOMAIN_TABLE]


def test_stages_follow_the_domain_table():
    assert [(s.key, s.phase, s.ocds_stage) for s in lifecycle.STAGES] == DOMAIN_TABLE
    assert list(lifecycle.STAGE_KEYS) == KEYS
    assert lifecycle.FIRST_STAGE.key == "problem_definition"
    assert [key for key, _ in lifecycle.STAGE_CHOICES] == KEYS


def test_phases_in_order():
    assert list(Phase.values) == ["purpose", "delivery", "impact"]
    assert [s.key for s in lifecycle.stages_in_phase(Phase.PURPOSE)] == KEYS[:4]
    assert [s.key for s in lifecycle.stages_in_phase("delivery")] == KEYS[4:8]
    assert [s.key for s in lifecycle.stages_in_phase(Phase.IMPACT)] == KEYS[8:]
    assert lifecycle.stages_in_phase("afterlife") == ()


def test_stage_lookup_and_numbers():
    for number, key in enumerate(KEYS, start=1):
        found = lifecycle.stage(key)
        assert found.key == key
        assert found.number == number
        assert str(found.name) and str(found.summary)
    with pytest.raises(KeyError):
        lifecycle.stage("daydreaming")


def test_next_stage():
    for current, following in itertools.pairwise(KEYS):
        assert lifecycle.next_stage(current).key == following
    assert lifecycle.next_stage("review") is None
    with pytest.raises(ValueError):
        lifecycle.next_stage("daydreaming")


def test_is_before():
    assert lifecycle.is_before("problem_definition", "review")
    assert lifecycle.is_before("market_engagement", "solicitation_preparation")
    assert not lifecycle.is_before("review", "problem_definition")
    assert not lifecycle.is_before("impact_assessment", "impact_assessment")


@pytest.mark.parametrize("key", KEYS)
def test_what_each_stage_enables(key):
    stage = lifecycle.stage(key)
    in_purpose = key in KEYS[:4]
    assert stage.enables_feature(Feature.EDIT_DEFINITION) is in_purpose
    assert stage.enables_feature("edit_definition") is in_purpose
    assert stage.enables_feature(Feature.DOCUMENTS)
    assert stage.enables_feature(Feature.GATE)
    assert not stage.enables_feature("teleportation")


def test_gate_deciders_per_stage():
    leads = {Role.ORG_ADMIN, Role.PROCUREMENT_OFFICER, Role.PROJECT_LEAD}
    officers = {Role.ORG_ADMIN, Role.PROCUREMENT_OFFICER}
    legal = officers | {Role.LEGAL_OFFICER}
    assert {s.key: set(s.gate_deciders) for s in lifecycle.STAGES} == {
        "problem_definition": leads,
        "impact_assessment": leads,
        "engagement_planning": leads,
        "market_engagement": officers,
        "solicitation_preparation": legal,
        "vendor_evaluation": officers,
        "solution_evaluation": officers,
        "contract_negotiation": legal,
        "contract_monitoring": officers,
        "review": officers,
    }


def test_every_declared_gate_check_is_registered():
    for stage in lifecycle.STAGES:
        assert stage.gate_checks, stage.key
        for key in stage.gate_checks:
            assert key in checks.REGISTRY, (stage.key, key)


def test_problem_definitions_gate_asks_for_the_problem_the_people_and_the_alternatives():
    assert lifecycle.stage("problem_definition").gate_checks == (
        "problem_statement_written",
        "affected_people_named",
        "alternatives_considered",
        "obligations_met",
    )
    # The public can follow before suppliers are approached.
    assert "procurement_published" in lifecycle.stage("engagement_planning").gate_checks


def test_every_gate_checks_what_the_stakes_demand():
    # The proportionality rules apply at every gate (DOMAIN.md section 6).
    assert all("obligations_met" in stage.gate_checks for stage in lifecycle.STAGES)


def test_expected_documents_are_known_document_types():
    for stage in lifecycle.STAGES:
        assert stage.expected_documents, stage.key
        assert set(stage.expected_documents) <= set(DocumentType.values), stage.key


def test_stages_are_frozen():
    stage = lifecycle.stage("review")
    with pytest.raises(AttributeError):
        stage.key = "something_else"
