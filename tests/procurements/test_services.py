"""Every write to a procurement, its gates and documents, and the accounts
services they stand on. Each one: refused without the right, bad input keyed by
field with nothing written, one audit event in the same transaction."""

from __future__ import annotations

import datetime
import hashlib
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from participai.accounts import services as account_services
from participai.accounts.models import Membership, Organisation, User
from participai.accounts.roles import Role
from participai.core.models import AuditEvent
from participai.procurements import lifecycle, services
from participai.procurements.models import (
    Document,
    DocumentType,
    EntryRoute,
    GateDecision,
    GateOutcome,
    Procurement,
    ProcurementStatus,
)

RATIONALE = "The checks pass and the team agreed after the workshop with residents."
ROLES_WITHOUT_CREATE = (
    Role.DATA_EXPERT,
    Role.LEGAL_OFFICER,
    Role.MODERATOR,
    Role.FACILITATOR,
    Role.EVALUATOR,
    Role.AUDITOR,
)
ROLES_WITHOUT_ADD_DOCUMENT = (Role.MODERATOR, Role.FACILITATOR, Role.EVALUATOR, Role.AUDITOR)


def events(action: str | None = None):
    queryset = AuditEvent.objects.all()
    return queryset.filter(action=action) if action else queryset


def last_event() -> AuditEvent:
    return AuditEvent.objects.order_by("-seq").first()


def today() -> datetime.date:
    return timezone.localdate()


def create(actor: User, organisation: Organisation, **overrides) -> Procurement:
    values = {
        "title": "Predicting potholes",
        "mission": "Safe roads for cyclists and pedestrians.",
        "problem_statement": "Potholes are reported late and fixed later.",
    } | overrides
    return services.procurement_create(actor=actor, organisation=organisation, **values)


# --------------------------------------------------------------------------
# procurement_create
# --------------------------------------------------------------------------


def test_create_opens_an_unpublished_draft_at_the_first_stage(org, officer):
    before = events().count()
    procurement = create(
        officer,
        org,
        title="  Predicting\x00 potholes\x07 ",
        currency="gbp",
        estimated_value=Decimal("120000.50"),
        entry_route=EntryRoute.PILOT,
    )
    procurement.refresh_from_db()
    assert procurement.title == "Predicting potholes"
    assert procurement.slug == "predicting-potholes"
    assert procurement.stage == "problem_definition"
    assert procurement.phase == "purpose"
    assert procurement.status == ProcurementStatus.ACTIVE
    assert not procurement.is_published and procurement.published_at is None
    assert procurement.currency == "GBP"
    assert procurement.estimated_value == Decimal("120000.50")
    assert procurement.entry_route == EntryRoute.PILOT
    assert procurement.created_by == officer
    assert procurement.organisation == org
    assert events().count() == before + 1
    event = last_event()
    assert event.action == "procurement.created"
    assert event.actor == officer
    assert event.organisation_id_ref == org.id
    assert event.object_id == str(procurement.pk)
    assert event.data == {"title": "Predicting potholes", "stage": "problem_definition"}


@pytest.mark.parametrize(
    ("overrides", "fields"),
    [
        ({"title": "   "}, {"title"}),
        ({"mission": ""}, {"mission"}),
        ({"problem_statement": " \n "}, {"problem_statement"}),
        ({"entry_route": "helicopter"}, {"entry_route"}),
        ({"estimated_value": Decimal("-1")}, {"estimated_value"}),
        ({"currency": "EURO"}, {"currency"}),
        ({"currency": "E1R"}, {"currency"}),
        ({"title": "x" * 201}, {"title"}),
        ({"title": "", "mission": "", "currency": "12"}, {"title", "mission", "currency"}),
    ],
    ids=[
        "blank-title",
        "no-mission",
        "blank-problem",
        "unknown-route",
        "negative-value",
        "long-currency",
        "digit-currency",
        "title-too-long",
        "several",
    ],
)
def test_create_rejects_bad_input_by_field_and_writes_nothing(org, officer, overrides, fields):
    rows, audit = Procurement.objects.count(), events().count()
    with pytest.raises(ValidationError) as caught:
        create(officer, org, **overrides)
    assert set(caught.value.message_dict) == fields
    assert all(caught.value.message_dict[field][0] for field in fields)
    assert Procurement.objects.count() == rows
    assert events().count() == audit


def test_create_gives_unique_slugs(org, officer):
    slugs = [create(officer, org, title="Chatbot for the tax office").slug for _ in range(3)]
    assert slugs == [
        "chatbot-for-the-tax-office",
        "chatbot-for-the-tax-office-2",
        "chatbot-for-the-tax-office-3",
    ]
    # A title with nothing to slugify still gets a slug.
    assert create(officer, org, title="¿¡!?").slug == "procurement"
    assert create(officer, org, title="¿¡!?").slug == "procurement-2"
    # Very long titles are cut to fit, and still unique.
    long_slugs = {create(officer, org, title="a" * 200).slug for _ in range(2)}
    assert len(long_slugs) == 2
    assert all(len(slug) <= 90 for slug in long_slugs)


@pytest.mark.parametrize("role", ROLES_WITHOUT_CREATE)
def test_create_is_refused_for_roles_without_create(org, make_member, role):
    actor = make_member(org, role)
    rows, audit = Procurement.objects.count(), events().count()
    with pytest.raises(PermissionDenied):
        create(actor, org)
    assert (Procurement.objects.count(), events().count()) == (rows, audit)


@pytest.mark.parametrize("role", [Role.ORG_ADMIN, Role.PROCUREMENT_OFFICER, Role.PROJECT_LEAD])
def test_create_is_allowed_for_the_leads(org, make_member, role):
    actor = make_member(org, role)
    procurement = create(actor, org)
    assert Procurement.objects.get(pk=procurement.pk).created_by == actor


