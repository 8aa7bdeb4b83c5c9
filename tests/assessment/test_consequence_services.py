"""Consequence scanning through the services and selectors: rights, validation, audit."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from participai.accounts.roles import Role
from participai.assessment.consequence_prompts import load_prompts
from participai.assessment.models import Consequence
from participai.assessment.selectors import consequences as selectors
from participai.assessment.services import consequences as services
from participai.core.audit import verify_events
from participai.core.models import AuditEvent, AuditHead
from participai.procurements.models import Procurement

GOOD = {
    "description": "Urgent referrals from people without a phone number are ranked last.",
    "intention": "unintended",
    "effect": "negative",
    "affected_group": "Residents without a phone",
    "response": "act",
}


def add(actor, procurement, **overrides) -> Consequence:
    return services.consequence_add(actor=actor, procurement=procurement, **(GOOD | overrides))


# --------------------------------------------------------------------------- adding


def test_add_records_the_consequence_at_the_current_stage(make_procurement, officer):
    procurement = make_procurement(stage="engagement_planning")
    consequence = add(officer, procurement, owner="  Duty team lead ", prompt_key="bias_history")
    consequence.refresh_from_db()
    assert consequence.procurement == procurement
    assert consequence.stage == "engagement_planning"
    assert consequence.owner == "Duty team lead"
    assert consequence.prompt_key == "bias_history"
    assert (consequence.status, consequence.source) == ("open", "staff")
    assert consequence.created_by == officer


def test_add_writes_the_audit_event(procurement, officer):
    consequence = add(officer, procurement, prompt_key="people_overlooked")
    event = AuditEvent.objects.get(action="consequence.added")
    assert event.object_id == str(consequence.pk)
    assert event.object_type == "assessment.consequence"
    assert event.actor_id == officer.pk
    assert event.organisation_id_ref == procurement.organisation_id
    assert event.data["procurement"] == procurement.slug
    assert event.data["prompt_key"] == "people_overlooked"
    assert (event.data["intention"], event.data["effect"]) == ("unintended", "negative")
    assert verify_events(AuditEvent.objects.order_by("seq"), AuditHead.objects.get()).ok


@pytest.mark.parametrize(
    "role",
    [Role.ORG_ADMIN, Role.PROJECT_LEAD, Role.DATA_EXPERT, Role.LEGAL_OFFICER],
)
def test_the_procurement_team_may_add(procurement, org, make_member, role):
    add(make_member(org, role), procurement)
    assert Consequence.objects.count() == 1


@pytest.mark.parametrize("role", [Role.MODERATOR, Role.FACILITATOR, Role.EVALUATOR, Role.AUDITOR])
def test_other_roles_may_not_add(procurement, org, make_member, role):
    with pytest.raises(PermissionDenied):
        add(make_member(org, role), procurement)
    assert not Consequence.objects.exists()
    assert not AuditEvent.objects.filter(action="consequence.added").exists()


def test_another_organisation_may_not_add(procurement, other_org, make_member):
    with pytest.raises(PermissionDenied):
        add(make_member(other_org, Role.ORG_ADMIN), procurement)
    assert not Consequence.objects.exists()


def test_nothing_is_added_to_a_closed_procurement(procurement, officer):
    Procurement.objects.filter(pk=procurement.pk).update(status="stopped")
    with pytest.raises(PermissionDenied):
        add(officer, procurement)
    assert not Consequence.objects.exists()


def test_bad_values_are_keyed_by_field_and_nothing_is_saved(procurement, officer):
    with pytest.raises(ValidationError) as caught:
        add(
            officer,
            procurement,
            description="   ",
            intention="accidental",
            effect="neutral",
            affected_group="",
            response="ignore",
            owner="x" * 201,
            prompt_key="no_such_prompt",
        )
    errors = caught.value.message_dict
    assert set(errors) == {
        "description",
        "intention",
        "effect",
        "affected_group",
        "response",
        "owner",
        "prompt_key",
    }
    assert errors["prompt_key"] == ["There is no scanning prompt “no_such_prompt”."]
    assert errors["affected_group"] == ["Say who the consequence affects."]
    assert not Consequence.objects.exists()
    assert not AuditEvent.objects.filter(action="consequence.added").exists()


@pytest.mark.parametrize(
    ("status", "message"),
    [
        ("addressed", "Say what was done to address it."),
        ("dismissed", "Say why it was dismissed."),
    ],
)
def test_closing_on_add_needs_a_note(procurement, officer, status, message):
    with pytest.raises(ValidationError) as caught:
        add(officer, procurement, status=status)
    assert caught.value.message_dict == {"status_note": [message]}
    assert not Consequence.objects.exists()


def test_a_consequence_from_the_public_is_marked_so(procurement, officer):
    consequence = add(officer, procurement, source="public")
    assert consequence.source == "public"
    with pytest.raises(ValidationError) as caught:
        add(officer, procurement, source="rumour")
    assert set(caught.value.message_dict) == {"source"}


# --------------------------------------------------------------------------- updating


def test_update_changes_fields_and_audits_what_changed(procurement, officer):
    consequence = add(officer, procurement)
    services.consequence_update(
        actor=officer,
        consequence=consequence,
        owner="Head of adult social care",
        response="monitor",
        affected_group=GOOD["affected_group"],  # unchanged: not in the event
    )
    consequence.refresh_from_db()
    assert (consequence.owner, consequence.response) == ("Head of adult social care", "monitor")
    event = AuditEvent.objects.get(action="consequence.updated")
    assert event.object_id == str(consequence.pk)
    assert event.data["fields"] == ["owner", "response"]
    assert event.data["changes"] == {
        "owner": {"from": "", "to": "Head of adult social care"},
        "response": {"from": "act", "to": "monitor"},
    }


def test_updating_nothing_writes_nothing(procurement, officer):
    consequence = add(officer, procurement)
    before = consequence.updated_at
    services.consequence_update(actor=officer, consequence=consequence, response="act")
    consequence.refresh_from_db()
    assert consequence.updated_at == before
    assert not AuditEvent.objects.filter(action="consequence.updated").exists()


@pytest.mark.parametrize("status", ["addressed", "dismissed"])
def test_closing_needs_a_note_and_saves_nothing_without_one(procurement, officer, status):
    consequence = add(officer, procurement)
    with pytest.raises(ValidationError) as caught:
        services.consequence_update(
            actor=officer, consequence=consequence, status=status, owner="Someone"
        )
    assert set(caught.value.message_dict) == {"status_note"}
    consequence.refresh_from_db()
    assert (consequence.status, consequence.owner) == ("open", "")
    assert not AuditEvent.objects.filter(action="consequence.updated").exists()


def test_closing_with_a_note(procurement, officer):
    consequence = add(officer, procurement)
    services.consequence_update(
        actor=officer,
        consequence=consequence,
        status="dismissed",
        status_note="Every referral now has a phone or an address; the ranking ignores both.",
    )
    consequence.refresh_from_db()
    assert consequence.status == "dismissed"
    # Clearing the note of a closed consequence is refused.
    with pytest.raises(ValidationError) as caught:
        services.consequence_update(actor=officer, consequence=consequence, status_note="  ")
    assert set(caught.value.message_dict) == {"status_note"}
    # Reopening keeps the note, and needs none.
    services.consequence_update(actor=officer, consequence=consequence, status="in_progress")
    consequence.refresh_from_db()
    assert consequence.status == "in_progress"
    assert consequence.status_note.startswith("Every referral")


def test_fields_that_cannot_be_changed_are_refused(procurement, officer):
    consequence = add(officer, procurement)
    with pytest.raises(ValidationError) as caught:
        services.consequence_update(
            actor=officer, consequence=consequence, stage="review", source="public"
        )
    assert set(caught.value.message_dict) == {"stage", "source"}
    consequence.refresh_from_db()
    assert (consequence.stage, consequence.source) == (procurement.stage, "staff")


def test_update_validates_like_add(procurement, officer):
    consequence = add(officer, procurement)
    with pytest.raises(ValidationError) as caught:
        services.consequence_update(
            actor=officer, consequence=consequence, effect="mixed", prompt_key="nope"
        )
    assert set(caught.value.message_dict) == {"effect", "prompt_key"}
    consequence.refresh_from_db()
    assert consequence.effect == "negative"


@pytest.mark.parametrize("role", [Role.MODERATOR, Role.AUDITOR])
def test_other_roles_may_not_update(procurement, officer, org, make_member, role):
    consequence = add(officer, procurement)
    with pytest.raises(PermissionDenied):
        services.consequence_update(
            actor=make_member(org, role), consequence=consequence, owner="Me"
        )
    consequence.refresh_from_db()
    assert consequence.owner == ""


def test_nothing_is_updated_on_a_closed_procurement(procurement, officer):
    consequence = add(officer, procurement)
    Procurement.objects.filter(pk=procurement.pk).update(status="no_ai")
    with pytest.raises(PermissionDenied):
        services.consequence_update(actor=officer, consequence=consequence, owner="Me")
    consequence.refresh_from_db()
    assert consequence.owner == ""


# --------------------------------------------------------------------------- selectors


def test_the_board_and_the_summary(procurement, officer):
    a = add(officer, procurement, intention="intended", effect="positive", response="act")
    b = add(officer, procurement, response="influence", prompt_key="bias_history")
    c = add(officer, procurement, owner="Data team", response="monitor")
    d = add(officer, procurement, prompt_key="bias_history")
    services.consequence_update(
        actor=officer, consequence=d, status="addressed", status_note="Fixed in the spec."
    )
    e = add(officer, procurement, intention="intended", effect="negative", status="in_progress")
    workshop = selectors.workshop(procurement, lang="en")

    cells = {q.key: [x.pk for x in q.consequences] for q in workshop.quadrants}
    assert cells == {
        "intended_positive": [a.pk],
        "intended_negative": [e.pk],
        "unintended_positive": [],
        "unintended_negative": [b.pk, c.pk, d.pk],
    }
    assert [str(q.label) for q in workshop.quadrants] == [
        "Intended and positive",
        "Intended and negative",
        "Unintended and positive",
        "Unintended and negative",
    ]
    responses = {g.response: [x.pk for x in g.consequences] for g in workshop.responses}
    assert responses == {"act": [a.pk, d.pk, e.pk], "influence": [b.pk], "monitor": [c.pk]}

    summary = workshop.summary
    assert summary.total == 5
    assert summary.by_quadrant["unintended_negative"] == 3
    assert summary.by_status == {"open": 3, "in_progress": 1, "addressed": 1, "dismissed": 0}
    # Open negatives: b, c, e (d is addressed); without an owner: b and e.
    assert summary.open_negative == 3
    assert [x.pk for x in summary.unowned] == [b.pk, e.pk]
    assert summary.unowned_ids == {b.pk, e.pk}
    assert (summary.prompts_answered, summary.prompts_total) == (1, len(load_prompts()))


def test_prompts_not_yet_answered(procurement, officer):
    add(officer, procurement, prompt_key="why_ai_drivers")
    add(officer, procurement, prompt_key="why_ai_drivers")
    add(officer, procurement, prompt_key="environment_footprint")
    workshop = selectors.workshop(procurement, lang="es")
    prompts = load_prompts()
    unanswered = [p.key for p in workshop.unanswered]
    assert unanswered == [
        k for k in prompts.keys if k not in {"why_ai_drivers", "environment_footprint"}
    ]
    rows = {row.key: row for group in workshop.prompt_groups for row in group.rows}
    assert rows["why_ai_drivers"].answers == 2
    assert rows["why_ai_drivers"].answered
    assert not rows["bias_history"].answered
    assert rows["bias_history"].question == prompts.get("bias_history").question["es"]
    why = next(g for g in workshop.prompt_groups if g.group.key == "why_ai")
    assert (why.name, why.answered) == ("Por qué IA", 1)


def test_the_workshop_reads_only_its_own_procurement(make_procurement, officer):
    mine, other = make_procurement(), make_procurement(title="Another procurement")
    add(officer, other, prompt_key="bias_history")
    workshop = selectors.workshop(mine, lang="en")
    assert workshop.summary.total == 0
    assert len(workshop.unanswered) == len(load_prompts())


def test_the_workshop_is_one_query_whatever_the_count(
    procurement, officer, django_assert_num_queries
):
    for _ in range(6):
        add(officer, procurement)
    with django_assert_num_queries(1):
        selectors.workshop(procurement, lang="en")
