"""Every write to a process and its modules: who may (the team and
facilitators of the procurement's organisation), what is checked (keyed by
field, nothing saved), and the audit event each write leaves."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from participai.accounts.roles import Role
from participai.engagement.services.plan import activity_add
from participai.participation.models import Module, Process
from participai.participation.services import processes as services
from participai.procurements.models import Procurement, ProcurementStatus

MAY_MANAGE = (
    Role.ORG_ADMIN,
    Role.PROCUREMENT_OFFICER,
    Role.PROJECT_LEAD,
    Role.DATA_EXPERT,
    Role.LEGAL_OFFICER,
    Role.FACILITATOR,
)
MAY_NOT_MANAGE = (Role.MODERATOR, Role.EVALUATOR, Role.AUDITOR)


def values(**overrides):
    now = timezone.now()
    return {
        "title": "Where the line is drawn",
        "slug": "where-the-line-is",
        "question": "What should the system never decide alone?",
        "negotiable": "Which decisions stay with a person.",
        "decision_stage": "diagnosis",
        "opens_at": now,
        "closes_at": now + timedelta(days=14),
        **overrides,
    }


@pytest.fixture
def draft(published, make_process) -> Process:
    return make_process(published, slug="draft")


# --- process_create ------------------------------------------------------------------------


@pytest.mark.parametrize("role", MAY_MANAGE)
def test_team_and_facilitators_create_a_draft_at_the_current_stage(
    role, published, org, make_member, audit_events
):
    actor = make_member(org, role)
    process = services.process_create(
        actor=actor, procurement=published, description="  Read the brief first.  ", **values()
    )
    process.refresh_from_db()
    assert process.stage == "problem_definition"
    assert process.is_published is False
    assert process.created_by == actor
    assert process.description == "Read the brief first."
    assert (process.read_requires, process.contribute_requires, process.vote_requires) == (
        "none",
        "guest",
        "guest",
    )
    [event] = audit_events("process.created")
    assert event.actor_id == actor.pk
    assert event.object_id == str(process.pk)
    assert event.organisation_id_ref == org.pk
    assert event.data["process"] == "where-the-line-is"
    assert event.data["requires"] == {"read": "none", "contribute": "guest", "vote": "guest"}


@pytest.mark.parametrize("role", MAY_NOT_MANAGE)
def test_other_roles_may_not_create(role, published, org, make_member, audit_events):
    with pytest.raises(PermissionDenied):
        services.process_create(actor=make_member(org, role), procurement=published, **values())
    assert not Process.objects.exists()
    assert audit_events("process.created") == []


def test_another_organisation_may_not_create(published, other_org, make_member):
    outsider = make_member(other_org, Role.ORG_ADMIN, Role.PROCUREMENT_OFFICER)
    with pytest.raises(PermissionDenied):
        services.process_create(actor=outsider, procurement=published, **values())
    assert not Process.objects.exists()


def test_a_closed_procurement_takes_no_new_process(published, officer):
    Procurement.objects.filter(pk=published.pk).update(status=ProcurementStatus.STOPPED)
    published.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.process_create(actor=officer, procurement=published, **values())


@pytest.mark.parametrize(
    ("overrides", "fields"),
    [
        ({"title": "  "}, {"title"}),
        ({"title": "\x00\x07"}, {"title"}),
        ({"question": ""}, {"question"}),
        ({"negotiable": " \n "}, {"negotiable"}),
        ({"slug": ""}, {"slug"}),
        ({"decision_stage": "coronation"}, {"decision_stage"}),
        ({"opens_at": None}, {"opens_at"}),
        ({"closes_at": "tomorrow"}, {"closes_at"}),
        ({"read_requires": "guest"}, {"read_requires"}),
        ({"contribute_requires": "none"}, {"contribute_requires"}),
        ({"vote_requires": "everyone"}, {"vote_requires"}),
        ({"title": "", "question": "", "slug": ""}, {"title", "question", "slug"}),
    ],
)
def test_bad_input_is_keyed_by_field_and_saves_nothing(
    overrides, fields, published, officer, audit_events
):
    with pytest.raises(ValidationError) as caught:
        services.process_create(actor=officer, procurement=published, **values(**overrides))
    assert set(caught.value.message_dict) == fields
    assert not Process.objects.exists()
    assert audit_events("process.created") == []


@pytest.mark.parametrize("hours", [0, -1])
def test_it_must_close_after_it_opens(hours, published, officer):
    now = timezone.now()
    with pytest.raises(ValidationError) as caught:
        services.process_create(
            actor=officer,
            procurement=published,
            **values(opens_at=now, closes_at=now + timedelta(hours=hours)),
        )
    assert caught.value.message_dict == {"closes_at": ["It must close after it opens."]}


def test_slug_is_unique_per_procurement(published, make_procurement, officer):
    services.process_create(actor=officer, procurement=published, **values())
    with pytest.raises(ValidationError) as caught:
        services.process_create(actor=officer, procurement=published, **values(title="Again"))
    assert caught.value.message_dict == {
        "slug": ["Another process of this procurement has this short name."]
    }
    assert Process.objects.count() == 1
    # Another procurement may use the same short name.
    elsewhere = make_procurement(title="Another procurement", published=True)
    services.process_create(actor=officer, procurement=elsewhere, **values())
    assert Process.objects.filter(slug="where-the-line-is").count() == 2


def test_activity_of_the_same_procurement_is_linked(published, make_procurement, officer):
    own = activity_add(
        actor=officer, procurement=published, mechanism_key="survey", stage="problem_definition"
    )
    process = services.process_create(
        actor=officer, procurement=published, activity=own, **values()
    )
    assert process.activity == own
    elsewhere = make_procurement(title="Another procurement")
    foreign = activity_add(
        actor=officer, procurement=elsewhere, mechanism_key="survey", stage="problem_definition"
    )
    with pytest.raises(ValidationError) as caught:
        services.process_create(
            actor=officer, procurement=published, activity=foreign, **values(slug="other")
        )
    assert caught.value.message_dict == {
        "activity": ["This activity belongs to another procurement."]
    }
    assert Process.objects.count() == 1


# --- process_update ------------------------------------------------------------------------


def test_update_changes_fields_and_records_which(draft, officer, audit_events):
    services.process_update(
        actor=officer, process=draft, title="  New title ", vote_requires="confirmed"
    )
    draft.refresh_from_db()
    assert draft.title == "New title"
    assert draft.vote_requires == "confirmed"
    [event] = audit_events("process.updated")
    assert event.data["fields"] == ["title", "vote_requires"]
    assert event.data["requires"]["vote"] == "confirmed"


def test_update_without_a_change_writes_nothing(draft, officer, audit_events):
    services.process_update(actor=officer, process=draft, title=draft.title)
    assert audit_events("process.updated") == []


def test_update_keeps_the_slug_unique_but_allows_its_own(draft, published, officer, make_process):
    make_process(published, slug="taken")
    services.process_update(actor=officer, process=draft, slug="draft", title="Renamed")
    with pytest.raises(ValidationError) as caught:
        services.process_update(actor=officer, process=draft, slug="taken", title="Not saved")
    assert set(caught.value.message_dict) == {"slug"}
    draft.refresh_from_db()
    assert (draft.slug, draft.title) == ("draft", "Renamed")


def test_update_checks_dates_against_the_stored_ones(draft, officer):
    with pytest.raises(ValidationError) as caught:
        services.process_update(
            actor=officer, process=draft, closes_at=draft.opens_at - timedelta(minutes=1)
        )
    assert set(caught.value.message_dict) == {"closes_at"}


def test_update_refuses_unknown_fields(draft, officer):
    with pytest.raises(TypeError, match="is_published"):
        services.process_update(actor=officer, process=draft, is_published=True)
    draft.refresh_from_db()
    assert draft.is_published is False


@pytest.mark.parametrize("role", MAY_NOT_MANAGE)
def test_update_refused_to_other_roles(role, draft, org, make_member, audit_events):
    with pytest.raises(PermissionDenied):
        services.process_update(actor=make_member(org, role), process=draft, title="Nope")
    draft.refresh_from_db()
    assert draft.title != "Nope"
    assert audit_events("process.updated") == []


def test_update_refused_to_another_organisation(draft, other_org, make_member):
    with pytest.raises(PermissionDenied):
        services.process_update(
            actor=make_member(other_org, Role.ORG_ADMIN), process=draft, title="Nope"
        )


@pytest.mark.parametrize("role", MAY_MANAGE)
def test_update_allowed_to_team_and_facilitators(role, draft, org, make_member):
    services.process_update(actor=make_member(org, role), process=draft, title="By the team")
    draft.refresh_from_db()
    assert draft.title == "By the team"


# --- module_add ----------------------------------------------------------------------------


@pytest.mark.parametrize("role", MAY_MANAGE)
def test_modules_are_added_at_the_end(role, draft, org, make_member, audit_events):
    actor = make_member(org, role)
    first = services.module_add(actor=actor, process=draft, kind="comments", title=" Say it ")
    second = services.module_add(
        actor=actor, process=draft, kind="statements", title="Vote", description=" Why. "
    )
    assert (first.position, second.position) == (1, 2)
    assert first.title == "Say it"
    assert second.description == "Why."
    assert [m.kind for m in draft.modules.order_by("position")] == ["comments", "statements"]
    events = audit_events("module.added")
    assert [e.data["kind"] for e in events] == ["comments", "statements"]
    assert [e.data["position"] for e in events] == [1, 2]


@pytest.mark.parametrize("role", MAY_NOT_MANAGE)
def test_module_add_refused_to_other_roles(role, draft, org, make_member):
    with pytest.raises(PermissionDenied):
        services.module_add(
            actor=make_member(org, role), process=draft, kind="comments", title="x"
        )
    assert not Module.objects.exists()


def test_module_add_refused_to_another_organisation(draft, other_org, make_member):
    with pytest.raises(PermissionDenied):
        services.module_add(
            actor=make_member(other_org, Role.PROCUREMENT_OFFICER),
            process=draft,
            kind="comments",
            title="x",
        )


def test_module_with_its_own_dates(draft, officer):
    opens = draft.opens_at + timedelta(days=1)
    module = services.module_add(
        actor=officer,
        process=draft,
        kind="comments",
        title="Second week",
        opens_at=opens,
        closes_at=None,
    )
    window = module.window()
    assert (window.opens, window.closes) == (opens, draft.closes_at)
    with pytest.raises(ValidationError) as caught:
        services.module_add(
            actor=officer,
            process=draft,
            kind="comments",
            title="After the end",
            opens_at=draft.closes_at + timedelta(days=1),
        )
    assert set(caught.value.message_dict) == {"closes_at"}
    assert draft.modules.count() == 1


@pytest.mark.parametrize(
    ("kind", "title", "errors"),
    [
        ("chat", "Chat", {"kind": ["Choose a kind of module."]}),
        ("comments", "  ", {"title": ["This field is required."]}),
    ],
)
def test_module_bad_input(kind, title, errors, draft, officer, audit_events):
    with pytest.raises(ValidationError) as caught:
        services.module_add(actor=officer, process=draft, kind=kind, title=title)
    assert caught.value.message_dict == errors
    assert not Module.objects.exists()
    assert audit_events("module.added") == []


def test_the_stage_declares_which_kinds_it_takes(make_procurement, make_process, officer):
    # Vendor evaluation takes comments (and events), not statements.
    evaluating = make_procurement(stage="vendor_evaluation", title="At evaluation")
    process = make_process(evaluating)
    assert process.stage == "vendor_evaluation"
    with pytest.raises(ValidationError) as caught:
        services.module_add(actor=officer, process=process, kind="statements", title="Vote")
    assert caught.value.message_dict == {
        "kind": ["The stage “Vendor evaluation” does not take this kind of module."]
    }
    services.module_add(actor=officer, process=process, kind="comments", title="Comments")
    assert [m.kind for m in process.modules.all()] == ["comments"]


@pytest.mark.parametrize("budget", [0, 101, "10", 2.5, True, None])
def test_dot_vote_budget_must_be_a_whole_number_in_range(budget, draft, officer):
    config = {} if budget is None else {"budget": budget}
    with pytest.raises(ValidationError) as caught:
        services.module_add(
            actor=officer, process=draft, kind="prioritisation", title="Dots", config=config
        )
    assert caught.value.message_dict["config"] == ["A dot vote needs a budget of 1 to 100 points."]


@pytest.mark.parametrize("budget", [1, 10, 100])
def test_dot_vote_budget_in_range_is_kept_in_the_module(budget, draft, officer):
    module = services.module_add(
        actor=officer,
        process=draft,
        kind="prioritisation",
        title="Dots",
        config={"budget": budget},
    )
    module.refresh_from_db()
    assert module.config["budget"] == budget
    assert module.config.get("method", "dots") == "dots"


@pytest.mark.parametrize("kind", ["survey", "prioritisation", "document_review", "event"])
def test_every_kind_the_stage_takes_can_be_added(kind, draft, officer, audit_events):
    # Problem definition takes every kind.
    config = {"budget": 10} if kind == "prioritisation" else {}
    module = services.module_add(
        actor=officer, process=draft, kind=kind, title=kind.title(), config=config
    )
    assert module.kind == kind
    [event] = audit_events("module.added")
    assert event.data["kind"] == kind


# --- process_publish -----------------------------------------------------------------------


def test_publish_needs_a_module(draft, officer, audit_events):
    with pytest.raises(ValidationError, match="at least one module"):
        services.process_publish(actor=officer, process=draft)
    draft.refresh_from_db()
    assert draft.is_published is False
    assert audit_events("process.published") == []


def test_publish_needs_a_published_procurement(procurement, make_process, officer):
    process = make_process(procurement, modules=("comments",))
    with pytest.raises(ValidationError, match="Publish the procurement first"):
        services.process_publish(actor=officer, process=process)
    process.refresh_from_db()
    assert process.is_published is False


def test_publish_once(draft, officer, audit_events):
    services.module_add(actor=officer, process=draft, kind="comments", title="Comments")
    services.process_publish(actor=officer, process=draft)
    services.process_publish(actor=officer, process=draft)
    draft.refresh_from_db()
    assert draft.is_published is True
    [event] = audit_events("process.published")
    assert event.actor_id == officer.pk
    assert event.data["process"] == "draft"


@pytest.mark.parametrize("role", MAY_MANAGE)
def test_publish_allowed_to_team_and_facilitators(role, draft, org, make_member, officer):
    services.module_add(actor=officer, process=draft, kind="comments", title="Comments")
    services.process_publish(actor=make_member(org, role), process=draft)
    draft.refresh_from_db()
    assert draft.is_published is True


@pytest.mark.parametrize("role", MAY_NOT_MANAGE)
def test_publish_refused_to_other_roles(role, draft, org, make_member, officer):
    services.module_add(actor=officer, process=draft, kind="comments", title="Comments")
    with pytest.raises(PermissionDenied):
        services.process_publish(actor=make_member(org, role), process=draft)
    draft.refresh_from_db()
    assert draft.is_published is False


def test_publish_refused_to_another_organisation(draft, other_org, make_member, officer):
    services.module_add(actor=officer, process=draft, kind="comments", title="Comments")
    with pytest.raises(PermissionDenied):
        services.process_publish(actor=make_member(other_org, Role.ORG_ADMIN), process=draft)
    draft.refresh_from_db()
    assert draft.is_published is False