def test_create_is_refused_in_another_organisation_and_for_residents(other_org, officer, resident):
    for actor in (officer, resident):
        with pytest.raises(PermissionDenied):
            create(actor, other_org)
    assert not Procurement.objects.filter(organisation=other_org).exists()


# --------------------------------------------------------------------------
# procurement_update
# --------------------------------------------------------------------------


def test_update_changes_the_definition_and_records_the_diff(procurement, officer):
    before = events().count()
    old_mission = procurement.mission
    updated = services.procurement_update(
        actor=officer,
        procurement=procurement,
        mission="  Everyone referred is contacted within a week.  ",
        title=procurement.title,  # unchanged: not in the diff
        estimated_value=Decimal("250000.00"),
    )
    updated.refresh_from_db()
    assert updated.mission == "Everyone referred is contacted within a week."
    assert updated.estimated_value == Decimal("250000.00")
    assert events().count() == before + 1
    event = last_event()
    assert event.action == "procurement.updated"
    assert event.actor == officer
    assert event.data == {
        "changes": {
            "mission": {
                "from": old_mission,
                "to": "Everyone referred is contacted within a week.",
            },
            "estimated_value": {"from": None, "to": "250000.00"},
        }
    }


def test_every_editable_field_can_be_changed(procurement, officer):
    changes = {
        "title": "Faster first contact for referrals",
        "mission": "Nobody referred waits more than a week.",
        "problem_statement": "Urgent referrals wait in the routine queue.",
        "affected_people": "Referred residents and duty social workers.",
        "non_ai_alternatives": "A duty rota for triage.",
        "entry_route": EntryRoute.FRAMEWORK,
        "estimated_value": Decimal("90000.00"),
        "currency": "SEK",
    }
    assert set(changes) == set(services.EDITABLE_FIELDS)
    services.procurement_update(actor=officer, procurement=procurement, **changes)
    fresh = Procurement.objects.get(pk=procurement.pk)
    assert {field: getattr(fresh, field) for field in changes} == changes
    assert set(last_event().data["changes"]) == set(changes)
    assert fresh.slug == procurement.slug  # the address does not move with the title


def test_update_with_nothing_new_writes_no_event(procurement, officer):
    before = events().count()
    updated_at = procurement.updated_at
    services.procurement_update(
        actor=officer,
        procurement=procurement,
        title=procurement.title,
        mission=f"  {procurement.mission}\n",  # same once stripped
        currency="eur",  # same once upper-cased
    )
    procurement.refresh_from_db()
    assert events().count() == before
    assert procurement.updated_at == updated_at


@pytest.mark.parametrize(
    "field", ["stage", "status", "is_published", "organisation", "slug", "impact_level"]
)
def test_update_only_touches_editable_fields(procurement, officer, field):
    before = events().count()
    with pytest.raises(ValidationError) as caught:
        services.procurement_update(actor=officer, procurement=procurement, **{field: "x"})
    assert set(caught.value.message_dict) == {field}
    fresh = Procurement.objects.get(pk=procurement.pk)
    assert getattr(fresh, field if field != "organisation" else "organisation_id") == getattr(
        procurement, field if field != "organisation" else "organisation_id"
    )
    assert events().count() == before


def test_update_rejects_bad_values_and_changes_nothing(procurement, officer):
    before = events().count()
    with pytest.raises(ValidationError) as caught:
        services.procurement_update(
            actor=officer, procurement=procurement, mission="", entry_route="rumour"
        )
    assert set(caught.value.message_dict) == {"mission", "entry_route"}
    fresh = Procurement.objects.get(pk=procurement.pk)
    assert fresh.mission == procurement.mission
    assert fresh.entry_route == procurement.entry_route
    assert events().count() == before


@pytest.mark.parametrize("stage", ["solicitation_preparation", "contract_monitoring", "review"])
def test_update_is_refused_after_the_purpose_phase(make_procurement, officer, stage):
    procurement = make_procurement(stage=stage)
    with pytest.raises(PermissionDenied):
        services.procurement_update(actor=officer, procurement=procurement, mission="Changed.")
    assert Procurement.objects.get(pk=procurement.pk).mission != "Changed."


def test_update_is_refused_to_other_roles_and_on_closed_procurements(
    procurement, org, make_member, close
):
    with pytest.raises(PermissionDenied):
        services.procurement_update(
            actor=make_member(org, Role.DATA_EXPERT), procurement=procurement, mission="Changed."
        )
    lead = make_member(org, Role.PROJECT_LEAD)
    close(procurement, ProcurementStatus.STOPPED)
    with pytest.raises(PermissionDenied):
        services.procurement_update(actor=lead, procurement=procurement, mission="Changed.")
    assert Procurement.objects.get(pk=procurement.pk).mission != "Changed."


def test_update_works_on_a_stale_instance(procurement, officer):
    # The service re-reads the row under lock rather than trusting the caller's copy.
    stale = Procurement.objects.get(pk=procurement.pk)
    services.procurement_update(actor=officer, procurement=procurement, title="New title")
    services.procurement_update(actor=officer, procurement=stale, mission="New mission.")
    fresh = Procurement.objects.get(pk=procurement.pk)
    assert (fresh.title, fresh.mission) == ("New title", "New mission.")


# --------------------------------------------------------------------------
# procurement_publish
# --------------------------------------------------------------------------


