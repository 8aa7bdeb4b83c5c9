"""Role obligations are met by actors on the map who take part deeply enough."""

from __future__ import annotations

import pytest

from participai.assessment.evidence import EvidenceContext, evidence_for
from participai.assessment.proportionality import Obligation, Stakes, obligations_for
from participai.engagement import evidence
from participai.engagement.services import actors as services


def role(kind: str, stage: str, min_count: int = 1) -> Obligation:
    return Obligation(
        key=f"{kind}_at_{stage}",
        stage=stage,
        kind="role",
        text={"en": "Someone must take part."},
        reason={"en": "Because."},
        requirement={"actor": kind, "min_count": min_count, "responsibility": "team_member"},
        gate=stage,
    )


@pytest.fixture
def add(officer, procurement):
    def add(name: str, kind: str, **depths: str):
        stakeholder = services.actor_add(
            actor=officer,
            procurement=procurement,
            name=name,
            kind=kind,
            sector="academia",
            influence=2,
            interest=3,
        )
        if depths:
            services.involvements_set(actor=officer, stakeholder=stakeholder, depths=depths)
        return stakeholder

    return add


def check(procurement, obligation):
    return evidence_for(EvidenceContext.of(procurement), obligation)


def test_role_obligations_are_routed_to_the_actor_map(procurement):
    role_obligations = [o for o in obligations_for(Stakes(impact_level=4)) if o.kind == "role"]
    assert role_obligations  # the shipped rules ask for roles at level IV
    for obligation in role_obligations:
        evidence = evidence_for(EvidenceContext.of(procurement), obligation)
        assert evidence.met is False
        assert "on the actor map" in evidence.detail  # not the registry's fallback


def test_an_empty_map_says_how_many_are_missing(procurement):
    result = check(procurement, role("independent_expert", "engagement_planning", 2))
    assert not result.met
    assert result.detail == (
        "2 more actors of the role “Independent expert” must take part in “Engagement planning” "
        "(at least “Involve”) on the actor map."
    )


def test_met_when_enough_actors_of_the_kind_take_part_deeply_enough(procurement, add):
    add("Dr Rivera", "independent_expert", engagement_planning="involve")
    add("Prof Okafor", "independent_expert", engagement_planning="empower")
    result = check(procurement, role("independent_expert", "engagement_planning", 2))
    assert result.met
    assert result.detail == (
        "On the actor map as “Independent expert”, taking part in “Engagement planning”: "
        "“Dr Rivera”, “Prof Okafor”."
    )


def test_not_met_when_too_shallow_at_another_stage_or_of_another_kind(procurement, add):
    add("Dr Rivera", "independent_expert", engagement_planning="involve")
    add("Prof Okafor", "independent_expert", engagement_planning="consult")
    add("Dr Lee", "independent_expert", review="empower")
    add("Uni lab", "academia", engagement_planning="empower")
    result = check(procurement, role("independent_expert", "engagement_planning", 2))
    assert not result.met
    assert result.detail.startswith("1 more actor of the role “Independent expert”")
    assert "Taking part already: “Dr Rivera”." in result.detail
    assert "not involved deeply enough at this stage: “Dr Lee”, “Prof Okafor”." in result.detail
    assert "Uni lab" not in result.detail


def test_a_community_seat_on_the_evaluation_panel(procurement, add):
    obligation = role("affected_community", "vendor_evaluation")
    add("Residents' panel", "affected_community", vendor_evaluation="consult")
    assert not check(procurement, obligation).met
    add("Tenants' union", "affected_community", vendor_evaluation="collaborate")
    assert check(procurement, obligation).met


def test_the_map_is_loaded_once_per_context(procurement, add, django_assert_num_queries):
    add("Dr Rivera", "independent_expert", engagement_planning="involve")
    context = EvidenceContext.of(procurement)
    with django_assert_num_queries(2):  # the actors, then their involvements
        first = evidence_for(context, role("independent_expert", "engagement_planning"))
    with django_assert_num_queries(0):
        second = evidence_for(context, role("senior_leadership", "contract_negotiation"))
    assert first.met and not second.met
    assert [a.name for a in context.cache[evidence.CACHE_KEY]] == ["Dr Rivera"]


def test_a_next_stage_obligation_looks_at_the_current_stage(make_procurement, officer):
    procurement = make_procurement(stage="review")
    stakeholder = services.actor_add(
        actor=officer,
        procurement=procurement,
        name="Ombudsman",
        kind="oversight_body",
        sector="public_administration",
        influence=4,
        interest=3,
    )
    services.involvement_set(
        actor=officer, stakeholder=stakeholder, stage="review", depth="involve"
    )
    assert check(procurement, role("oversight_body", "next")).met
