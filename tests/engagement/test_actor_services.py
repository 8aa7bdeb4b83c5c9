"""Writes to the actor map, through the services: rules, refusals and the audit trail."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from participai.accounts.roles import Role
from participai.assessment.models import RightsAssessment
from participai.core.audit import verify_events
from participai.core.models import AuditEvent, AuditHead
from participai.engagement.models import Actor, EngagementActivity, Involvement
from participai.engagement.selectors import actors as selectors
from participai.engagement.services import actors as services
from participai.procurements.models import Procurement, ProcurementStatus

RESIDENTS = {
    "name": "Residents of the east district",
    "kind": "affected_community",
    "sector": "general_public",
    "is_affected": True,
    "influence": 1,
    "interest": 5,
}


@pytest.fixture
def residents(officer, procurement) -> Actor:
    return services.actor_add(actor=officer, procurement=procurement, **RESIDENTS)


def events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("seq"))


def test_add_puts_an_actor_on_the_map_and_audits_it(officer, procurement):
    added = services.actor_add(
        actor=officer, procurement=procurement, notes="  Met them twice. ", **RESIDENTS
    )
    stored = Actor.objects.get(pk=added.pk)
    assert (stored.name, stored.kind, stored.sector) == (
        "Residents of the east district",
        "affected_community",
        "general_public",
    )
    assert (stored.is_affected, stored.influence, stored.interest) == (True, 1, 5)
    assert stored.notes == "Met them twice."
    assert stored.created_by == officer and stored.procurement == procurement
    [event] = events("actor.added")
    assert event.object_id == str(added.pk)
    assert event.data["name"] == "Residents of the east district"
    assert event.data["influence"] == 1 and event.data["procurement"] == procurement.slug
    assert verify_events(AuditEvent.objects.order_by("seq"), AuditHead.objects.get()).ok


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": "   "}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"kind": "mayor"}, "kind"),
        ({"sector": ""}, "sector"),
        ({"influence": 0}, "influence"),
        ({"influence": 6}, "influence"),
        ({"interest": "high"}, "interest"),
        ({"interest": True}, "interest"),
        ({"is_affected": "yes"}, "is_affected"),
        ({"source": "gossip"}, "source"),
    ],
)
def test_bad_input_is_refused_by_field_and_nothing_is_saved(officer, procurement, changes, field):
    with pytest.raises(ValidationError) as caught:
        services.actor_add(actor=officer, procurement=procurement, **{**RESIDENTS, **changes})
    assert field in caught.value.message_dict
    assert not Actor.objects.exists()
    assert not events("actor.added")


def test_every_problem_is_reported_at_once(officer, procurement):
    with pytest.raises(ValidationError) as caught:
        services.actor_add(
            actor=officer,
            procurement=procurement,
            **{**RESIDENTS, "name": "", "influence": 9, "interest": 0},
        )
    assert set(caught.value.message_dict) == {"name", "influence", "interest"}
    assert caught.value.message_dict["influence"] == ["Give a whole number from 1 to 5."]


def test_a_name_already_on_the_map_is_a_field_error(officer, procurement, residents):
    with pytest.raises(ValidationError) as caught:
        services.actor_add(
            actor=officer,
            procurement=procurement,
            **{**RESIDENTS, "name": "RESIDENTS of the  East District"},
        )
    assert caught.value.message_dict["name"] == [
        "“RESIDENTS of the East District” is already on this map; give this actor another name."
    ]
    assert Actor.objects.count() == 1


def test_the_same_name_is_fine_on_another_map(officer, procurement, residents, make_procurement):
    other = make_procurement(title="Another procurement")
    again = services.actor_add(actor=officer, procurement=other, **RESIDENTS)
    assert again.name == residents.name and again.procurement == other


@pytest.mark.parametrize("role", [Role.PROJECT_LEAD, Role.DATA_EXPERT, Role.FACILITATOR])
def test_team_and_facilitators_may_edit_the_map(org, make_member, procurement, role):
    added = services.actor_add(actor=make_member(org, role), procurement=procurement, **RESIDENTS)
    assert Actor.objects.filter(pk=added.pk).exists()


@pytest.mark.parametrize("role", [Role.EVALUATOR, Role.AUDITOR, Role.MODERATOR])
def test_other_roles_may_not(org, make_member, procurement, residents, role):
    user = make_member(org, role)
    with pytest.raises(PermissionDenied):
        services.actor_add(actor=user, procurement=procurement, **{**RESIDENTS, "name": "New"})
    with pytest.raises(PermissionDenied):
        services.actor_update(actor=user, stakeholder=residents, influence=5)
    with pytest.raises(PermissionDenied):
        services.involvement_set(
            actor=user, stakeholder=residents, stage="review", depth="consult"
        )
    with pytest.raises(PermissionDenied):
        services.actor_remove(actor=user, stakeholder=residents)
    assert Actor.objects.get().influence == 1
    assert not Involvement.objects.exists()


def test_members_of_another_body_may_not(other_org, make_member, procurement):
    with pytest.raises(PermissionDenied):
        services.actor_add(
            actor=make_member(other_org, Role.ORG_ADMIN), procurement=procurement, **RESIDENTS
        )


def test_a_closed_procurement_map_is_frozen(officer, procurement, residents):
    Procurement.objects.filter(pk=procurement.pk).update(status=ProcurementStatus.STOPPED)
    with pytest.raises(PermissionDenied):
        services.actor_add(actor=officer, procurement=procurement, **{**RESIDENTS, "name": "B"})
    with pytest.raises(PermissionDenied):
        services.involvement_set(
            actor=officer, stakeholder=residents, stage="review", depth="consult"
        )
    assert Actor.objects.count() == 1


def test_update_changes_fields_and_audits_before_and_after(officer, residents):
    updated = services.actor_update(
        actor=officer, stakeholder=residents, influence=2, name="East district residents"
    )
    assert (updated.influence, updated.name) == (2, "East district residents")
    assert Actor.objects.get().name == "East district residents"
    [event] = events("actor.updated")
    assert event.data["changes"] == {
        "influence": [1, 2],
        "name": ["Residents of the east district", "East district residents"],
    }


def test_update_without_change_records_nothing(officer, residents):
    services.actor_update(actor=officer, stakeholder=residents, influence=1, interest=5)
    assert not events("actor.updated")


def test_update_may_keep_its_own_name_but_not_take_another(officer, procurement, residents):
    services.actor_add(
        actor=officer, procurement=procurement, **{**RESIDENTS, "name": "Carers", "interest": 4}
    )
    services.actor_update(
        actor=officer, stakeholder=residents, name="Residents of the east district"
    )
    with pytest.raises(ValidationError) as caught:
        services.actor_update(actor=officer, stakeholder=residents, name="carers", influence=7)
    assert set(caught.value.message_dict) == {"name", "influence"}
    assert Actor.objects.get(pk=residents.pk).name == "Residents of the east district"


def test_update_refuses_unknown_fields(officer, residents):
    with pytest.raises(TypeError):
        services.actor_update(actor=officer, stakeholder=residents, procurement=None)


def test_involvement_set_creates_changes_and_clears(officer, residents):
    made = services.involvement_set(
        actor=officer, stakeholder=residents, stage="problem_definition", depth="consult"
    )
    assert (made.stage, made.depth) == ("problem_definition", "consult")
    services.involvement_set(
        actor=officer, stakeholder=residents, stage="problem_definition", depth="collaborate"
    )
    assert Involvement.objects.get().depth == "collaborate"
    cleared = services.involvement_set(
        actor=officer, stakeholder=residents, stage="problem_definition", depth=""
    )
    assert cleared is None and not Involvement.objects.exists()
    changes = [e.data["changes"] for e in events("actor.involvements_set")]
    assert changes == [
        {"problem_definition": [None, "consult"]},
        {"problem_definition": ["consult", "collaborate"]},
        {"problem_definition": ["collaborate", None]},
    ]


@pytest.mark.parametrize(
    ("stage", "depth", "field"),
    [("lunch", "consult", "stage"), ("review", "shout", "depth"), ("review", "Consult", "depth")],
)
def test_involvement_set_refuses_unknown_stage_or_depth(officer, residents, stage, depth, field):
    with pytest.raises(ValidationError) as caught:
        services.involvement_set(actor=officer, stakeholder=residents, stage=stage, depth=depth)
    assert list(caught.value.message_dict) == [field]
    assert not Involvement.objects.exists()


def test_involvements_set_is_all_or_nothing(officer, residents):
    services.involvements_set(
        actor=officer, stakeholder=residents, depths={"review": "inform", "problem_definition": ""}
    )
    with pytest.raises(ValidationError) as caught:
        services.involvements_set(
            actor=officer,
            stakeholder=residents,
            depths={"review": "", "problem_definition": "empower", "market_engagement": "loud"},
        )
    assert list(caught.value.message_dict) == ["market_engagement"]
    assert dict(Involvement.objects.values_list("stage", "depth")) == {"review": "inform"}
    result = services.involvements_set(
        actor=officer,
        stakeholder=residents,
        depths={"review": None, "problem_definition": "empower", "vendor_evaluation": "involve"},
    )
    assert result == {"problem_definition": "empower", "vendor_evaluation": "involve"}
    assert len(events("actor.involvements_set")) == 2  # one per call that changed something


def test_map_involvements_set_changes_several_actors_all_or_nothing(
    officer, procurement, residents, make_procurement
):
    union = services.actor_add(
        actor=officer, procurement=procurement, **{**RESIDENTS, "name": "Union"}
    )
    foreign = services.actor_add(
        actor=officer, procurement=make_procurement(title="Other"), **RESIDENTS
    )
    # A bad depth, or an actor of another map, and nothing is saved.
    for depths, key in [
        (
            {residents.pk: {"review": "consult"}, union.pk: {"review": "loud"}},
            f"{union.pk}.review",
        ),
        ({residents.pk: {"review": "consult"}, foreign.pk: {"review": "inform"}}, str(foreign.pk)),
    ]:
        with pytest.raises(ValidationError) as caught:
            services.map_involvements_set(actor=officer, procurement=procurement, depths=depths)
        assert list(caught.value.message_dict) == [key]
        assert not Involvement.objects.exists()
    changed = services.map_involvements_set(
        actor=officer,
        procurement=procurement,
        depths={
            residents.pk: {"review": "consult", "problem_definition": "involve"},
            union.pk: {"review": ""},  # no change: not involved already
        },
    )
    assert changed == 1
    assert dict(residents.involvements.values_list("stage", "depth")) == {
        "review": "consult",
        "problem_definition": "involve",
    }
    assert not union.involvements.exists()
    (event,) = events("actor.involvements_set")
    assert event.object_id == str(residents.pk)
    assert event.data["changes"] == {
        "problem_definition": [None, "involve"],
        "review": [None, "consult"],
    }


def test_map_involvements_set_needs_the_right(org, make_member, procurement, residents):
    with pytest.raises(PermissionDenied):
        services.map_involvements_set(
            actor=make_member(org, Role.EVALUATOR),
            procurement=procurement,
            depths={residents.pk: {"review": "consult"}},
        )
    assert not Involvement.objects.exists()


def test_remove_takes_the_actor_and_its_involvements_off(officer, residents):
    services.involvement_set(actor=officer, stakeholder=residents, stage="review", depth="consult")
    services.actor_remove(actor=officer, stakeholder=residents)
    assert not Actor.objects.exists() and not Involvement.objects.exists()
    [event] = events("actor.removed")
    assert event.data["name"] == "Residents of the east district"
    assert event.data["involvements"] == {"review": "consult"}


def test_remove_is_refused_while_a_plan_activity_targets_the_actor(
    officer, procurement, residents
):
    activity = EngagementActivity.objects.create(
        procurement=procurement,
        mechanism_key="citizens_jury",
        stage="problem_definition",
        title="Jury on the problem",
        created_by=officer,
    )
    activity.target_actors.add(residents)
    with pytest.raises(ValidationError) as caught:
        services.actor_remove(actor=officer, stakeholder=residents)
    [message] = caught.value.messages
    assert "“Residents of the east district” cannot be removed" in message
    assert "1 activity" in message and "“Jury on the problem”" in message
    assert Actor.objects.filter(pk=residents.pk).exists()
    assert not events("actor.removed")


def test_a_cancelled_activity_does_not_hold_the_actor_on_the_map(officer, procurement, residents):
    from participai.engagement.selectors.actors import actors_of

    activity = EngagementActivity.objects.create(
        procurement=procurement,
        mechanism_key="citizens_jury",
        stage="problem_definition",
        title="Dismissed proposal",
        status="cancelled",
        created_by=officer,
    )
    activity.target_actors.add(residents)
    assert actors_of(procurement).get(pk=residents.pk).activity_count == 0
    services.actor_remove(actor=officer, stakeholder=residents)
    assert not Actor.objects.filter(pk=residents.pk).exists()
    assert events("actor.removed")


def test_suggestions_come_from_roles_fria_and_affected_people(officer, procurement, residents):
    RightsAssessment.objects.create(
        procurement=procurement,
        number=1,
        stage=procurement.stage,
        started_by=officer,
        affected_groups="People applying for housing benefit\nresidents of the east district\n",
    )
    inputs = selectors.map_inputs(list(selectors.actors_of(procurement)))
    found = selectors.suggestions_for(procurement, inputs)
    groups = [(s.source, s.name) for s in found if s.source != "role"]
    assert groups == [
        ("fria", "People applying for housing benefit"),
        ("affected_people", "Residents referred to social care"),
    ]
    roles = {s.kind: s.name for s in found if s.source == "role"}
    assert "affected_community" not in roles  # already on the map
    assert roles["independent_expert"] == "Independent expert"


def test_accepting_a_suggestion_adds_it_with_its_source(officer, procurement):
    inputs = selectors.map_inputs([])
    suggestion = next(
        s for s in selectors.suggestions_for(procurement, inputs) if s.source == "affected_people"
    )
    added = services.suggestion_accept(actor=officer, procurement=procurement, key=suggestion.key)
    assert (added.name, added.kind, added.source) == (
        "Residents referred to social care",
        "affected_community",
        "affected_people",
    )
    assert added.is_affected and (added.influence, added.interest) == (1, 5)
    [event] = events("actor.added")
    assert event.data["suggestion"] == suggestion.key
    # Once on the map it is no longer offered.
    with pytest.raises(ValidationError) as caught:
        services.suggestion_accept(actor=officer, procurement=procurement, key=suggestion.key)
    assert "key" in caught.value.message_dict
    assert Actor.objects.count() == 1


def test_accepting_a_role_suggestion(officer, procurement):
    added = services.suggestion_accept(
        actor=officer, procurement=procurement, key="role:oversight_body"
    )
    assert (added.name, added.kind, added.sector, added.source) == (
        "Oversight body",
        "oversight_body",
        "public_administration",
        "role",
    )


def test_accepting_needs_the_right(org, make_member, procurement):
    with pytest.raises(PermissionDenied):
        services.suggestion_accept(
            actor=make_member(org, Role.AUDITOR), procurement=procurement, key="role:supplier"
        )
    assert not Actor.objects.exists()