def test_publish_sets_published_at_and_records_it(procurement, officer):
    before = events().count()
    start = timezone.now()
    services.procurement_publish(actor=officer, procurement=procurement)
    procurement.refresh_from_db()
    assert procurement.is_published
    assert start <= procurement.published_at <= timezone.now()
    assert events().count() == before + 1
    event = last_event()
    assert event.action == "procurement.published"
    assert event.data == {"stage": "problem_definition"}


def test_publish_twice_is_a_no_op(procurement, officer):
    services.procurement_publish(actor=officer, procurement=procurement)
    first = Procurement.objects.get(pk=procurement.pk).published_at
    before = events().count()
    again = services.procurement_publish(actor=officer, procurement=procurement)
    assert again.published_at == first
    assert Procurement.objects.get(pk=procurement.pk).published_at == first
    assert events().count() == before


def test_publish_is_refused_to_leads_and_outsiders(procurement, org, make_member, other_officer):
    for actor in (make_member(org, Role.PROJECT_LEAD), other_officer):
        with pytest.raises(PermissionDenied):
            services.procurement_publish(actor=actor, procurement=procurement)
    assert not Procurement.objects.get(pk=procurement.pk).is_published
    assert not events("procurement.published").exists()


def test_a_closed_procurement_can_still_be_published(procurement, officer, close):
    close(procurement, ProcurementStatus.NO_AI)
    services.procurement_publish(actor=officer, procurement=procurement)
    assert Procurement.objects.get(pk=procurement.pk).is_published


# --------------------------------------------------------------------------
# procurement_record_impact_level
# --------------------------------------------------------------------------


def test_record_impact_level(make_procurement, officer):
    procurement = make_procurement(stage="impact_assessment")
    services.procurement_record_impact_level(
        actor=officer, procurement=procurement, level=3, source="questionnaire:7"
    )
    services.procurement_record_impact_level(
        actor=officer, procurement=procurement, level=2, source="questionnaire:8"
    )
    assert Procurement.objects.get(pk=procurement.pk).impact_level == 2
    recorded = events("procurement.impact_level_recorded").order_by("seq")
    assert [event.data for event in recorded] == [
        {"from": None, "to": 3, "source": "questionnaire:7"},
        {"from": 3, "to": 2, "source": "questionnaire:8"},
    ]


@pytest.mark.parametrize("level", [0, 5, "3", None])
def test_record_impact_level_rejects_unknown_levels(procurement, officer, level):
    with pytest.raises(ValidationError) as caught:
        services.procurement_record_impact_level(
            actor=officer, procurement=procurement, level=level, source="x"
        )
    assert set(caught.value.message_dict) == {"level"}
    assert Procurement.objects.get(pk=procurement.pk).impact_level is None
    assert not events("procurement.impact_level_recorded").exists()


def test_record_impact_level_is_refused_without_the_assess_right(
    make_procurement, org, make_member, officer
):
    with pytest.raises(PermissionDenied):
        services.procurement_record_impact_level(
            actor=make_member(org, Role.MODERATOR),
            procurement=make_procurement(),
            level=2,
            source="x",
        )
    closed = make_procurement(stage="review")
    Procurement.objects.filter(pk=closed.pk).update(status="stopped")
    with pytest.raises(PermissionDenied):
        services.procurement_record_impact_level(
            actor=officer, procurement=closed, level=2, source="x"
        )
    assert not events("procurement.impact_level_recorded").exists()


def test_a_reassessment_at_a_later_stage_records_the_new_level(make_procurement, officer):
    late = make_procurement(stage="contract_monitoring")
    services.procurement_record_impact_level(
        actor=officer, procurement=late, level=4, source="reassessment"
    )
    assert Procurement.objects.get(pk=late.pk).impact_level == 4


# --------------------------------------------------------------------------
# gate_decide
# --------------------------------------------------------------------------


def decide(procurement: Procurement, actor: User, outcome: str = GateOutcome.PROCEED, **kwargs):
    return services.gate_decide(
        actor=actor,
        procurement=procurement,
        outcome=outcome,
        rationale=kwargs.pop("rationale", RATIONALE),
        **kwargs,
    )


def test_proceed_moves_to_the_next_stage(procurement, officer):
    before = events().count()
    decision = decide(procurement, officer)
    procurement.refresh_from_db()
    assert procurement.stage == "impact_assessment"
    assert procurement.phase == "purpose"
    assert procurement.status == ProcurementStatus.ACTIVE
    assert procurement.closed_at is None
    assert decision.stage == "problem_definition"
    assert decision.outcome == GateOutcome.PROCEED
    assert decision.rationale == RATIONALE
    assert decision.decided_on == today()
    assert decision.recorded_by == officer
    assert list(decision.deciders.all()) == [officer]
    # Exactly one audit event, describing the move.
    assert events().count() == before + 1
    event = last_event()
    assert event.action == "gate.decided"
    assert event.object_type == "procurements.gatedecision"
    assert event.object_id == str(decision.pk)
    assert event.data == {
        "procurement": procurement.slug,
        "stage": "problem_definition",
        "outcome": "proceed",
        "decided_on": today().isoformat(),
        "deciders": ["officer"],
        "to_stage": "impact_assessment",
        "status": "active",
        "failed_checks": [],
    }


def test_proceed_crosses_into_the_next_phase(
    make_procurement, officer, add_text_document, settle_stakes
):
    procurement = settle_stakes(make_procurement(stage="market_engagement"))
    add_text_document(procurement, document_type=DocumentType.MARKET_NOTICE)
    # What every procurement owes the public before suppliers are approached.
    add_text_document(procurement, document_type=DocumentType.PUBLIC_NOTICE)
    add_text_document(procurement, document_type=DocumentType.PLAIN_LANGUAGE_EXPLANATION)
    decide(procurement, officer)
    procurement.refresh_from_db()
    assert (procurement.stage, procurement.phase) == ("solicitation_preparation", "delivery")


