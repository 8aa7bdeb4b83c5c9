"""Who may see and do what with a procurement.

The rules are data: :data:`ROLE_RULES` names the roles granted each action,
and an action that needs a stage feature is allowed only while the
procurement's current stage enables it (``lifecycle.Stage.enables``). Views
and the API reach procurements and documents only through the ``access_*``
functions here; services call :func:`require` again before writing.
"""

from __future__ import annotations

from enum import StrEnum

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from participai.accounts.models import Organisation, User
from participai.accounts.roles import PROCUREMENT_TEAM, Role
from participai.accounts.selectors import roles_by_organisation

from . import lifecycle
from .lifecycle import Feature
from .models import Document, Procurement, ProcurementStatus


class Action(StrEnum):
    VIEW = "procurement.view"
    CREATE = "procurement.create"
    EDIT = "procurement.edit"
    PUBLISH = "procurement.publish"
    DECIDE_GATE = "gate.decide"
    ADD_DOCUMENT = "document.add"
    VIEW_AUDIT = "audit.view"
    ASSESS = "assessment.edit"
    PLAN_ENGAGEMENT = "engagement.plan"
    EXEMPT_OBLIGATION = "obligation.exempt"
    MANAGE_QUESTIONNAIRES = "questionnaire.manage"
    MANAGE_PARTICIPATION = "participation.manage"
    ASSIST_PARTICIPATION = "participation.assist"
    MODERATE = "participation.moderate"
    PREPARE_TENDER = "tender.prepare"
    PUBLISH_TENDER = "tender.publish"
    ANSWER_CLARIFICATION = "tender.clarify"
    RECORD_BID = "bid.record"
    VIEW_EVALUATION = "evaluation.view"
    MANAGE_PANEL = "panel.manage"
    MODERATE_SCORES = "scores.moderate"
    AWARD = "tender.award"
    TEST_SOLUTION = "solution.test"
    EDIT_CONTRACT = "contract.edit"
    RECORD_MEASUREMENT = "kpi.measure"
    GRANT_SUPPLIER_ACCESS = "supplier.grant"
    DECIDE_PAYMENT = "payment.decide"
    RECORD_AUDIT = "audit.record"
    TRIAGE_INCIDENT = "incident.triage"
    RECORD_REVIEW = "review.record"
    WRITE_LESSONS = "lessons.write"

    @property
    def label(self) -> str:
        return str(ACTION_LABELS[self])


ACTION_LABELS = {
    Action.VIEW: gettext_lazy("see this procurement"),
    Action.CREATE: gettext_lazy("open a procurement"),
    Action.EDIT: gettext_lazy("edit the mission and problem"),
    Action.PUBLISH: gettext_lazy("publish the procurement"),
    Action.DECIDE_GATE: gettext_lazy("take the gate decision"),
    Action.ADD_DOCUMENT: gettext_lazy("add documents"),
    Action.VIEW_AUDIT: gettext_lazy("read the audit trail"),
    Action.ASSESS: gettext_lazy("fill in or complete an assessment"),
    Action.PLAN_ENGAGEMENT: gettext_lazy("edit the actor map and the engagement plan"),
    Action.EXEMPT_OBLIGATION: gettext_lazy("exempt the procurement from an obligation"),
    Action.MANAGE_QUESTIONNAIRES: gettext_lazy("upload or retire impact questionnaires"),
    Action.MANAGE_PARTICIPATION: gettext_lazy("set up participation processes"),
    Action.ASSIST_PARTICIPATION: gettext_lazy("enter contributions on someone's behalf"),
    Action.MODERATE: gettext_lazy("moderate contributions"),
    Action.PREPARE_TENDER: gettext_lazy("write the tender"),
    Action.PUBLISH_TENDER: gettext_lazy("publish the tender"),
    Action.ANSWER_CLARIFICATION: gettext_lazy("answer suppliers' questions"),
    Action.RECORD_BID: gettext_lazy("record bids"),
    Action.VIEW_EVALUATION: gettext_lazy("follow the evaluation"),
    Action.MANAGE_PANEL: gettext_lazy("seat the evaluation panel"),
    Action.MODERATE_SCORES: gettext_lazy("moderate the panel's scores"),
    Action.AWARD: gettext_lazy("award the contract"),
    Action.TEST_SOLUTION: gettext_lazy("record tests of the chosen solution"),
    Action.EDIT_CONTRACT: gettext_lazy("record the contract"),
    Action.RECORD_MEASUREMENT: gettext_lazy("record KPI measurements"),
    Action.GRANT_SUPPLIER_ACCESS: gettext_lazy("give the supplier access to the contract"),
    Action.DECIDE_PAYMENT: gettext_lazy("release or withhold a payment"),
    Action.RECORD_AUDIT: gettext_lazy("record audits and their findings"),
    Action.TRIAGE_INCIDENT: gettext_lazy("triage incident reports"),
    Action.RECORD_REVIEW: gettext_lazy("record the review and its decision"),
    Action.WRITE_LESSONS: gettext_lazy("write the lessons learned"),
}


