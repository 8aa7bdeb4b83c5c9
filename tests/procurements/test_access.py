"""Access rules: who may see and do what with a procurement.

The first half checks :func:`access.decide` against a table written out here
by hand from the design (every role x action x stage, active and closed). It
deliberately does not read ``access.ROLE_RULES`` or the lifecycle's
declarations: if the code drifts from the design, these tests say so.

The second half goes through the database: ``can``, ``require`` and the
``access_*`` functions, with at least two refusals for every permission.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404

from participai.accounts import services as account_services
from participai.accounts.roles import Role
from participai.procurements import access, lifecycle, services
from participai.procurements.access import Action
from participai.procurements.models import Procurement

# --------------------------------------------------------------------------
# The table, written out from the design
# --------------------------------------------------------------------------

ADMIN = "org_admin"
OFFICER = "procurement_officer"
LEAD = "project_lead"
DATA = "data_expert"
LEGAL = "legal_officer"
MODERATOR = "moderator"
FACILITATOR = "facilitator"
EVALUATOR = "evaluator"
AUDITOR = "auditor"
ROLES = (ADMIN, OFFICER, LEAD, DATA, LEGAL, MODERATOR, FACILITATOR, EVALUATOR, AUDITOR)

STAGES = (
    "problem_definition",
    "impact_assessment",
    "engagement_planning",
    "market_engagement",
    "solicitation_preparation",
    "vendor_evaluation",
    "solution_evaluation",
    "contract_negotiation",
    "contract_monitoring",
    "review",
)
PURPOSE_STAGES = STAGES[:4]

ACTIVE = "active"
CLOSED_STATUSES = ("stopped", "no_ai", "completed")
# Actions that change the file; refused once the procurement is closed.
WRITES = frozenset(
    {
        Action.EDIT,
        Action.DECIDE_GATE,
        Action.ADD_DOCUMENT,
        Action.ASSESS,
        Action.PLAN_ENGAGEMENT,
        Action.EXEMPT_OBLIGATION,
        Action.MANAGE_PARTICIPATION,
        Action.ASSIST_PARTICIPATION,
        Action.PREPARE_TENDER,
        Action.PUBLISH_TENDER,
        Action.ANSWER_CLARIFICATION,
        Action.RECORD_BID,
        Action.MANAGE_PANEL,
        Action.MODERATE_SCORES,
        Action.AWARD,
        Action.TEST_SOLUTION,
        Action.EDIT_CONTRACT,
        Action.RECORD_MEASUREMENT,
        Action.GRANT_SUPPLIER_ACCESS,
        Action.DECIDE_PAYMENT,
        Action.RECORD_AUDIT,
        Action.TRIAGE_INCIDENT,
        Action.RECORD_REVIEW,
    }
)


def _at_every_stage(*roles: str) -> dict[str, frozenset[str]]:
    return {stage: frozenset(roles) for stage in STAGES}


def _only_at(stages: tuple[str, ...], *roles: str) -> dict[str, frozenset[str]]:
    return {stage: frozenset(roles) if stage in stages else frozenset() for stage in STAGES}


TEAM = (ADMIN, OFFICER, LEAD, DATA, LEGAL)
IMPACT_STAGES = ("contract_monitoring", "review")


EXPECTED: dict[Action, dict[str, frozenset[str]]] = {
    Action.VIEW: _at_every_stage(*ROLES),
    Action.CREATE: _at_every_stage(ADMIN, OFFICER, LEAD),
    Action.EDIT: {
        "problem_definition": frozenset({ADMIN, OFFICER, LEAD}),
        "impact_assessment": frozenset({ADMIN, OFFICER, LEAD}),
        "engagement_planning": frozenset({ADMIN, OFFICER, LEAD}),
        "market_engagement": frozenset({ADMIN, OFFICER, LEAD}),
        "solicitation_preparation": frozenset(),
        "vendor_evaluation": frozenset(),
        "solution_evaluation": frozenset(),
        "contract_negotiation": frozenset(),
        "contract_monitoring": frozenset(),
        "review": frozenset(),
    },
    Action.PUBLISH: _at_every_stage(ADMIN, OFFICER),
    Action.DECIDE_GATE: {
        "problem_definition": frozenset({ADMIN, OFFICER, LEAD}),
        "impact_assessment": frozenset({ADMIN, OFFICER, LEAD}),
        "engagement_planning": frozenset({ADMIN, OFFICER, LEAD}),
        "market_engagement": frozenset({ADMIN, OFFICER}),
        "solicitation_preparation": frozenset({ADMIN, OFFICER, LEGAL}),
        "vendor_evaluation": frozenset({ADMIN, OFFICER}),
        "solution_evaluation": frozenset({ADMIN, OFFICER}),
        "contract_negotiation": frozenset({ADMIN, OFFICER, LEGAL}),
        "contract_monitoring": frozenset({ADMIN, OFFICER}),
        "review": frozenset({ADMIN, OFFICER}),
    },
    Action.ADD_DOCUMENT: _at_every_stage(ADMIN, OFFICER, LEAD, DATA, LEGAL),
    Action.VIEW_AUDIT: _at_every_stage(ADMIN, AUDITOR),
    Action.ASSESS: _at_every_stage(ADMIN, OFFICER, LEAD, DATA, LEGAL),
    Action.PLAN_ENGAGEMENT: _at_every_stage(ADMIN, OFFICER, LEAD, DATA, LEGAL, FACILITATOR),
    Action.EXEMPT_OBLIGATION: _at_every_stage(ADMIN, LEGAL),
    Action.MANAGE_QUESTIONNAIRES: _at_every_stage(ADMIN),
    Action.MANAGE_PARTICIPATION: _at_every_stage(ADMIN, OFFICER, LEAD, DATA, LEGAL, FACILITATOR),
    Action.ASSIST_PARTICIPATION: _at_every_stage(ADMIN, OFFICER, LEAD, DATA, LEGAL, FACILITATOR),
    Action.MODERATE: _at_every_stage(ADMIN, MODERATOR),
    Action.PREPARE_TENDER: _only_at(("solicitation_preparation",), *TEAM),
    Action.PUBLISH_TENDER: _only_at(("solicitation_preparation",), ADMIN, OFFICER, LEGAL),
    Action.ANSWER_CLARIFICATION: _only_at(
        ("market_engagement", "solicitation_preparation", "vendor_evaluation"), *TEAM
    ),
    Action.RECORD_BID: _only_at(("vendor_evaluation",), ADMIN, OFFICER),
    # Following the evaluation is reading: the team and the auditors, always.
    Action.VIEW_EVALUATION: _at_every_stage(*TEAM, AUDITOR),
    Action.MANAGE_PANEL: _only_at(
        ("solicitation_preparation", "vendor_evaluation"), ADMIN, OFFICER
    ),
    Action.MODERATE_SCORES: _only_at(("vendor_evaluation",), ADMIN, OFFICER),
    Action.AWARD: _only_at(("vendor_evaluation",), ADMIN, OFFICER),
    Action.TEST_SOLUTION: _only_at(("solution_evaluation",), *TEAM),
    Action.EDIT_CONTRACT: _only_at(("contract_negotiation",), ADMIN, OFFICER, LEGAL),
    Action.RECORD_MEASUREMENT: _only_at(IMPACT_STAGES, *TEAM),
    Action.GRANT_SUPPLIER_ACCESS: _only_at(IMPACT_STAGES, ADMIN, OFFICER),
    Action.DECIDE_PAYMENT: _only_at(IMPACT_STAGES, ADMIN, OFFICER),
    Action.RECORD_AUDIT: _only_at(IMPACT_STAGES, *TEAM, AUDITOR),
    Action.TRIAGE_INCIDENT: _only_at(IMPACT_STAGES, *TEAM),
    Action.RECORD_REVIEW: _only_at(("review",), ADMIN, OFFICER, LEAD),
    # Lessons are written at any stage, and after a stop too (not a write
    # refused on a closed procurement).
    Action.WRITE_LESSONS: _at_every_stage(*TEAM),
}


def _expected(action: Action, role: str, stage: str, status: str) -> bool:
    allowed = role in EXPECTED[action][stage]
    if status != ACTIVE and action in WRITES:
        return False
    return allowed


def test_the_table_names_every_role_action_and_stage():
    assert set(Role.values) == set(ROLES)
    assert lifecycle.STAGE_KEYS == STAGES
    assert set(Action) == set(EXPECTED)
    assert [s.key for s in lifecycle.stages_in_phase(lifecycle.Phase.PURPOSE)] == list(
        PURPOSE_STAGES
    )


@pytest.mark.parametrize(
    ("action", "role", "stage"),
    [(action, role, stage) for action in EXPECTED for role in ROLES for stage in STAGES],
    ids=lambda value: value.name if isinstance(value, Action) else value,
)
def test_decide_matches_the_table_on_an_active_procurement(action, role, stage):
    granted = access.decide(frozenset({role}), action, stage_key=stage, status=ACTIVE)
    assert granted is (role in EXPECTED[action][stage])


@pytest.mark.parametrize("status", CLOSED_STATUSES)
@pytest.mark.parametrize("action", list(EXPECTED), ids=lambda action: action.name)
def test_decide_matches_the_table_on_a_closed_procurement(action, status):
    wrong = [
        (role, stage, granted)
        for role in ROLES
        for stage in STAGES
        if (granted := access.decide(frozenset({role}), action, stage_key=stage, status=status))
        is not _expected(action, role, stage, status)
    ]
    assert wrong == []


@pytest.mark.parametrize("status", CLOSED_STATUSES)
def test_writes_are_refused_on_a_closed_procurement_but_publish_and_view_are_not(status):
    everyone = frozenset(ROLES)
    assert not access.decide(everyone, Action.EDIT, stage_key=STAGES[0], status=status)
    assert not access.decide(everyone, Action.DECIDE_GATE, stage_key=STAGES[0], status=status)
    assert not access.decide(everyone, Action.ADD_DOCUMENT, stage_key=STAGES[0], status=status)
    assert access.decide(frozenset({OFFICER}), Action.PUBLISH, stage_key="review", status=status)
    assert access.decide(frozenset({MODERATOR}), Action.VIEW, stage_key="review", status=status)


@pytest.mark.parametrize("action", list(EXPECTED), ids=lambda action: action.name)
def test_no_roles_means_nothing_is_allowed(action):
    assert not any(
        access.decide(frozenset(), action, stage_key=stage, status=status)
        for stage in STAGES
        for status in (ACTIVE, *CLOSED_STATUSES)
    )


def test_several_roles_grant_the_union_of_their_rights():
    roles = frozenset({MODERATOR, LEGAL})
    assert access.decide(roles, Action.ADD_DOCUMENT, stage_key="review")
    assert access.decide(roles, Action.DECIDE_GATE, stage_key="contract_negotiation")
    assert not access.decide(roles, Action.DECIDE_GATE, stage_key="review")
    assert not access.decide(roles, Action.EDIT, stage_key="problem_definition")
    assert access.decide(frozenset({LEAD, AUDITOR}), Action.VIEW_AUDIT)


def test_organisation_level_actions_need_no_stage():
    assert access.decide(frozenset({LEAD}), Action.CREATE)
    assert not access.decide(frozenset({DATA}), Action.CREATE)
    assert access.decide(frozenset({AUDITOR}), Action.VIEW_AUDIT)
    assert not access.decide(frozenset({OFFICER}), Action.VIEW_AUDIT)
    assert access.decide(frozenset({ADMIN}), Action.MANAGE_QUESTIONNAIRES)
    assert not access.decide(frozenset(ROLES) - {ADMIN}, Action.MANAGE_QUESTIONNAIRES)


def test_stage_features_are_refused_without_a_stage():
    assert not access.decide(frozenset(ROLES), Action.EDIT)
    assert not access.decide(frozenset(ROLES), Action.ADD_DOCUMENT)
    with pytest.raises(ValueError, match="depends on the stage"):
        access.decide(frozenset({OFFICER}), Action.DECIDE_GATE)


# --------------------------------------------------------------------------
# Through the database
# --------------------------------------------------------------------------


@pytest.fixture
def member(org, make_member):
    """``member(Role.X, ...)``: a new member of ``org`` holding those roles."""

    def make(*roles: str):
        return make_member(org, *roles)

    return make


# can / require ------------------------------------------------------------


def test_can_view_for_any_member_refused_for_outsiders(
    procurement, published, member, resident, other_officer, anonymous
):
    for role in ROLES:
        assert access.can(member(role), Action.VIEW, procurement), role
    # Refusals: not a member, another organisation's staff, anonymous; even
    # when the procurement is published (the public page is another door).
    for outsider in (resident, other_officer, anonymous):
        assert not access.can(outsider, Action.VIEW, procurement)
        assert not access.can(outsider, Action.VIEW, published)


def test_can_edit(make_procurement, member, other_officer, close):
    lead = member(Role.PROJECT_LEAD)
    at_impact = make_procurement(stage="impact_assessment")
    assert access.can(lead, Action.EDIT, at_impact)
    # Refused: a role without the right, another organisation, a stage that
    # does not enable editing, a closed procurement.
    assert not access.can(member(Role.LEGAL_OFFICER), Action.EDIT, at_impact)
    assert not access.can(other_officer, Action.EDIT, at_impact)
    assert not access.can(lead, Action.EDIT, make_procurement(stage="solicitation_preparation"))
    assert not access.can(lead, Action.EDIT, close(make_procurement(), "stopped"))


def test_can_publish(procurement, member, other_officer, anonymous, close):
    admin = member(Role.ORG_ADMIN)
    assert access.can(admin, Action.PUBLISH, procurement)
    assert not access.can(member(Role.PROJECT_LEAD), Action.PUBLISH, procurement)
    assert not access.can(other_officer, Action.PUBLISH, procurement)
    assert not access.can(anonymous, Action.PUBLISH, procurement)
    # Publishing is not a change to the file: still allowed once closed.
    assert access.can(admin, Action.PUBLISH, close(procurement, "completed"))


def test_can_decide_gate(make_procurement, member, other_officer, close):
    legal = member(Role.LEGAL_OFFICER)
    lead = member(Role.PROJECT_LEAD)
    assert access.can(legal, Action.DECIDE_GATE, make_procurement(stage="contract_negotiation"))
    assert access.can(lead, Action.DECIDE_GATE, make_procurement(stage="engagement_planning"))
    # Refused: the stage names other deciders, another organisation, closed.
    assert not access.can(legal, Action.DECIDE_GATE, make_procurement(stage="vendor_evaluation"))
    assert not access.can(lead, Action.DECIDE_GATE, make_procurement(stage="market_engagement"))
    assert not access.can(other_officer, Action.DECIDE_GATE, make_procurement())
    assert not access.can(
        member(Role.ORG_ADMIN), Action.DECIDE_GATE, close(make_procurement(), "no_ai")
    )


def test_can_add_document(make_procurement, member, other_officer, close):
    data = member(Role.DATA_EXPERT)
    at_review = make_procurement(stage="review")
    assert access.can(data, Action.ADD_DOCUMENT, at_review)
    assert not access.can(member(Role.EVALUATOR), Action.ADD_DOCUMENT, at_review)
    assert not access.can(other_officer, Action.ADD_DOCUMENT, at_review)
    assert not access.can(data, Action.ADD_DOCUMENT, close(at_review, "completed"))


def test_can_in_organisation_create_and_view_audit(
    org, other_org, member, make_member, other_officer, anonymous
):
    assert access.can_in_organisation(member(Role.PROJECT_LEAD), Action.CREATE, org)
    assert not access.can_in_organisation(member(Role.DATA_EXPERT), Action.CREATE, org)
    assert not access.can_in_organisation(other_officer, Action.CREATE, org)
    assert not access.can_in_organisation(anonymous, Action.CREATE, org)

    assert access.can_in_organisation(member(Role.AUDITOR), Action.VIEW_AUDIT, org)
    assert not access.can_in_organisation(member(Role.PROCUREMENT_OFFICER), Action.VIEW_AUDIT, org)
    auditor_elsewhere = make_member(other_org, Role.AUDITOR)
    assert not access.can_in_organisation(auditor_elsewhere, Action.VIEW_AUDIT, org)


def test_roles_in_another_organisation_do_not_carry_over(
    org, other_org, make_member, make_procurement
):
    # An admin elsewhere who is only a moderator here is only a moderator here.
    user = make_member(other_org, Role.ORG_ADMIN)
    procurement = make_procurement()
    assert not access.can(user, Action.VIEW, procurement)
    account_services.membership_grant(actor=None, organisation=org, user=user, role=Role.MODERATOR)
    assert access.can(user, Action.VIEW, procurement)
    assert not access.can(user, Action.EDIT, procurement)
    assert not access.can(user, Action.PUBLISH, procurement)


def test_superusers_get_no_rights_in_organisations_for_free(make_user, procurement, org):
    root = make_user("root", is_superuser=True)
    assert not access.can(root, Action.VIEW, procurement)
    assert not access.can_in_organisation(root, Action.CREATE, org)
    with pytest.raises(Http404):
        access.access_procurement(root, procurement.slug)


def test_require_passes_silently_or_raises_permission_denied(
    make_procurement, member, other_officer
):
    lead = member(Role.PROJECT_LEAD)
    procurement = make_procurement()
    assert access.require(lead, Action.EDIT, procurement) is None
    with pytest.raises(PermissionDenied):
        access.require(lead, Action.PUBLISH, procurement)
    with pytest.raises(PermissionDenied):
        access.require(other_officer, Action.EDIT, procurement)
    with pytest.raises(PermissionDenied):
        access.require(lead, Action.EDIT, make_procurement(stage="vendor_evaluation"))


def test_require_in_organisation(org, member, other_officer):
    assert access.require_in_organisation(member(Role.ORG_ADMIN), Action.VIEW_AUDIT, org) is None
    with pytest.raises(PermissionDenied):
        access.require_in_organisation(member(Role.MODERATOR), Action.VIEW_AUDIT, org)
    with pytest.raises(PermissionDenied):
        access.require_in_organisation(other_officer, Action.CREATE, org)


# access_procurement -------------------------------------------------------


def test_access_procurement_returns_it_to_members(
    procurement, member, org, django_assert_num_queries
):
    found = access.access_procurement(member(Role.FACILITATOR), procurement.slug)
    assert found == procurement
    # The organisation comes with it: views show its name without a query.
    with django_assert_num_queries(0):
        assert found.organisation.name == org.name


def test_access_procurement_for_update_inside_a_transaction(procurement, officer):
    with transaction.atomic():
        found = access.access_procurement(
            officer, procurement.slug, action=Action.EDIT, for_update=True
        )
    assert found.pk == procurement.pk


@pytest.mark.parametrize("is_published", [False, True], ids=["draft", "published"])
def test_access_procurement_is_404_for_anyone_outside_the_organisation(
    make_procurement, is_published, resident, other_officer, anonymous
):
    procurement = make_procurement(published=is_published)
    for outsider in (resident, other_officer, anonymous):
        with pytest.raises(Http404):
            access.access_procurement(outsider, procurement.slug)


def test_access_procurement_is_404_for_an_unknown_slug(officer):
    with pytest.raises(Http404):
        access.access_procurement(officer, "no-such-procurement")


def test_access_procurement_is_403_when_the_role_or_stage_forbids_the_action(
    make_procurement, member
):
    procurement = make_procurement()
    with pytest.raises(PermissionDenied):
        access.access_procurement(member(Role.MODERATOR), procurement.slug, action=Action.EDIT)
    with pytest.raises(PermissionDenied):
        access.access_procurement(
            member(Role.PROJECT_LEAD), procurement.slug, action=Action.PUBLISH
        )
    later = make_procurement(stage="contract_monitoring")
    with pytest.raises(PermissionDenied):
        access.access_procurement(member(Role.ORG_ADMIN), later.slug, action=Action.EDIT)
    # ...while the action the role and stage do allow goes through.
    found = access.access_procurement(
        member(Role.DATA_EXPERT), later.slug, action=Action.ADD_DOCUMENT
    )
    assert found == later


def test_access_procurement_is_404_not_403_for_outsiders_asking_to_write(
    procurement, other_officer
):
    # An outsider must not learn that the slug exists by getting a 403.
    with pytest.raises(Http404):
        access.access_procurement(other_officer, procurement.slug, action=Action.EDIT)


# access_public_procurement ------------------------------------------------


def test_a_published_procurement_is_public(published, anonymous, resident, other_officer, officer):
    for user in (anonymous, resident, other_officer):
        assert access.access_public_procurement(user, published.slug) == (published, False)
    # Its own staff see the public page, not a preview.
    assert access.access_public_procurement(officer, published.slug) == (published, False)


def test_a_closed_published_procurement_stays_public(published, anonymous, close):
    close(published, "stopped")
    found, preview = access.access_public_procurement(anonymous, published.slug)
    assert found == published and preview is False


def test_a_draft_is_404_for_the_public(procurement, anonymous, resident, other_officer):
    assert not procurement.is_published
    for user in (anonymous, resident, other_officer):
        with pytest.raises(Http404):
            access.access_public_procurement(user, procurement.slug)


def test_a_draft_is_a_preview_for_members(procurement, member):
    for role in (Role.MODERATOR, Role.AUDITOR, Role.PROCUREMENT_OFFICER):
        found, preview = access.access_public_procurement(member(role), procurement.slug)
        assert found == procurement
        assert preview is True


def test_an_unknown_slug_is_404_on_the_public_side(anonymous, officer):
    for user in (anonymous, officer):
        with pytest.raises(Http404):
            access.access_public_procurement(user, "never-existed")


# access_document ----------------------------------------------------------


@pytest.fixture
def documents(make_procurement, add_text_document):
    published = make_procurement(published=True, title="Published with documents")
    draft = make_procurement(title="Draft with documents")
    return {
        "public": add_text_document(published, title="Public notes"),
        "internal": add_text_document(published, title="Internal notes", is_public=False),
        "draft_public": add_text_document(draft, title="Draft notes"),
        "published": published,
        "draft": draft,
    }


def test_members_read_every_document(documents, member):
    moderator = member(Role.MODERATOR)
    for key, procurement in (
        ("public", "published"),
        ("internal", "published"),
        ("draft_public", "draft"),
    ):
        document = documents[key]
        found = access.access_document(moderator, documents[procurement], document.id)
        assert found == document


def test_the_public_reads_public_documents_of_a_published_procurement(
    documents, anonymous, resident, other_officer
):
    document = documents["public"]
    for user in (anonymous, resident, other_officer):
        assert access.access_document(user, documents["published"], document.id) == document


def test_internal_documents_are_hidden_from_the_public_even_when_published(
    documents, anonymous, resident, other_officer
):
    for user in (anonymous, resident, other_officer):
        with pytest.raises(Http404):
            access.access_document(user, documents["published"], documents["internal"].id)


def test_a_drafts_documents_are_hidden_from_the_public(
    documents, anonymous, resident, other_officer
):
    assert documents["draft_public"].is_public
    for user in (anonymous, resident, other_officer):
        with pytest.raises(Http404):
            access.access_document(user, documents["draft"], documents["draft_public"].id)


def test_a_document_is_reached_only_through_its_own_procurement(documents, officer, anonymous):
    # The draft's document asked for through the published procurement: 404,
    # even for a member and even though the document is public.
    for user in (officer, anonymous):
        with pytest.raises(Http404):
            access.access_document(user, documents["published"], documents["draft_public"].id)
    with pytest.raises(Http404):
        access.access_document(officer, documents["published"], 999_999)


# access_organisation ------------------------------------------------------


def test_access_organisation_for_members(org, member):
    assert access.access_organisation(member(Role.EVALUATOR), org.slug) == org
    assert (
        access.access_organisation(member(Role.AUDITOR), org.slug, action=Action.VIEW_AUDIT) == org
    )
    assert (
        access.access_organisation(member(Role.PROJECT_LEAD), org.slug, action=Action.CREATE)
        == org
    )


def test_access_organisation_is_404_for_non_members(org, resident, other_officer, anonymous):
    for user in (resident, other_officer, anonymous):
        with pytest.raises(Http404):
            access.access_organisation(user, org.slug)
        with pytest.raises(Http404):
            access.access_organisation(user, org.slug, action=Action.VIEW_AUDIT)
    with pytest.raises(Http404):
        access.access_organisation(other_officer, "no-such-organisation")


def test_access_organisation_is_403_when_the_role_forbids_the_action(org, member):
    with pytest.raises(PermissionDenied):
        access.access_organisation(
            member(Role.PROCUREMENT_OFFICER), org.slug, action=Action.VIEW_AUDIT
        )
    with pytest.raises(PermissionDenied):
        access.access_organisation(member(Role.LEGAL_OFFICER), org.slug, action=Action.CREATE)


# visible_procurements -----------------------------------------------------


@pytest.fixture
def four_procurements(make_procurement, other_org, other_officer):
    return {
        "own_draft": make_procurement(title="Own draft"),
        "own_published": make_procurement(title="Own published", published=True),
        "other_draft": make_procurement(other_org, actor=other_officer, title="Other draft"),
        "other_published": make_procurement(
            other_org, actor=other_officer, title="Other published", published=True
        ),
    }


def _titles(queryset) -> set[str]:
    return set(queryset.values_list("title", flat=True))


def test_visible_procurements_for_the_public(four_procurements, anonymous, resident):
    for user in (anonymous, resident):
        assert _titles(access.visible_procurements(user)) == {"Own published", "Other published"}


def test_visible_procurements_for_staff_add_their_own_drafts(
    four_procurements, officer, other_officer
):
    assert _titles(access.visible_procurements(officer)) == {
        "Own draft",
        "Own published",
        "Other published",
    }
    assert _titles(access.visible_procurements(other_officer)) == {
        "Other draft",
        "Own published",
        "Other published",
    }


def test_visible_procurements_is_a_queryset_that_can_be_filtered(four_procurements, officer):
    queryset = access.visible_procurements(officer)
    assert queryset.model is Procurement
    assert _titles(queryset.filter(is_published=False)) == {"Own draft"}


def test_is_member(org, other_org, officer, resident, anonymous):
    assert access.is_member(officer, org.id)
    assert not access.is_member(officer, other_org.id)
    assert not access.is_member(resident, org.id)
    assert not access.is_member(anonymous, org.id)


def test_a_service_refuses_what_access_refuses(make_procurement, member):
    # Services call require again: a view that forgot to check is still safe.
    procurement = make_procurement()
    with pytest.raises(PermissionDenied):
        services.procurement_publish(actor=member(Role.PROJECT_LEAD), procurement=procurement)
    procurement.refresh_from_db()
    assert not procurement.is_published