def test_proceed_at_review_completes_the_procurement(
    make_procurement, officer, add_text_document, settle_stakes
):
    procurement = settle_stakes(make_procurement(stage="review"))
    add_text_document(procurement, document_type=DocumentType.LESSONS_LEARNED)
    # Every gate's obligations are due by the last one (level I: the notice
    # and the explanation).
    add_text_document(procurement, document_type=DocumentType.PUBLIC_NOTICE)
    add_text_document(procurement, document_type=DocumentType.PLAIN_LANGUAGE_EXPLANATION)
    decide(procurement, officer)
    procurement.refresh_from_db()
    assert procurement.status == ProcurementStatus.COMPLETED
    assert procurement.stage == "review"
    assert procurement.closed_at is not None
    assert last_event().data["status"] == "completed"


def test_proceed_is_refused_naming_the_failed_checks(make_procurement, officer):
    procurement = make_procurement(affected_people="", non_ai_alternatives="")
    before = events().count()
    with pytest.raises(ValidationError) as caught:
        decide(procurement, officer)
    (message,) = caught.value.message_dict["outcome"]
    assert "The people likely to be affected are named" in message
    assert "Non-AI alternatives were considered" in message
    assert "problem statement" not in message  # that check passes
    procurement.refresh_from_db()
    assert procurement.stage == "problem_definition"
    assert not GateDecision.objects.exists()
    assert events().count() == before


def test_proceed_needs_this_stages_document(
    make_procurement, officer, add_text_document, settle_stakes
):
    procurement = settle_stakes(make_procurement(stage="impact_assessment"))
    with pytest.raises(ValidationError) as caught:
        decide(procurement, officer)
    assert "This stage's work is documented" in caught.value.message_dict["outcome"][0]
    add_text_document(procurement, document_type=DocumentType.IMPACT_ASSESSMENT)
    decide(procurement, officer)
    assert Procurement.objects.get(pk=procurement.pk).stage == "engagement_planning"


@pytest.mark.parametrize(
    ("outcome", "status"),
    [
        (GateOutcome.REVISE, ProcurementStatus.ACTIVE),
        (GateOutcome.STOP, ProcurementStatus.STOPPED),
        (GateOutcome.NO_AI, ProcurementStatus.NO_AI),
    ],
)
def test_failed_checks_do_not_block_revise_stop_or_no_ai(
    make_procurement, officer, outcome, status
):
    procurement = make_procurement(affected_people="")
    decision = decide(procurement, officer, outcome)
    procurement.refresh_from_db()
    assert (procurement.stage, procurement.status) == ("problem_definition", status)
    assert decision.outcome == outcome
    assert last_event().data["failed_checks"] == ["affected_people_named"]


def test_revise_returns_to_an_earlier_stage(make_procurement, officer):
    procurement = make_procurement(stage="solicitation_preparation")
    decision = decide(
        procurement, officer, GateOutcome.REVISE, return_to_stage="engagement_planning"
    )
    procurement.refresh_from_db()
    assert (procurement.stage, procurement.phase) == ("engagement_planning", "purpose")
    assert decision.stage == "solicitation_preparation"
    assert decision.return_to_stage == "engagement_planning"
    assert procurement.status == ProcurementStatus.ACTIVE


def test_revise_may_name_the_current_stage(make_procurement, officer):
    procurement = make_procurement(stage="impact_assessment")
    decide(procurement, officer, GateOutcome.REVISE, return_to_stage="impact_assessment")
    assert Procurement.objects.get(pk=procurement.pk).stage == "impact_assessment"


@pytest.mark.parametrize("target", ["engagement_planning", "review", "nowhere"])
def test_revise_to_a_later_or_unknown_stage_is_refused(make_procurement, officer, target):
    procurement = make_procurement(stage="impact_assessment")
    with pytest.raises(ValidationError) as caught:
        decide(procurement, officer, GateOutcome.REVISE, return_to_stage=target)
    assert set(caught.value.message_dict) == {"return_to_stage"}
    assert Procurement.objects.get(pk=procurement.pk).stage == "impact_assessment"
    assert not GateDecision.objects.exists()


def test_only_revise_returns_to_a_stage(make_procurement, officer):
    procurement = make_procurement(stage="impact_assessment")
    with pytest.raises(ValidationError) as caught:
        decide(procurement, officer, GateOutcome.STOP, return_to_stage="problem_definition")
    assert set(caught.value.message_dict) == {"return_to_stage"}
    assert Procurement.objects.get(pk=procurement.pk).status == ProcurementStatus.ACTIVE


@pytest.mark.parametrize(
    ("outcome", "status"),
    [(GateOutcome.STOP, ProcurementStatus.STOPPED), (GateOutcome.NO_AI, ProcurementStatus.NO_AI)],
)
def test_stop_and_no_ai_close_the_procurement(make_procurement, officer, outcome, status):
    procurement = make_procurement(stage="vendor_evaluation")
    decide(procurement, officer, outcome)
    procurement.refresh_from_db()
    assert procurement.status == status
    assert procurement.closed_at is not None
    assert procurement.stage == "vendor_evaluation"
    # Closed: no further decision can be taken.
    with pytest.raises(PermissionDenied):
        decide(procurement, officer, GateOutcome.REVISE)
    assert GateDecision.objects.filter(procurement=procurement).count() == 1


def test_stop_is_possible_at_every_stage(make_procurement, officer):
    for key in lifecycle.STAGE_KEYS:
        procurement = make_procurement(stage=key, title=f"Stopped at {key}")
        decide(procurement, officer, GateOutcome.STOP)
        assert Procurement.objects.get(pk=procurement.pk).status == ProcurementStatus.STOPPED


