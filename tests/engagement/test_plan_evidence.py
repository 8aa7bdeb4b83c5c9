"""Evidence that mechanism obligations are met, from the activities of the plan."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from participai.assessment.evidence import EvidenceContext, evidence_for
from participai.assessment.proportionality import Stakes, obligations_for
from participai.assessment.selectors.obligations import obligation_statuses
from participai.engagement.models import ActivityStatus, EngagementActivity

from .plan_helpers import add_actor, screen_high_risk, set_level

DELIBERATION = "deliberation_with_affected_people"


def mechanism_obligation(key: str, ai_act_class: str | None = None):
    stakes = Stakes(impact_level=4, ai_act_class=ai_act_class)
    return next(o for o in obligations_for(stakes) if o.key == key)


def evidence(procurement, key: str = DELIBERATION, ai_act_class: str | None = None):
    return evidence_for(EvidenceContext.of(procurement), mechanism_obligation(key, ai_act_class))


@pytest.fixture
def activity(procurement, officer):
    def make(
        mechanism_key: str = "focus_groups",
        stage: str = "problem_definition",
        status: str = ActivityStatus.DONE,
        *,
        title: str = "Focus groups at the day centres",
        target_kinds: list[str] | None = None,
        target_actors=(),
    ) -> EngagementActivity:
        item = EngagementActivity.objects.create(
            procurement=procurement,
            mechanism_key=mechanism_key,
            stage=stage,
            title=title,
            status=status,
            target_kinds=["affected_community"] if target_kinds is None else target_kinds,
            outputs="Minutes." if status == ActivityStatus.DONE else "",
            created_by=officer,
        )
        item.target_actors.set(target_actors)
        return item

    return make


def test_mechanism_obligations_are_answered_by_the_plan(procurement):
    result = evidence(procurement)
    assert not result.met
    # No activity at all: says what kind of activity is needed, and by when.
    assert "The engagement plan needs" in result.detail
    assert "Involve" in result.detail
    assert "Affected community" in result.detail
    assert "Deliberation" in result.detail
    assert "Problem definition" in result.detail


def test_a_done_activity_that_fits_meets_it(procurement, activity):
    activity()
    result = evidence(procurement)
    assert result.met
    assert result.detail == "Done: “Focus groups at the day centres” (Problem definition)."


def test_targeting_an_actor_of_the_kind_is_enough(procurement, officer, activity):
    residents = add_actor(procurement, officer, "affected_community")
    activity(target_kinds=[], target_actors=[residents])
    assert evidence(procurement).met


@pytest.mark.parametrize(
    ("status", "word"),
    [("proposed", "proposed"), ("planned", "planned"), ("running", "running")],
)
def test_a_fitting_activity_not_done_yet_is_named(procurement, activity, status, word):
    activity(status=status)
    result = evidence(procurement)
    assert not result.met
    assert result.detail == (
        f"“Focus groups at the day centres” answers this but is {word}, not done yet."
    )


def test_the_most_advanced_open_activity_is_named(procurement, activity):
    activity(status="proposed", title="Proposed one")
    activity("co_design_workshop", status="running", title="Running one")
    assert "Running one" in evidence(procurement).detail


def test_a_cancelled_activity_counts_for_nothing(procurement, activity):
    activity(status="cancelled")
    result = evidence(procurement)
    assert not result.met
    assert "The engagement plan needs" in result.detail


def test_an_activity_that_misses_the_required_actors_is_not_enough(procurement, activity):
    activity(target_kinds=["civil_society"])
    result = evidence(procurement)
    assert not result.met
    assert "does not reach Affected community yet" in result.detail


def test_an_activity_after_the_gate_is_too_late(procurement, activity):
    activity("co_design_workshop", stage="engagement_planning")
    result = evidence(procurement)
    assert not result.met
    assert "after the gate of “Problem definition”" in result.detail


@pytest.mark.parametrize(
    "mechanism_key",
    [
        "public_notice",  # transparency only
        "open_consultation",  # too shallow
        "actor_mapping_workshop",  # no deliberation
        "retired_mechanism",  # unknown to the catalogue
    ],
)
def test_a_mechanism_that_does_not_meet_the_requirement_is_not_enough(
    procurement, activity, mechanism_key
):
    activity(mechanism_key)
    assert not evidence(procurement).met


def test_standing_oversight_needs_a_standing_body(procurement, activity):
    activity(
        "participatory_audit",
        stage="contract_negotiation",
        target_kinds=["oversight_body"],
    )
    assert not evidence(procurement, "standing_oversight", "high_risk").met
    activity(
        "community_advisory_board",
        stage="problem_definition",
        title="Residents' advisory board",
        target_kinds=["oversight_body"],
    )
    result = evidence(procurement, "standing_oversight", "high_risk")
    assert result.met
    assert "Residents' advisory board" in result.detail


def test_the_plan_is_loaded_once_per_context(procurement, activity):
    activity()
    context = EvidenceContext.of(procurement)
    first = mechanism_obligation(DELIBERATION)
    second = mechanism_obligation("standing_oversight", "high_risk")
    with CaptureQueriesContext(connection) as queries:
        evidence_for(context, first)
    assert len(queries) == 2  # activities and their target actors
    with CaptureQueriesContext(connection) as queries:
        evidence_for(context, second)
        evidence_for(context, first)
    assert len(queries) == 0


def test_obligation_statuses_see_the_plan(procurement, officer, activity):
    set_level(procurement, 3)
    screen_high_risk(procurement, officer)

    def states():
        return {
            s.obligation.key: s.state
            for s in obligation_statuses(procurement)
            if s.obligation.kind == "mechanism"
        }

    assert states() == {DELIBERATION: "unmet", "standing_oversight": "unmet"}
    activity()
    assert states() == {DELIBERATION: "met", "standing_oversight": "unmet"}
