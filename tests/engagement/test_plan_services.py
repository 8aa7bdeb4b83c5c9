"""Every write to the engagement plan: refused without the right, bad input keyed
by field with nothing written, one audit event in the same transaction."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from participai.accounts.roles import Role
from participai.engagement.models import ActivityOrigin, ActivityStatus, EngagementActivity
from participai.engagement.services import plan as services
from participai.engagement.toolbox import default_catalogue

from .plan_helpers import add_actor, events, screen_high_risk, set_level, set_status

D = datetime.date
TEAM_AND_FACILITATOR = (
    Role.ORG_ADMIN,
    Role.PROCUREMENT_OFFICER,
    Role.PROJECT_LEAD,
    Role.DATA_EXPERT,
    Role.LEGAL_OFFICER,
    Role.FACILITATOR,
)
OUTSIDE_THE_PLAN = (Role.EVALUATOR, Role.AUDITOR, Role.MODERATOR)


@pytest.fixture
def level_three(procurement, officer):
    set_level(procurement, 3)
    add_actor(procurement, officer, "affected_community", name="Residents referred")
    add_actor(procurement, officer, "civil_society", name="Carers' association")
    return procurement


@pytest.fixture
def proposals(level_three, officer):
    return services.plan_recommend(actor=officer, procurement=level_three)


@pytest.fixture
def planned(level_three, officer) -> EngagementActivity:
    return services.activity_add(
        actor=officer,
        procurement=level_three,
        mechanism_key="survey",
        stage="problem_definition",
        title="Survey of people on the waiting list",
        starts_on=D(2025, 3, 1),
        ends_on=D(2025, 3, 31),
    )


# --- Recommend ---------------------------------------------------------------------------


def test_an_exempted_obligation_gets_no_proposal(level_three, org, make_member, officer):
    from participai.assessment.services.obligations import obligation_exempt

    obligation_exempt(
        actor=make_member(org, Role.LEGAL_OFFICER),
        procurement=level_three,
        obligation_key="deliberation_with_affected_people",
        justification="Residents deliberated on this problem in the 2025 citizens' assembly.",
    )
    created = services.plan_recommend(actor=officer, procurement=level_three)
    assert created  # the baseline is still proposed
    assert not [a for a in created if a.obligation_key == "deliberation_with_affected_people"]


def test_recommend_stores_proposals_with_reasons_and_obligations(level_three, officer):
    created = services.plan_recommend(actor=officer, procurement=level_three)
    rows = list(EngagementActivity.objects.filter(procurement=level_three).order_by("id"))
    assert [a.id for a in created] == [a.id for a in rows]
    assert len(rows) == 8
    assert {a.status for a in rows} == {ActivityStatus.PROPOSED}
    assert {a.origin for a in rows} == {ActivityOrigin.RECOMMENDED}
    assert all(a.created_by == officer for a in rows)
    focus = rows[0]
    assert (focus.mechanism_key, focus.stage) == ("focus_groups", "problem_definition")
    assert focus.obligation_key == "deliberation_with_affected_people"
    assert focus.title == "Focus groups with affected communities"
    assert focus.reason.startswith("Deliberate with the people the system will affect")
    assert "Allow at least 3 weeks." in focus.reason
    assert focus.target_kinds == ["affected_community"]
    assert [a.name for a in focus.target_actors.all()] == ["Residents referred"]
    baseline = [a for a in rows if not a.obligation_key]
    assert len(baseline) == 7
    assert any("At impact level III" in a.reason for a in baseline)
    event = events("engagement.plan_recommended").get()
    assert event.object_id == str(level_three.pk)
    assert event.data["impact_level"] == 3
    assert [p["id"] for p in event.data["proposals"]] == [a.id for a in rows]
    assert event.data["proposals"][0] == {
        "id": focus.id,
        "mechanism": "focus_groups",
        "stage": "problem_definition",
        "obligation": "deliberation_with_affected_people",
        "reason": "obligation",
    }


def test_recommend_is_idempotent(level_three, officer, proposals):
    assert services.plan_recommend(actor=officer, procurement=level_three) == []
    assert EngagementActivity.objects.count() == len(proposals)
    assert events("engagement.plan_recommended").count() == 1


def test_recommend_reads_the_ai_act_screening(level_three, officer):
    screen_high_risk(level_three, officer)
    created = services.plan_recommend(actor=officer, procurement=level_three)
    oversight = [a for a in created if a.obligation_key == "standing_oversight"]
    assert [(a.mechanism_key, a.stage) for a in oversight] == [
        ("community_advisory_board", "contract_negotiation")
    ]
    # The map has no oversight body: it is targeted all the same, to be added.
    assert oversight[0].target_kinds == ["affected_community", "oversight_body"]


def test_recommend_without_an_assessment_proposes_transparency_only(procurement, officer):
    created = services.plan_recommend(actor=officer, procurement=procurement)
    catalogue = default_catalogue()
    assert created
    assert {catalogue.get(a.mechanism_key).depth for a in created} == {"inform"}
    assert "Every procurement lets people know" in created[0].reason


def test_a_dismissed_obligation_proposal_is_replaced_by_the_next_best(
    level_three, officer, proposals
):
    focus = proposals[0]
    services.activity_cancel(actor=officer, activity=focus)
    again = services.plan_recommend(actor=officer, procurement=level_three)
    assert [(a.mechanism_key, a.obligation_key) for a in again] == [
        ("co_design_workshop", "deliberation_with_affected_people")
    ]
    focus.refresh_from_db()
    assert focus.status == ActivityStatus.CANCELLED  # kept, not deleted


def test_a_dismissed_baseline_proposal_is_not_proposed_again(level_three, officer, proposals):
    notice = next(a for a in proposals if a.mechanism_key == "public_notice")
    services.activity_cancel(actor=officer, activity=notice)
    assert services.plan_recommend(actor=officer, procurement=level_three) == []


def test_an_overdue_obligation_says_so(make_procurement, officer):
    late = set_level(make_procurement(stage="vendor_evaluation"), 3)
    created = services.plan_recommend(actor=officer, procurement=late)
    overdue = next(a for a in created if a.obligation_key)
    assert overdue.stage == "problem_definition"
    assert "Its stage has passed" in overdue.reason


def test_reasons_follow_the_language(level_three, officer):
    from django.utils import translation

    with translation.override("es"):
        created = services.plan_recommend(actor=officer, procurement=level_three)
    assert created[0].title == default_catalogue().get("focus_groups").text("name", "es")
    assert created[0].reason.startswith("Deliberar")


@pytest.mark.parametrize("role", TEAM_AND_FACILITATOR)
def test_the_team_and_facilitators_may_recommend(level_three, make_member, org, role):
    member = make_member(org, role)
    assert services.plan_recommend(actor=member, procurement=level_three)


@pytest.mark.parametrize("role", OUTSIDE_THE_PLAN)
def test_other_roles_may_not_recommend(level_three, make_member, org, role):
    with pytest.raises(PermissionDenied):
        services.plan_recommend(actor=make_member(org, role), procurement=level_three)
    assert not EngagementActivity.objects.exists()
    assert not events("engagement.plan_recommended").exists()


def test_another_body_may_not_recommend(level_three, make_member, other_org):
    with pytest.raises(PermissionDenied):
        services.plan_recommend(
            actor=make_member(other_org, Role.ORG_ADMIN), procurement=level_three
        )


@pytest.mark.parametrize("status", ["stopped", "no_ai", "completed"])
def test_a_closed_procurement_takes_no_plan(level_three, officer, planned, status):
    set_status(level_three, status)
    with pytest.raises(PermissionDenied):
        services.plan_recommend(actor=officer, procurement=level_three)
    with pytest.raises(PermissionDenied):
        services.activity_update(actor=officer, activity=planned, title="Changed")
    with pytest.raises(PermissionDenied):
        services.activity_cancel(actor=officer, activity=planned)
    planned.refresh_from_db()
    assert (planned.title, planned.status) == (
        "Survey of people on the waiting list",
        ActivityStatus.PLANNED,
    )


# --- Accept ------------------------------------------------------------------------------


def test_accept_puts_a_proposal_in_the_plan(officer, proposals):
    focus = proposals[0]
    services.activity_accept(actor=officer, activity=focus)
    focus.refresh_from_db()
    assert focus.status == ActivityStatus.PLANNED
    event = events("engagement.activity_accepted").get()
    assert event.object_id == str(focus.pk)
    assert event.data["obligation"] == "deliberation_with_affected_people"


def test_only_a_proposal_can_be_accepted(officer, planned):
    with pytest.raises(ValidationError) as caught:
        services.activity_accept(actor=officer, activity=planned)
    assert "status" in caught.value.message_dict
    assert not events("engagement.activity_accepted").exists()


def test_accept_is_refused_to_an_evaluator(make_member, org, proposals):
    with pytest.raises(PermissionDenied):
        services.activity_accept(actor=make_member(org, Role.EVALUATOR), activity=proposals[0])
    proposals[0].refresh_from_db()
    assert proposals[0].status == ActivityStatus.PROPOSED


# --- Add ---------------------------------------------------------------------------------


def test_add_records_the_teams_own_activity(level_three, officer, make_member, org):
    lead = make_member(org, Role.PROJECT_LEAD)
    residents = level_three.actors.get(kind="affected_community")
    activity = services.activity_add(
        actor=officer,
        procurement=level_three,
        mechanism_key="site_visit",
        stage="market_engagement",
        title="  Visit to the Riverside day centre  ",
        target_actors=[residents],
        target_kinds=["frontline_worker"],
        starts_on=D(2025, 4, 2),
        ends_on=D(2025, 4, 2),
        owner=lead,
    )
    activity.refresh_from_db()
    assert activity.origin == ActivityOrigin.ADDED
    assert activity.status == ActivityStatus.PLANNED
    assert activity.title == "Visit to the Riverside day centre"
    assert list(activity.target_actors.all()) == [residents]
    assert activity.target_kinds == ["frontline_worker"]
    assert activity.owner == lead
    event = events("engagement.activity_added").get()
    assert event.data["mechanism"] == "site_visit"
    assert event.data["target_actors"] == [residents.pk]
    assert event.data["starts_on"] == "2025-04-02"


def test_a_blank_title_takes_the_mechanisms_name(level_three, officer):
    activity = services.activity_add(
        actor=officer, procurement=level_three, mechanism_key="survey", stage="review"
    )
    assert activity.title == "Survey"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"mechanism_key": "karaoke_night"}, "mechanism_key"),
        ({"stage": "after_party"}, "stage"),
        ({"title": "x" * 201}, "title"),
        ({"starts_on": D(2025, 5, 2), "ends_on": D(2025, 5, 1)}, "ends_on"),
        ({"status": ActivityStatus.PROPOSED}, "status"),
        ({"status": ActivityStatus.CANCELLED}, "status"),
        ({"status": ActivityStatus.DONE}, "outputs"),
        ({"status": ActivityStatus.DONE, "outputs": "   "}, "outputs"),
        ({"target_kinds": ["astronaut"]}, "target_kinds"),
    ],
)
def test_add_refuses_bad_input_and_saves_nothing(level_three, officer, overrides, field):
    values = {"mechanism_key": "survey", "stage": "problem_definition", "title": "A survey"}
    values.update(overrides)
    with pytest.raises(ValidationError) as caught:
        services.activity_add(actor=officer, procurement=level_three, **values)
    assert field in caught.value.message_dict
    assert not EngagementActivity.objects.exists()
    assert not events("engagement.activity_added").exists()


def test_add_refuses_an_owner_from_outside_and_actors_of_another_map(
    level_three, officer, make_member, other_org, make_procurement, resident
):
    elsewhere = make_procurement(title="Another procurement")
    stranger = add_actor(elsewhere, officer, name="Someone else's residents")
    with pytest.raises(ValidationError) as caught:
        services.activity_add(
            actor=officer,
            procurement=level_three,
            mechanism_key="survey",
            stage="review",
            owner=make_member(other_org, Role.ORG_ADMIN),
            target_actors=[stranger],
        )
    assert set(caught.value.message_dict) == {"owner", "target_actors"}
    with pytest.raises(ValidationError) as caught:
        services.activity_add(
            actor=officer,
            procurement=level_three,
            mechanism_key="survey",
            stage="review",
            owner=resident,
        )
    assert set(caught.value.message_dict) == {"owner"}
    assert not EngagementActivity.objects.exists()


def test_add_may_record_work_already_done(level_three, officer):
    activity = services.activity_add(
        actor=officer,
        procurement=level_three,
        mechanism_key="focus_groups",
        stage="problem_definition",
        status=ActivityStatus.DONE,
        outputs="Minutes of three groups.",
    )
    assert activity.status == ActivityStatus.DONE


# --- Update ------------------------------------------------------------------------------


def test_update_changes_what_is_given_and_records_before_and_after(
    level_three, officer, planned, make_member, org
):
    facilitator = make_member(org, Role.FACILITATOR)
    residents = level_three.actors.get(kind="affected_community")
    services.activity_update(
        actor=facilitator,
        activity=planned,
        title="Survey at the libraries",
        owner=facilitator,
        target_actors=[residents],
        status=ActivityStatus.RUNNING,
    )
    planned.refresh_from_db()
    assert planned.title == "Survey at the libraries"
    assert planned.owner == facilitator
    assert planned.status == ActivityStatus.RUNNING
    assert planned.starts_on == D(2025, 3, 1)  # not given, kept
    assert list(planned.target_actors.all()) == [residents]
    event = events("engagement.activity_updated").get()
    assert event.actor_id == facilitator.pk
    assert event.data["changed"] == ["owner", "status", "target_actors", "title"]
    assert event.data["before"]["status"] == "planned"
    assert event.data["after"]["status"] == "running"


def test_update_without_change_writes_no_event(officer, planned):
    services.activity_update(actor=officer, activity=planned, title=planned.title)
    assert not events("engagement.activity_updated").exists()


def test_dates_are_checked_as_they_will_be(officer, planned):
    with pytest.raises(ValidationError) as caught:
        services.activity_update(actor=officer, activity=planned, ends_on=D(2025, 2, 1))
    assert list(caught.value.message_dict) == ["ends_on"]
    with pytest.raises(ValidationError):
        services.activity_update(actor=officer, activity=planned, starts_on=D(2025, 4, 1))
    services.activity_update(actor=officer, activity=planned, starts_on=None)
    planned.refresh_from_db()
    assert (planned.starts_on, planned.ends_on) == (None, D(2025, 3, 31))


def test_nothing_partial_is_saved(officer, planned):
    with pytest.raises(ValidationError) as caught:
        services.activity_update(
            actor=officer,
            activity=planned,
            title="A new title",
            ends_on=D(2024, 1, 1),
            status=ActivityStatus.DONE,
        )
    assert set(caught.value.message_dict) == {"ends_on", "outputs"}
    planned.refresh_from_db()
    assert planned.title == "Survey of people on the waiting list"
    assert planned.status == ActivityStatus.PLANNED
    assert not events("engagement.activity_updated").exists()


def test_done_needs_outputs_and_keeps_them(officer, planned):
    with pytest.raises(ValidationError) as caught:
        services.activity_update(actor=officer, activity=planned, status=ActivityStatus.DONE)
    assert "outputs" in caught.value.message_dict
    services.activity_update(
        actor=officer, activity=planned, status=ActivityStatus.DONE, outputs="412 answers."
    )
    with pytest.raises(ValidationError) as caught:
        services.activity_update(actor=officer, activity=planned, outputs="")
    assert "outputs" in caught.value.message_dict
    planned.refresh_from_db()
    assert (planned.status, planned.outputs) == (ActivityStatus.DONE, "412 answers.")


@pytest.mark.parametrize(
    ("start", "to", "allowed"),
    [
        ("planned", "proposed", False),
        ("planned", "running", True),
        ("running", "planned", True),
        ("running", "proposed", False),
        ("done", "running", True),
        ("done", "planned", False),
        ("done", "cancelled", False),
        ("cancelled", "planned", True),
        ("cancelled", "done", False),
        ("planned", "someday", False),
    ],
)
def test_status_transitions(officer, planned, start, to, allowed):
    EngagementActivity.objects.filter(pk=planned.pk).update(status=start, outputs="Minutes.")
    if allowed:
        services.activity_update(actor=officer, activity=planned, status=to)
        planned.refresh_from_db()
        assert planned.status == to
    else:
        with pytest.raises(ValidationError) as caught:
            services.activity_update(actor=officer, activity=planned, status=to)
        assert "status" in caught.value.message_dict
        planned.refresh_from_db()
        assert planned.status == start


def test_update_checks_owner_and_actors(
    officer, planned, make_member, other_org, make_procurement
):
    elsewhere = make_procurement(title="Another procurement")
    stranger = add_actor(elsewhere, officer, name="Elsewhere")
    with pytest.raises(ValidationError) as caught:
        services.activity_update(
            actor=officer,
            activity=planned,
            owner=make_member(other_org, Role.PROCUREMENT_OFFICER),
            target_actors=[stranger],
            title="  ",
        )
    assert set(caught.value.message_dict) == {"owner", "target_actors", "title"}


@pytest.mark.parametrize("role", OUTSIDE_THE_PLAN)
def test_update_is_refused_outside_the_plan(make_member, org, planned, role):
    with pytest.raises(PermissionDenied):
        services.activity_update(actor=make_member(org, role), activity=planned, title="Mine")
    planned.refresh_from_db()
    assert planned.title == "Survey of people on the waiting list"


# --- Cancel and dismiss ------------------------------------------------------------------


def test_dismissing_a_proposal_keeps_it_as_cancelled(officer, proposals):
    services.activity_cancel(actor=officer, activity=proposals[1])
    proposals[1].refresh_from_db()
    assert proposals[1].status == ActivityStatus.CANCELLED
    event = events("engagement.activity_dismissed").get()
    assert event.data["previous_status"] == "proposed"
    assert not events("engagement.activity_cancelled").exists()


def test_cancelling_a_planned_activity(officer, planned):
    services.activity_cancel(actor=officer, activity=planned)
    planned.refresh_from_db()
    assert planned.status == ActivityStatus.CANCELLED
    assert events("engagement.activity_cancelled").get().data["previous_status"] == "planned"


def test_cancel_refuses_done_and_already_cancelled(officer, planned):
    services.activity_update(
        actor=officer, activity=planned, status=ActivityStatus.DONE, outputs="Report."
    )
    with pytest.raises(ValidationError) as caught:
        services.activity_cancel(actor=officer, activity=planned)
    assert "status" in caught.value.message_dict
    EngagementActivity.objects.filter(pk=planned.pk).update(status=ActivityStatus.CANCELLED)
    with pytest.raises(ValidationError):
        services.activity_cancel(actor=officer, activity=planned)
    assert not events("engagement.activity_cancelled").exists()


def test_cancel_is_refused_to_an_auditor(make_member, org, planned):
    with pytest.raises(PermissionDenied):
        services.activity_cancel(actor=make_member(org, Role.AUDITOR), activity=planned)
    planned.refresh_from_db()
    assert planned.status == ActivityStatus.PLANNED


def test_every_baseline_line_has_a_reason():
    from participai.engagement.recommender import BASELINE_KEYS

    assert set(services.BASELINE_REASONS) == set(BASELINE_KEYS)
