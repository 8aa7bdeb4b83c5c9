"""The pure engagement-plan recommender: obligations, the proportionate baseline,
coverage by the plan so far, fitting and tie-breaking, targets, determinism."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from types import MappingProxyType

import pytest

from participai.assessment.proportionality import Obligation, Stakes, obligations_for
from participai.core.vocabulary import DEPTHS, STAGE_KEYS
from participai.engagement import recommender
from participai.engagement.recommender import (
    AUDIENCES,
    BASELINE,
    ActorMapSummary,
    ExistingActivity,
    Proposal,
    best_mechanism,
    recommend,
    satisfies,
)
from participai.engagement.toolbox import Catalogue, Mechanism, default_catalogue

CATALOGUE = default_catalogue()
AFFECTED_MAP = ActorMapSummary(
    kinds=frozenset({"affected_community", "civil_society", "frontline_worker"}),
    affected_kinds=frozenset({"affected_community", "frontline_worker"}),
)
EMPTY_MAP = ActorMapSummary()
DELIBERATION = "deliberation_with_affected_people"


def run(
    level: int | None = None,
    *,
    stage: str = "problem_definition",
    ai_act_class: str | None = None,
    actor_map: ActorMapSummary = AFFECTED_MAP,
    existing: list[ExistingActivity] | None = None,
    obligations: list | None = None,
) -> list[Proposal]:
    if obligations is None:
        stakes = Stakes(impact_level=level, ai_act_class=ai_act_class)
        obligations = obligations_for(stakes, current_stage=stage)
    return recommend(
        current_stage=stage,
        obligations=obligations,
        impact_level=level,
        actor_map=actor_map,
        existing=existing or [],
        catalogue=CATALOGUE,
    )


def pairs(proposals: list[Proposal]) -> list[tuple[str, str]]:
    return [(p.stage, p.mechanism_key) for p in proposals]


def obligation(key: str = "custom", **overrides) -> Obligation:
    values = {
        "key": key,
        "stage": "problem_definition",
        "kind": "mechanism",
        "text": {"en": "t", "es": "t", "ca": "t"},
        "reason": {"en": "r", "es": "r", "ca": "r"},
        "requirement": {"functions": ["participation"], "min_depth": "consult"},
        "gate": "problem_definition",
        "blocking": False,
    }
    values.update(overrides)
    return Obligation(**values)


def mechanism(key: str, **overrides) -> Mechanism:
    text = MappingProxyType({"en": key, "es": key, "ca": key})
    values = {
        "key": key,
        "name": text,
        "summary": text,
        "description": text,
        "democratic_function": ("participation",),
        "institutionalisation": "ad_hoc",
        "stages": ("problem_definition",),
        "decision_stages": ("diagnosis",),
        "depth": "consult",
        "reach": "dozens",
        "cost": "medium",
        "duration_weeks": (2, 4),
        "inclusion_notes": text,
        "supports_assisted": False,
        "platform_module": None,
    }
    values.update(overrides)
    return Mechanism(**values)


# --- Each level --------------------------------------------------------------------------


@pytest.mark.parametrize("level", [None, 1])
def test_level_one_or_unknown_gets_transparency_at_the_key_stages_only(level):
    proposals = run(level)
    assert pairs(proposals) == [
        ("engagement_planning", "public_notice"),
        ("vendor_evaluation", "open_data_publication"),
        ("contract_monitoring", "public_performance_dashboard"),
        ("review", "lessons_learned_publication"),
    ]
    for proposal in proposals:
        m = CATALOGUE.get(proposal.mechanism_key)
        assert m.democratic_function == ("transparency",)
        assert m.depth == "inform"
        assert proposal.obligation_key is None
        assert proposal.reason_code == "baseline"
    assert proposals[0].reason_params["level"] == ("I" if level else None)
    assert proposals[0].reason_params["slot"] == "announce"


def test_level_two_adds_consultation_at_problem_definition_and_solicitation():
    proposals = run(2)
    consults = [p for p in proposals if CATALOGUE.get(p.mechanism_key).depth == "consult"]
    assert pairs(consults) == [
        ("problem_definition", "open_consultation"),
        ("solicitation_preparation", "draft_tender_review"),
    ]
    assert {p.reason_params["slot"] for p in consults} == {
        "consult_problem",
        "consult_solicitation",
    }
    assert all(p.reason_params["level"] == "II" for p in consults)
    # Nothing beyond consultation at level II.
    assert all(CATALOGUE.get(p.mechanism_key).depth_rank <= 1 for p in proposals)
    # The transparency baseline stays.
    assert ("engagement_planning", "public_notice") in pairs(proposals)


def test_level_three_involves_affected_people_evaluation_and_monitoring():
    proposals = run(3)
    assert pairs(proposals) == [
        ("problem_definition", "focus_groups"),
        ("engagement_planning", "public_notice"),
        ("solicitation_preparation", "draft_tender_review"),
        ("vendor_evaluation", "open_data_publication"),
        ("vendor_evaluation", "community_evaluation_panel"),
        ("contract_monitoring", "public_performance_dashboard"),
        ("contract_monitoring", "participatory_audit"),
        ("review", "lessons_learned_publication"),
    ]
    first = proposals[0]
    assert first.obligation_key == DELIBERATION
    assert first.reason_code == "obligation"
    assert first.reason_params["gate"] == "problem_definition"
    # The deliberation answers the level II consultation too: no open consultation.
    assert ("problem_definition", "open_consultation") not in pairs(proposals)
    panel = proposals[4]
    assert panel.reason_params == {
        "slot": "community_voice_evaluation",
        "level": "III",
        "missing_kinds": [],
        "no_affected_actor": False,
    }
    audit = CATALOGUE.get("participatory_audit")
    assert "collaboration" in audit.democratic_function and audit.depth == "collaborate"


def test_level_four_high_risk_adds_standing_oversight():
    proposals = run(4, ai_act_class="high_risk")
    oversight = [p for p in proposals if p.obligation_key == "standing_oversight"]
    assert len(oversight) == 1
    proposal = oversight[0]
    assert (proposal.stage, proposal.mechanism_key) == (
        "contract_negotiation",
        "community_advisory_board",
    )
    board = CATALOGUE.get("community_advisory_board")
    assert board.institutionalisation == "standing_body"
    # The map has affected people but no oversight body: both targeted, the gap named.
    assert proposal.target_kinds[:2] == ("affected_community", "oversight_body")
    assert proposal.missing_kinds == ("oversight_body",)
    assert proposal.reason_params["missing_kinds"] == ["oversight_body"]


def test_the_baseline_starts_at_the_current_stage():
    proposals = run(3, stage="vendor_evaluation")
    baseline = [p for p in proposals if p.reason_code == "baseline"]
    assert {p.stage for p in baseline} == {"vendor_evaluation", "contract_monitoring", "review"}


def test_an_obligation_whose_gate_has_passed_is_still_proposed_as_overdue():
    proposals = run(3, stage="vendor_evaluation")
    overdue = [p for p in proposals if p.obligation_key == DELIBERATION]
    assert len(overdue) == 1
    assert overdue[0].stage == "problem_definition"
    assert overdue[0].reason_code == "obligation_overdue"
    assert overdue[0].reason_params["current_stage"] == "vendor_evaluation"
    assert proposals[0] is overdue[0]  # ordered by stage


def test_an_overdue_obligation_before_its_gate_moves_to_the_current_stage():
    late = obligation(stage="problem_definition", gate="solicitation_preparation")
    proposals = run(1, stage="engagement_planning", obligations=[late])
    ours = [p for p in proposals if p.obligation_key == "custom"]
    assert [(p.stage, p.reason_code) for p in ours] == [
        ("engagement_planning", "obligation_overdue")
    ]
    assert "engagement_planning" in CATALOGUE.get(ours[0].mechanism_key).stages


def test_only_non_blocking_mechanism_obligations_are_considered():
    others = [
        obligation("a_role", kind="role", requirement={"actor": "independent_expert"}),
        obligation("blocked", blocking=True),
    ]
    proposals = run(1, obligations=others)
    assert all(p.obligation_key is None for p in proposals)


def test_bad_stage_or_level_is_refused():
    with pytest.raises(ValueError, match="unknown stage"):
        run(1, stage="nowhere", obligations=[])
    with pytest.raises(ValueError, match="impact_level"):
        run(5, obligations=[])


# --- Coverage by the plan so far ---------------------------------------------------------


def focus_groups(status: str = "planned", **overrides) -> ExistingActivity:
    values = {
        "mechanism_key": "focus_groups",
        "stage": "problem_definition",
        "status": status,
        "target_kinds": frozenset({"affected_community"}),
    }
    values.update(overrides)
    return ExistingActivity(**values)


@pytest.mark.parametrize("status", ["proposed", "planned", "running", "done"])
def test_a_live_activity_that_fits_covers_the_obligation(status):
    proposals = run(3, existing=[focus_groups(status)])
    assert all(p.obligation_key != DELIBERATION for p in proposals)
    assert ("problem_definition", "focus_groups") not in pairs(proposals)


def test_a_dismissed_proposal_does_not_cover_the_obligation_and_the_next_best_is_proposed():
    proposals = run(3, existing=[focus_groups("cancelled", obligation_key=DELIBERATION)])
    ours = [p for p in proposals if p.obligation_key == DELIBERATION]
    assert [(p.stage, p.mechanism_key) for p in ours] == [
        ("problem_definition", "co_design_workshop")
    ]


def test_an_activity_proposed_for_the_obligation_covers_it_whatever_its_mechanism():
    other = ExistingActivity(
        "public_hearing", "problem_definition", "planned", obligation_key=DELIBERATION
    )
    proposals = run(3, existing=[other])
    assert all(p.obligation_key != DELIBERATION for p in proposals)


def test_an_activity_that_does_not_target_the_required_actors_does_not_cover():
    proposals = run(3, existing=[focus_groups(target_kinds=frozenset({"civil_society"}))])
    ours = [p for p in proposals if p.obligation_key == DELIBERATION]
    # Not covered, and focus groups are already in the plan at that stage.
    assert [p.mechanism_key for p in ours] == ["co_design_workshop"]


def test_an_activity_after_the_gate_does_not_cover():
    late = ExistingActivity(
        "community_advisory_board",
        "engagement_planning",
        "planned",
        target_kinds=frozenset({"affected_community"}),
    )
    proposals = run(3, existing=[late])
    assert any(p.obligation_key == DELIBERATION for p in proposals)


def test_a_baseline_line_is_answered_by_any_activity_serving_it_even_dismissed():
    notice = ExistingActivity("public_notice", "engagement_planning", "cancelled")
    assert ("engagement_planning", "public_notice") not in pairs(run(1, existing=[notice]))
    other = ExistingActivity("you_said_we_did", "vendor_evaluation", "planned")
    assert not [p for p in run(1, existing=[other]) if p.stage == "vendor_evaluation"]


def test_a_baseline_line_is_not_answered_by_an_activity_that_does_not_serve_it():
    # A consultation is not transparency: the public notice is still proposed.
    consult = ExistingActivity("open_consultation", "engagement_planning", "planned")
    assert ("engagement_planning", "public_notice") in pairs(run(1, existing=[consult]))


def test_never_proposes_what_the_plan_already_has():
    existing = [
        ExistingActivity(p.mechanism_key, p.stage, "planned", target_kinds=frozenset())
        for p in run(3)
    ]
    again = run(3, existing=existing)
    have = {(a.stage, a.mechanism_key) for a in existing}
    assert not have & set(pairs(again))


def test_feeding_the_proposals_back_proposes_nothing_more():
    for level in (None, 1, 2, 3, 4):
        first = run(level, ai_act_class="high_risk" if level == 4 else None)
        existing = [
            ExistingActivity(
                p.mechanism_key,
                p.stage,
                "proposed",
                obligation_key=p.obligation_key or "",
                target_kinds=frozenset(p.target_kinds),
            )
            for p in first
        ]
        assert (
            run(level, ai_act_class="high_risk" if level == 4 else None, existing=existing) == []
        )


def test_unknown_mechanism_keys_and_stages_in_the_plan_are_ignored():
    ghosts = [
        ExistingActivity("retired_mechanism", "problem_definition", "done", DELIBERATION),
        ExistingActivity("retired_mechanism", "engagement_planning", "done"),
        ExistingActivity("public_notice", "no_such_stage", "done"),
    ]
    assert run(3, existing=ghosts) == run(3)


# --- Determinism -------------------------------------------------------------------------


def test_the_same_input_gives_the_same_output_whatever_the_order_of_the_plan():
    existing = [
        focus_groups("cancelled"),
        ExistingActivity("public_notice", "vendor_evaluation", "planned"),
        ExistingActivity("survey", "review", "running"),
    ]
    first = run(3, existing=existing)
    assert run(3, existing=list(reversed(existing))) == first
    assert run(3, existing=existing) == first


def test_proposals_are_in_stage_order_with_obligations_first():
    proposals = run(4, ai_act_class="high_risk")
    order = [STAGE_KEYS.index(p.stage) for p in proposals]
    assert order == sorted(order)
    for stage in {p.stage for p in proposals}:
        codes = [p.reason_code for p in proposals if p.stage == stage]
        assert codes == sorted(codes, key=lambda code: code == "baseline")


# --- Fitting a mechanism -----------------------------------------------------------------


def test_satisfies_checks_each_part_of_the_requirement():
    board = CATALOGUE.get("community_advisory_board")
    full = {
        "functions": ["collaboration"],
        "min_depth": "collaborate",
        "decision_stage": "assessment",
        "institutionalisation": "standing_body",
    }
    assert satisfies(board, full)
    assert not satisfies(board, {**full, "functions": ["transparency"]})
    assert not satisfies(board, {**full, "min_depth": "empower"})
    assert not satisfies(board, {**full, "decision_stage": "vote"})
    assert not satisfies(board, {**full, "institutionalisation": "binding"})


def test_answers_needs_the_mechanism_the_time_and_the_actors():
    """The one rule the recommender's coverage and the plan's evidence share."""
    owed = obligation(
        requirement={
            "functions": ["participation"],
            "min_depth": "involve",
            "actors": ["affected_community"],
        },
        gate="engagement_planning",
    )
    groups = CATALOGUE.get("focus_groups")
    fits = {"stage": "problem_definition", "target_kinds": {"affected_community", "academia"}}
    assert recommender.answers(owed, groups, **fits)
    assert recommender.answers(owed, groups, **{**fits, "stage": "engagement_planning"})
    assert not recommender.answers(owed, groups, **{**fits, "stage": "market_engagement"})
    assert not recommender.answers(owed, groups, **{**fits, "target_kinds": {"academia"}})
    assert not recommender.answers(owed, CATALOGUE.get("public_notice"), **fits)
    # A requirement that names no actors is reached by anyone.
    anyone = obligation(requirement={"functions": ["participation"], "min_depth": "involve"})
    assert recommender.answers(anyone, groups, stage="problem_definition", target_kinds=())


def test_the_recommender_and_the_timeline_import_no_django():
    code = (
        "import sys; import participai.engagement.recommender, participai.engagement.timeline; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'django'))"
    )
    src = str(Path(recommender.__file__).resolve().parents[2])
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": src},
    )
    assert out.stdout.strip() == "[]"


def test_ties_are_broken_by_cost_then_reach_then_catalogue_order():
    need = {"functions": ["participation"], "min_depth": "consult"}
    cheap_small = mechanism("cheap_small", cost="low", reach="few")
    dear_wide = mechanism("dear_wide", cost="high", reach="thousands")
    wide = mechanism("wide", cost="low", reach="thousands")
    also_wide = mechanism("also_wide", cost="low", reach="thousands")

    def best(*ms, **kwargs):
        return best_mechanism(
            Catalogue(ms), stage="problem_definition", requirement=need, **kwargs
        ).key

    assert best(dear_wide, cheap_small) == "cheap_small"
    assert best(cheap_small, wide) == "wide"
    assert best(also_wide, wide) == "also_wide"
    assert best(wide, also_wide) == "wide"
    assert best(wide, dear_wide, prefer=["dear_wide"]) == "dear_wide"
    assert best(wide, dear_wide, prefer=["missing", "dear_wide"]) == "dear_wide"
    assert best(wide, dear_wide, exclude={"wide"}) == "dear_wide"


def test_a_mechanism_must_suit_the_stage_and_stay_within_max_depth():
    deep = mechanism("deep", depth="collaborate", cost="low")
    elsewhere = mechanism("elsewhere", stages=("review",), cost="low")
    shallow = mechanism("shallow", cost="high")
    catalogue = Catalogue([deep, elsewhere, shallow])
    need = {"functions": ["participation"], "min_depth": "consult"}
    assert best_mechanism(catalogue, stage="problem_definition", requirement=need).key == "deep"
    found = best_mechanism(
        catalogue, stage="problem_definition", requirement=need, max_depth="consult"
    )
    assert found.key == "shallow"
    assert best_mechanism(catalogue, stage="market_engagement", requirement=need) is None


def test_mechanisms_meant_for_other_actors_are_not_proposed_to_reach_affected_people():
    roundtable = CATALOGUE.get("civil_society_roundtable")
    need = {"functions": ["participation"], "min_depth": "involve"}
    assert satisfies(roundtable, need)

    def best(actors):
        return best_mechanism(
            CATALOGUE,
            stage="problem_definition",
            requirement=need,
            actors=actors,
            prefer=["civil_society_roundtable"],
        ).key

    assert best(["civil_society"]) == "civil_society_roundtable"
    assert best([]) == "civil_society_roundtable"
    assert best(["affected_community"]) != "civil_society_roundtable"


def test_an_obligation_no_mechanism_can_meet_is_left_out():
    impossible = obligation(requirement={"functions": ["transparency"], "min_depth": "empower"})
    assert all(p.obligation_key != "custom" for p in run(1, obligations=[impossible]))


# --- Targets -----------------------------------------------------------------------------


def test_targets_prefer_the_map_and_name_what_is_missing():
    proposals = run(3, actor_map=EMPTY_MAP)
    first = proposals[0]
    assert first.obligation_key == DELIBERATION
    assert first.target_kinds == ("affected_community",)
    assert first.missing_kinds == ("affected_community",)
    assert first.reason_params["no_affected_actor"] is True
    transparency = next(p for p in proposals if p.mechanism_key == "public_notice")
    assert transparency.target_kinds == () and transparency.missing_kinds == ()
    assert transparency.reason_params["no_affected_actor"] is False


def test_optional_and_affected_kinds_join_the_targets_when_on_the_map():
    proposals = run(2)
    consult = next(p for p in proposals if p.reason_params.get("slot") == "consult_problem")
    assert consult.target_kinds == ("affected_community", "frontline_worker")
    assert consult.missing_kinds == ()
    tender = next(p for p in proposals if p.reason_params.get("slot") == "consult_solicitation")
    assert tender.target_kinds == ("affected_community", "civil_society")


def test_affected_actors_of_other_kinds_are_reached_too():
    actor_map = ActorMapSummary(
        kinds=frozenset({"academia"}), affected_kinds=frozenset({"academia"})
    )
    first = run(3, actor_map=actor_map)[0]
    assert first.target_kinds == ("affected_community", "academia")
    assert first.missing_kinds == ("affected_community",)
    assert first.reason_params["no_affected_actor"] is False


def test_the_suggested_duration_is_the_shortest_usual_one():
    for proposal in run(3):
        weeks = CATALOGUE.get(proposal.mechanism_key).duration_weeks[0]
        assert proposal.duration_days == weeks * 7


# --- The baseline table itself -----------------------------------------------------------


def test_the_baseline_table_is_consistent_with_the_catalogue():
    keys = [slot.key for slot in BASELINE]
    assert len(keys) == len(set(keys)) == len(recommender.BASELINE_KEYS)
    for slot in BASELINE:
        assert slot.stage in STAGE_KEYS
        assert slot.min_level in (1, 2, 3, 4)
        assert slot.min_depth in DEPTHS
        for key in slot.prefer:
            assert key in CATALOGUE, key
            assert slot.stage in CATALOGUE.get(key).stages, (slot.key, key)
        found = best_mechanism(
            CATALOGUE,
            stage=slot.stage,
            requirement={"functions": slot.functions, "min_depth": slot.min_depth},
            actors=slot.actors,
            max_depth=slot.max_depth,
            prefer=slot.prefer,
        )
        assert found is not None and found.key == slot.prefer[0], slot.key
    for key in AUDIENCES:
        assert key in CATALOGUE, key