@pytest.mark.parametrize("rationale", ["Too short.", " " * 30, "x" * 19 + "   "])
def test_rationale_must_be_long_enough(procurement, officer, rationale):
    with pytest.raises(ValidationError) as caught:
        decide(procurement, officer, rationale=rationale)
    assert set(caught.value.message_dict) == {"rationale"}
    assert "20" in caught.value.message_dict["rationale"][0]
    assert not GateDecision.objects.exists()


def test_unknown_outcome_is_refused(procurement, officer):
    with pytest.raises(ValidationError) as caught:
        decide(procurement, officer, "postpone")
    assert set(caught.value.message_dict) == {"outcome"}
    assert not GateDecision.objects.exists()


def test_a_decision_cannot_be_dated_in_the_future(procurement, officer):
    with pytest.raises(ValidationError) as caught:
        decide(procurement, officer, decided_on=today() + datetime.timedelta(days=1))
    assert set(caught.value.message_dict) == {"decided_on"}
    assert not GateDecision.objects.exists()


def test_a_decision_cannot_predate_the_previous_one(procurement, officer):
    earlier = today() - datetime.timedelta(days=10)
    decide(procurement, officer, GateOutcome.REVISE, decided_on=earlier)
    with pytest.raises(ValidationError) as caught:
        decide(procurement, officer, decided_on=earlier - datetime.timedelta(days=1))
    assert set(caught.value.message_dict) == {"decided_on"}
    assert earlier.isoformat() in caught.value.message_dict["decided_on"][0]
    assert GateDecision.objects.count() == 1
    # The same day, or later, is fine.
    decide(procurement, officer, GateOutcome.REVISE, decided_on=earlier)
    decide(procurement, officer, decided_on=earlier + datetime.timedelta(days=2))
    assert GateDecision.objects.count() == 3


def test_deciders_must_be_members(procurement, officer, org, make_member, resident, other_officer):
    for outsiders in ([resident], [officer, other_officer]):
        with pytest.raises(ValidationError) as caught:
            decide(procurement, officer, deciders=outsiders)
        assert set(caught.value.message_dict) == {"deciders"}
        assert org.name in caught.value.message_dict["deciders"][0]
    assert not GateDecision.objects.exists()
    # Members in any role may be named, with outsiders under "also taken by".
    data = make_member(org, Role.DATA_EXPERT, username="data")
    decision = decide(
        procurement,
        officer,
        deciders=[officer, data],
        other_deciders="Community panel\x00 of twelve residents",
    )
    assert set(decision.deciders.all()) == {officer, data}
    assert decision.other_deciders == "Community panel of twelve residents"
    assert last_event().data["deciders"] == ["data", "officer"]


def test_other_deciders_longer_than_the_column_is_a_validation_error(procurement, officer):
    with pytest.raises(ValidationError) as caught:
        decide(procurement, officer, other_deciders="Community panel " * 20)
    assert set(caught.value.message_dict) == {"other_deciders"}
    assert not GateDecision.objects.exists()


def test_gate_decide_is_refused_to_roles_the_stage_does_not_name(
    make_procurement, org, make_member, other_officer
):
    lead = make_member(org, Role.PROJECT_LEAD)
    for actor, procurement in (
        (lead, make_procurement(stage="market_engagement")),
        (make_member(org, Role.DATA_EXPERT), make_procurement()),
        (other_officer, make_procurement()),
    ):
        with pytest.raises(PermissionDenied):
            decide(procurement, actor, GateOutcome.REVISE)
    assert not GateDecision.objects.exists()
    assert not events("gate.decided").exists()


def test_the_decision_keeps_a_snapshot_of_the_checks(make_procurement, officer):
    procurement = make_procurement(affected_people="")
    decision = decide(procurement, officer, GateOutcome.REVISE)
    snapshot = GateDecision.objects.get(pk=decision.pk).checks
    assert [check["key"] for check in snapshot] == list(
        lifecycle.stage("problem_definition").gate_checks
    )
    assert {check["key"]: check["passed"] for check in snapshot} == {
        "problem_statement_written": True,
        "affected_people_named": False,
        "alternatives_considered": True,
        "obligations_met": True,
    }
    assert all(set(check) == {"key", "label", "passed", "detail"} for check in snapshot)
    # Fixing the procurement later does not rewrite the decision's history.
    services.procurement_update(
        actor=officer, procurement=procurement, affected_people="Residents referred."
    )
    snapshot = GateDecision.objects.get(pk=decision.pk).checks
    assert {check["key"]: check["passed"] for check in snapshot}["affected_people_named"] is False


def test_a_decision_is_immutable(procurement, officer):
    decision = decide(procurement, officer, GateOutcome.REVISE)
    decision.rationale = "Rewritten after the fact, to look better."
    with pytest.raises(GateDecision.Immutable):
        decision.save()
    with pytest.raises(GateDecision.Immutable):
        decision.delete()
    with pytest.raises(GateDecision.Immutable):
        GateDecision.objects.filter(pk=decision.pk).update(rationale="Rewritten in bulk.")
    with pytest.raises(GateDecision.Immutable):
        GateDecision.objects.filter(pk=decision.pk).delete()
    with pytest.raises(GateDecision.Immutable):
        procurement.decisions.update(outcome=GateOutcome.STOP)
    with pytest.raises(GateDecision.Immutable):
        procurement.decisions.all().delete()
    stored = GateDecision.objects.get(pk=decision.pk)
    assert (stored.rationale, stored.outcome) == (RATIONALE, GateOutcome.REVISE)