ALL_ROLES = frozenset(Role)
_LEADS = frozenset({Role.ORG_ADMIN, Role.PROCUREMENT_OFFICER, Role.PROJECT_LEAD})
_OFFICERS = frozenset({Role.ORG_ADMIN, Role.PROCUREMENT_OFFICER})

# Roles granted each action. ``None`` means "the roles the stage names"
# (gate decisions: ``Stage.gate_deciders``).
ROLE_RULES: dict[Action, frozenset[Role] | None] = {
    Action.VIEW: ALL_ROLES,
    Action.CREATE: _LEADS,
    Action.EDIT: _LEADS,
    Action.PUBLISH: frozenset({Role.ORG_ADMIN, Role.PROCUREMENT_OFFICER}),
    Action.DECIDE_GATE: None,
    Action.ADD_DOCUMENT: PROCUREMENT_TEAM,
    Action.VIEW_AUDIT: frozenset({Role.ORG_ADMIN, Role.AUDITOR}),
    # The team assesses at any stage: a reassessment later keeps the earlier ones.
    Action.ASSESS: PROCUREMENT_TEAM,
    # Facilitators run the activities, so they keep the plan and the map too.
    Action.PLAN_ENGAGEMENT: PROCUREMENT_TEAM | {Role.FACILITATOR},
    # Waiving what the stakes demand is kept apart from those who want the gate
    # to pass: the organisation's admin or its legal officer, on the record.
    Action.EXEMPT_OBLIGATION: frozenset({Role.ORG_ADMIN, Role.LEGAL_OFFICER}),
    # A questionnaire sets the impact level of every procurement assessed with
    # it, so choosing which ones the body offers is the organisation's call.
    Action.MANAGE_QUESTIONNAIRES: frozenset({Role.ORG_ADMIN}),
    Action.MANAGE_PARTICIPATION: PROCUREMENT_TEAM | {Role.FACILITATOR},
    # Library or civic-centre staff transcribe what people said on paper or by phone.
    Action.ASSIST_PARTICIPATION: PROCUREMENT_TEAM | {Role.FACILITATOR},
    # Moderation is kept apart from the team whose plans the comments judge.
    Action.MODERATE: frozenset({Role.ORG_ADMIN, Role.MODERATOR}),
    Action.PREPARE_TENDER: PROCUREMENT_TEAM,
    # What bidders answer to is fixed by those answerable for the procedure.
    Action.PUBLISH_TENDER: _OFFICERS | {Role.LEGAL_OFFICER},
    Action.ANSWER_CLARIFICATION: PROCUREMENT_TEAM,
    Action.RECORD_BID: _OFFICERS,
    # Seeing the evaluation (bids once opened, agreed scores, totals) is for
    # the team and the auditors; each evaluator's own seat is granted by the
    # panel, not by a role (``tendering.access``).
    Action.VIEW_EVALUATION: PROCUREMENT_TEAM | {Role.AUDITOR},
    Action.MANAGE_PANEL: _OFFICERS,
    Action.MODERATE_SCORES: _OFFICERS,
    Action.AWARD: _OFFICERS,
    Action.TEST_SOLUTION: PROCUREMENT_TEAM,
    Action.EDIT_CONTRACT: _OFFICERS | {Role.LEGAL_OFFICER},
    Action.RECORD_MEASUREMENT: PROCUREMENT_TEAM,
    Action.GRANT_SUPPLIER_ACCESS: _OFFICERS,
    # Money moves on the record of those answerable for the contract.
    Action.DECIDE_PAYMENT: _OFFICERS,
    # Auditors record the audits they carry out; the team records the others.
    Action.RECORD_AUDIT: PROCUREMENT_TEAM | {Role.AUDITOR},
    Action.TRIAGE_INCIDENT: PROCUREMENT_TEAM,
    Action.RECORD_REVIEW: _LEADS,
    Action.WRITE_LESSONS: PROCUREMENT_TEAM,
}