def test_who_took_a_decision_cannot_be_rewritten(procurement, officer, org, make_member):
    decision = decide(procurement, officer, GateOutcome.REVISE)
    someone_else = make_member(org, Role.PROJECT_LEAD)
    rewrites = [
        lambda: decision.deciders.set([someone_else]),
        lambda: decision.deciders.add(someone_else),
        lambda: decision.deciders.remove(officer),
        lambda: decision.deciders.clear(),
        lambda: someone_else.gate_decisions.add(decision),
        lambda: officer.gate_decisions.clear(),
    ]
    for rewrite in rewrites:
        # Each attempt in its own savepoint, as a request would be.
        with pytest.raises(GateDecision.Immutable), transaction.atomic():
            rewrite()
    assert list(GateDecision.objects.get(pk=decision.pk).deciders.all()) == [officer]


def test_members_are_emailed_once_each_about_a_decision(
    procurement,
    officer,
    org,
    other_org,
    make_member,
    make_user,
    resident,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    several_roles = make_member(org, Role.PROJECT_LEAD, Role.DATA_EXPERT, Role.AUDITOR)
    no_email = make_member(org, Role.MODERATOR)
    User.objects.filter(pk=no_email.pk).update(email="")
    inactive = make_member(org, Role.EVALUATOR)
    User.objects.filter(pk=inactive.pk).update(is_active=False)
    make_member(other_org, Role.ORG_ADMIN)
    assert resident.email
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        decide(procurement, officer)
    assert len(callbacks) == 1
    recipients = sorted(address for message in mailoutbox for address in message.to)
    assert recipients == sorted([officer.email, several_roles.email])
    assert len(mailoutbox) == 2
    message = mailoutbox[0]
    assert procurement.title in message.subject
    assert "Problem definition" in message.body
    assert "Proceed" in message.body
    assert RATIONALE in message.body


def test_no_email_goes_out_when_the_decision_is_refused(
    make_procurement, officer, mailoutbox, django_capture_on_commit_callbacks
):
    procurement = make_procurement(affected_people="")
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        decide(procurement, officer)
    assert mailoutbox == []


# --------------------------------------------------------------------------
# document_add
# --------------------------------------------------------------------------


def test_add_a_text_document(procurement, officer):
    before = events().count()
    document = services.document_add(
        actor=officer,
        procurement=procurement,
        title="  Needs assessment\x07 ",
        document_type=DocumentType.NEEDS_ASSESSMENT,
        description=" What the front desk sees. ",
        body="  # Needs\n\nPeople wait too long.  ",
        is_public=False,
    )
    document.refresh_from_db()
    assert document.title == "Needs assessment"
    assert document.body == "# Needs\n\nPeople wait too long."
    assert document.description == "What the front desk sees."
    assert document.stage == "problem_definition"
    assert document.document_type == DocumentType.NEEDS_ASSESSMENT
    assert not document.is_public and not document.is_file
    assert document.created_by == officer
    assert events().count() == before + 1
    event = last_event()
    assert event.action == "document.added"
    assert event.data == {
        "procurement": procurement.slug,
        "stage": "problem_definition",
        "title": "Needs assessment",
        "sha256": hashlib.sha256(b"# Needs\n\nPeople wait too long.").hexdigest(),
        "public": False,
    }


def test_add_a_file_stores_it_under_its_hash(
    procurement, officer, make_upload, pdf_bytes, settings, media_files
):
    document = services.document_add(
        actor=officer,
        procurement=procurement,
        title="Scan of the signed minutes",
        document_type=DocumentType.MINUTES,
        upload=make_upload("../../etc/Signed Minutes.PDF", pdf_bytes),
        filename="../../etc/Signed Minutes.PDF",
    )
    document.refresh_from_db()
    digest = hashlib.sha256(pdf_bytes).hexdigest()
    assert document.sha256 == digest
    assert document.file.name == f"documents/{procurement.pk}/{digest}.pdf"
    assert document.original_filename == "Signed Minutes.PDF"
    assert document.extension == ".pdf"
    assert document.content_type == "application/pdf"
    assert document.size == len(pdf_bytes)
    stored = media_files()
    assert stored == [Path(settings.MEDIA_ROOT) / document.file.name]
    assert stored[0].read_bytes() == pdf_bytes
    assert "Minutes" not in str(stored[0]) and ".." not in document.file.name
    assert last_event().data["sha256"] == digest


def test_add_other_accepted_kinds(procurement, officer, make_upload, png_bytes, docx_bytes):
    for name, content, content_type in (
        ("photo.png", png_bytes, "image/png"),
        (
            "requirements.docx",
            docx_bytes,
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        ("answers.csv", "question;answer\nWho;Señora Pérez\n".encode(), "text/csv"),
    ):
        document = services.document_add(
            actor=officer,
            procurement=procurement,
            title=name,
            upload=make_upload(name, content),
            filename=name,
        )
        assert document.content_type == content_type
        assert document.file.read() == content


@pytest.mark.parametrize(
    ("filename", "content", "max_bytes", "says"),
    [
        ("report.pdf", b"<html><script>alert(1)</script></html>", None, "content"),
        ("report.exe", b"%PDF-1.4\n%%EOF\n", None, "not accepted"),
        ("report", b"%PDF-1.4\n%%EOF\n", None, "not accepted"),
        ("report.pdf", b"", None, "empty"),
        ("report.pdf", b"%PDF-1.4\n" + b"0" * 2048, 1024, "limit"),
        ("notes.txt", b"\x00\x01\x02binary\x00", None, "UTF-8"),
    ],
    ids=["wrong-magic", "wrong-extension", "no-extension", "empty", "oversize", "binary-txt"],
)
def test_bad_uploads_are_rejected_and_leave_nothing_behind(
    procurement, officer, make_upload, settings, media_files, filename, content, max_bytes, says
):
    if max_bytes is not None:
        settings.DOCUMENT_MAX_BYTES = max_bytes
    before = events().count()
    with pytest.raises(ValidationError) as caught:
        services.document_add(
            actor=officer,
            procurement=procurement,
            title="Report",
            upload=make_upload(filename or "x", content),
            filename=filename,
        )
    assert set(caught.value.message_dict) == {"file"}
    assert says in caught.value.message_dict["file"][0]
    assert not Document.objects.exists()
    assert media_files() == []
    assert events().count() == before


def test_a_file_at_the_size_limit_is_accepted(procurement, officer, make_upload, settings):
    content = b"%PDF-1.4\n" + b"0" * 1015
    settings.DOCUMENT_MAX_BYTES = len(content)
    document = services.document_add(
        actor=officer,
        procurement=procurement,
        title="Exactly at the limit",
        upload=make_upload("limit.pdf", content),
        filename="limit.pdf",
    )
    assert document.size == len(content)


def test_file_and_body_together_are_refused(procurement, officer, make_upload, media_files):
    with pytest.raises(ValidationError) as caught:
        services.document_add(
            actor=officer,
            procurement=procurement,
            title="Both",
            body="Some text as well.",
            upload=make_upload(),
            filename="report.pdf",
        )
    assert "not both" in caught.value.message_dict["body"][0]
    assert not Document.objects.exists()
    assert media_files() == []


def test_a_document_needs_a_title_a_type_and_content(procurement, officer):
    with pytest.raises(ValidationError) as caught:
        services.document_add(
            actor=officer,
            procurement=procurement,
            title="  ",
            document_type="love_letter",
            body="   ",
        )
    assert set(caught.value.message_dict) == {"title", "document_type", "body"}
    assert not Document.objects.exists()


def test_a_document_title_longer_than_the_column_is_a_validation_error(procurement, officer):
    with pytest.raises(ValidationError) as caught:
        services.document_add(
            actor=officer, procurement=procurement, title="t" * 201, body="Some text."
        )
    assert set(caught.value.message_dict) == {"title"}
    assert not Document.objects.exists()


def test_a_second_upload_of_the_same_bytes_is_still_stored_under_its_hash(
    procurement, officer, make_upload, pdf_bytes
):
    digest = hashlib.sha256(pdf_bytes).hexdigest()
    names = [
        services.document_add(
            actor=officer,
            procurement=procurement,
            title=f"Copy {n}",
            upload=make_upload(f"copy-{n}.pdf", pdf_bytes),
            filename=f"copy-{n}.pdf",
        ).file.name
        for n in range(2)
    ]
    assert len(set(names)) == 2  # the first file is not overwritten
    assert all(name.startswith(f"documents/{procurement.pk}/{digest}") for name in names)
    assert not any("copy" in name for name in names)


@pytest.mark.parametrize("role", ROLES_WITHOUT_ADD_DOCUMENT)
def test_add_document_is_refused_for_roles_without_it(procurement, org, make_member, role):
    with pytest.raises(PermissionDenied):
        services.document_add(
            actor=make_member(org, role), procurement=procurement, title="T", body="Text."
        )
    assert not Document.objects.exists()


@pytest.mark.parametrize("status", ["stopped", "no_ai", "completed"])
def test_add_document_is_refused_on_closed_procurements(
    procurement, officer, close, make_upload, media_files, status
):
    close(procurement, status)
    with pytest.raises(PermissionDenied):
        services.document_add(actor=officer, procurement=procurement, title="T", body="Text.")
    with pytest.raises(PermissionDenied):
        services.document_add(
            actor=officer,
            procurement=procurement,
            title="T",
            upload=make_upload(),
            filename="report.pdf",
        )
    assert not Document.objects.exists()
    assert media_files() == []


def test_add_document_is_refused_to_another_organisation(procurement, other_officer):
    with pytest.raises(PermissionDenied):
        services.document_add(
            actor=other_officer, procurement=procurement, title="T", body="Text."
        )
    assert not Document.objects.exists()


def test_a_document_belongs_to_the_stage_it_was_added_in(make_procurement, make_member, org):
    data = make_member(org, Role.DATA_EXPERT)
    procurement = make_procurement(stage="contract_monitoring")
    document = services.document_add(
        actor=data, procurement=procurement, title="KPIs for March", body="All green."
    )
    assert document.stage == "contract_monitoring"


# --------------------------------------------------------------------------
# accounts services
# --------------------------------------------------------------------------


def test_organisation_create(db):
    before = events().count()
    organisation = account_services.organisation_create(
        actor=None,
        name="  Ajuntament de Vilanova\x00 ",
        country="es",
        kind=Organisation.Kind.MUNICIPALITY,
    )
    organisation.refresh_from_db()
    assert organisation.name == "Ajuntament de Vilanova"
    assert organisation.slug == "ajuntament-de-vilanova"
    assert organisation.country == "ES"
    assert events().count() == before + 1
    event = last_event()
    assert event.action == "organisation.created"
    assert event.organisation_id_ref == organisation.id
    assert event.data == {"name": "Ajuntament de Vilanova", "country": "ES"}


def test_organisation_create_takes_a_given_slug(db):
    organisation = account_services.organisation_create(
        actor=None, name="Regional Health Board", country="IE", slug="rhb"
    )
    assert organisation.slug == "rhb"


@pytest.mark.parametrize(
    ("kwargs", "fields"),
    [
        ({"name": "", "country": "ES"}, {"name", "slug"}),
        ({"name": "Valid Council", "country": "ESP"}, {"country"}),
        ({"name": "Valid Council", "country": "ES", "kind": "empire"}, {"kind"}),
        ({"name": "Valid Council", "country": "ES", "website": "not a url"}, {"website"}),
        ({"name": "Northbridge Test Council", "country": "GB"}, {"slug"}),
    ],
    ids=["no-name", "long-country", "unknown-kind", "bad-website", "slug-taken"],
)
def test_organisation_create_rejects_bad_input(org, kwargs, fields):
    rows, audit = Organisation.objects.count(), events().count()
    with pytest.raises(ValidationError) as caught:
        account_services.organisation_create(actor=None, **kwargs)
    assert set(caught.value.message_dict) == fields
    assert (Organisation.objects.count(), events().count()) == (rows, audit)


def test_membership_grant_is_idempotent_and_audited(org, make_user, officer):
    user = make_user("newcomer")
    before = events().count()
    first = account_services.membership_grant(
        actor=officer, organisation=org, user=user, role=Role.EVALUATOR
    )
    again = account_services.membership_grant(
        actor=officer, organisation=org, user=user, role=Role.EVALUATOR
    )
    assert first.pk == again.pk
    assert Membership.objects.filter(user=user).count() == 1
    assert events().count() == before + 1
    event = last_event()
    assert event.action == "membership.granted"
    assert event.actor == officer
    assert event.data == {"user": "newcomer", "role": "evaluator"}


def test_membership_grant_rejects_an_unknown_role(org, make_user):
    user = make_user()
    before = events().count()
    with pytest.raises(ValidationError) as caught:
        account_services.membership_grant(actor=None, organisation=org, user=user, role="king")
    assert set(caught.value.message_dict) == {"role"}
    assert "king" in caught.value.message_dict["role"][0]
    assert not Membership.objects.filter(user=user).exists()
    assert events().count() == before


def test_membership_revoke_removes_one_role_and_records_who(org, make_member, officer):
    user = make_member(org, Role.PROJECT_LEAD, Role.DATA_EXPERT, username="twohats")
    membership = Membership.objects.get(user=user, role=Role.DATA_EXPERT)
    before = events().count()
    account_services.membership_revoke(actor=officer, membership=membership)
    assert list(Membership.objects.filter(user=user).values_list("role", flat=True)) == [
        Role.PROJECT_LEAD
    ]
    assert events().count() == before + 1
    event = last_event()
    assert event.action == "membership.revoked"
    assert event.actor == officer
    assert event.organisation_id_ref == org.id
    assert event.data == {"user": "twohats", "role": "data_expert"}


def test_user_create(db):
    before = events().count()
    user = account_services.user_create(
        username="marta",
        password="a-long-test-password",
        email="marta@example.org",
        display_name=" Marta\x1b ",
        first_name="Marta",
        last_name="Puig",
    )
    user.refresh_from_db()
    assert user.check_password("a-long-test-password")
    assert user.display_name == "Marta"
    assert not user.is_superuser and not user.is_staff
    assert events().count() == before + 1
    assert last_event().action == "user.created"
    assert last_event().data == {"username": "marta", "superuser": False}


def test_user_create_without_a_password_cannot_log_in(db):
    user = account_services.user_create(username="offline", password=None)
    assert not user.has_usable_password()
    assert not user.check_password("")


def test_user_create_superuser_is_staff(db):
    user = account_services.user_create(username="root", password="x" * 12, is_superuser=True)
    assert user.is_superuser and user.is_staff


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"username": "officer"}, "username"),
        ({"username": "has spaces"}, "username"),
        ({"username": "ok", "email": "not-an-email"}, "email"),
    ],
    ids=["taken", "invalid-username", "bad-email"],
)
def test_user_create_rejects_bad_input(officer, kwargs, field):
    rows, audit = User.objects.count(), events().count()
    with pytest.raises(ValidationError) as caught:
        account_services.user_create(password="a-long-test-password", **kwargs)
    assert field in caught.value.message_dict
    assert (User.objects.count(), events().count()) == (rows, audit)