# The stage feature an action needs, if any.
STAGE_FEATURES: dict[Action, Feature] = {
    Action.EDIT: Feature.EDIT_DEFINITION,
    Action.DECIDE_GATE: Feature.GATE,
    Action.ADD_DOCUMENT: Feature.DOCUMENTS,
    Action.EXEMPT_OBLIGATION: Feature.GATE,
    Action.PREPARE_TENDER: Feature.TENDER,
    Action.PUBLISH_TENDER: Feature.TENDER,
    Action.ANSWER_CLARIFICATION: Feature.CLARIFICATIONS,
    Action.RECORD_BID: Feature.BIDS,
    Action.MANAGE_PANEL: Feature.PANEL,
    Action.MODERATE_SCORES: Feature.EVALUATION,
    Action.AWARD: Feature.EVALUATION,
    Action.TEST_SOLUTION: Feature.SOLUTION_TESTS,
    Action.EDIT_CONTRACT: Feature.CONTRACT,
    Action.RECORD_MEASUREMENT: Feature.MONITORING,
    Action.GRANT_SUPPLIER_ACCESS: Feature.MONITORING,
    Action.DECIDE_PAYMENT: Feature.MONITORING,
    Action.RECORD_AUDIT: Feature.MONITORING,
    Action.TRIAGE_INCIDENT: Feature.MONITORING,
    Action.RECORD_REVIEW: Feature.REVIEW,
    # Lessons have no stage feature: they are written at review, or at
    # whatever gate the procurement was stopped.
}

# Actions that change the file: refused once the procurement is closed.
WRITES_ON_PROCUREMENT = frozenset(
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
        # Not WRITE_LESSONS: a stopped procurement's lessons are written after it closed.
    }
)


def roles_allowed(action: Action, stage_key: str | None = None) -> frozenset[Role]:
    rule = ROLE_RULES[action]
    if rule is None:
        if stage_key is None:
            raise ValueError(f"{action} depends on the stage")
        return lifecycle.stage(stage_key).gate_deciders
    return rule


def decide(
    roles: frozenset[str],
    action: Action,
    *,
    stage_key: str | None = None,
    status: str = ProcurementStatus.ACTIVE,
) -> bool:
    """The whole rule, free of the database: may someone holding ``roles`` in
    the procurement's organisation do ``action`` at ``stage_key``?"""
    if not roles & roles_allowed(action, stage_key):
        return False
    feature = STAGE_FEATURES.get(action)
    if feature is not None and (
        stage_key is None or not lifecycle.stage(stage_key).enables_feature(feature)
    ):
        return False
    return not (action in WRITES_ON_PROCUREMENT and status != ProcurementStatus.ACTIVE)


def roles_in(user: User, organisation_id: int) -> frozenset[str]:
    """The roles ``user`` holds in the organisation. Superusers get none for
    free: they run the installation, not the public bodies on it."""
    return roles_by_organisation(user).get(organisation_id, frozenset())


def can(user: User, action: Action, procurement: Procurement) -> bool:
    """May ``user`` do ``action`` on ``procurement`` now?"""
    return decide(
        roles_in(user, procurement.organisation_id),
        action,
        stage_key=procurement.stage,
        status=procurement.status,
    )


def can_in_organisation(user: User, action: Action, organisation: Organisation) -> bool:
    """For actions on the organisation itself (create a procurement, read its audit trail)."""
    return decide(roles_in(user, organisation.id), action)


def require(user: User, action: Action, procurement: Procurement) -> None:
    """Raise ``PermissionDenied`` unless :func:`can`; services call it before writing."""
    if not can(user, action, procurement):
        raise PermissionDenied(
            _("Your roles do not allow you to %(action)s at the stage “%(stage)s”.")
            % {"action": action.label, "stage": procurement.current_stage.name}
        )


def require_in_organisation(user: User, action: Action, organisation: Organisation) -> None:
    if not can_in_organisation(user, action, organisation):
        raise PermissionDenied(
            _("Your roles do not allow you to %(action)s in %(organisation)s.")
            % {"action": action.label, "organisation": organisation.name}
        )


def is_member(user: User, organisation_id: int) -> bool:
    return bool(roles_in(user, organisation_id))


def visible_procurements(user: User) -> QuerySet[Procurement]:
    """Published procurements, plus drafts of the user's own organisations."""
    member_of = list(roles_by_organisation(user))
    return Procurement.objects.filter(Q(is_published=True) | Q(organisation_id__in=member_of))


def access_procurement(
    user: User, slug: str, *, action: Action = Action.VIEW, for_update: bool = False
) -> Procurement:
    """The procurement ``slug`` for staff work by ``user``.

    404 when the user is not a member of its organisation (whether or not it
    exists or is published: staff pages of other bodies do not exist for
    them); 403 when a member may see it but not do ``action`` now.
    """
    queryset = Procurement.objects.select_related("organisation")
    if for_update:
        queryset = queryset.select_for_update()
    procurement = queryset.filter(slug=slug).first()
    if procurement is None or not is_member(user, procurement.organisation_id):
        raise Http404("No such procurement in your organisations.")
    if action is not Action.VIEW:
        require(user, action, procurement)
    return procurement


def access_public_procurement(user: User, slug: str) -> tuple[Procurement, bool]:
    """The procurement ``slug`` as the public page shows it.

    Returns ``(procurement, is_preview)``: published procurements are visible
    to everyone; a draft only to members of its organisation, as a preview.
    Anyone else gets a 404, so drafts cannot even be probed for.
    """
    try:
        # get(), not first(): no ORDER BY to compile on the portal's hottest query.
        procurement = (
            Procurement.objects.select_related("organisation").defer("search_text").get(slug=slug)
        )
    except Procurement.DoesNotExist:
        raise Http404("No such procurement.") from None
    if procurement.is_published:
        return procurement, False
    if is_member(user, procurement.organisation_id):
        return procurement, True
    raise Http404("No such procurement.")


def access_document(user: User, procurement: Procurement, document_id: int) -> Document:
    """A document of ``procurement`` that ``user`` may read.

    Members of the organisation read every document; everyone else reads the
    public documents of a published procurement.
    """
    document = Document.objects.filter(procurement=procurement, id=document_id).first()
    if document is None:
        raise Http404("No such document.")
    if is_member(user, procurement.organisation_id):
        return document
    if procurement.is_published and document.is_public:
        return document
    raise Http404("No such document.")


def access_organisation(user: User, slug: str, *, action: Action = Action.VIEW) -> Organisation:
    """An organisation ``user`` belongs to; 404 otherwise, 403 if ``action`` is refused."""
    organisation = Organisation.objects.filter(slug=slug).first()
    if organisation is None or not is_member(user, organisation.id):
        raise Http404("No such organisation among yours.")
    if action is not Action.VIEW:
        require_in_organisation(user, action, organisation)
    return organisation