# --------------------------------------------------------------------------
# The database backs the invariants the services keep
# --------------------------------------------------------------------------


def test_the_database_refuses_an_unknown_stage(procurement):
    with pytest.raises(IntegrityError), transaction.atomic():
        Procurement.objects.filter(pk=procurement.pk).update(stage="daydreaming")
    assert Procurement.objects.get(pk=procurement.pk).stage == "problem_definition"


def test_the_database_ties_published_at_to_is_published(procurement):
    with pytest.raises(IntegrityError), transaction.atomic():
        Procurement.objects.filter(pk=procurement.pk).update(is_published=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        Procurement.objects.filter(pk=procurement.pk).update(published_at=timezone.now())


def test_the_database_refuses_a_document_with_neither_file_nor_text(procurement, officer):
    with pytest.raises(IntegrityError), transaction.atomic():
        Document.objects.create(
            procurement=procurement, stage=procurement.stage, title="Empty", created_by=officer
        )


def test_a_decision_recorded_without_notice_sends_nothing(
    procurement, officer, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.gate_decide(
            actor=officer,
            procurement=procurement,
            outcome=GateOutcome.REVISE,
            rationale="Recorded afterwards from the minutes of the meeting.",
            notify=False,
        )
    assert mailoutbox == []
    with django_capture_on_commit_callbacks(execute=True):
        services.gate_decide(
            actor=officer,
            procurement=procurement,
            outcome=GateOutcome.REVISE,
            rationale="Taken today; the team should hear of it.",
        )
    assert [m.to for m in mailoutbox] == [[officer.email]]
