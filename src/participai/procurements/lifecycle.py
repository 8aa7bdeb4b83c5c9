"""The lifecycle of an AI procurement, as data.

Three phases over ten stages (DOMAIN.md §2). Each stage *declares* what it
enables: features of the workspace (``FEATURES``), the document types it
expects, the checks its gate requires and who may take the gate decision. Code
asks a stage what it enables; it never branches on a stage's name. Later
capabilities add features and checks by extending these declarations.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from participai.accounts.roles import Role
from participai.core import vocabulary


class Phase(models.TextChoices):
    PURPOSE = "purpose", _("Purpose")
    DELIVERY = "delivery", _("Delivery")
    IMPACT = "impact", _("Impact")


class Feature(models.TextChoices):
    """Things a stage can switch on."""

    EDIT_DEFINITION = "edit_definition", _("Edit the mission and problem")
    DOCUMENTS = "documents", _("Add documents")
    GATE = "gate", _("Record the gate decision")
    TENDER = "tender", _("Write the tender: requirements, criteria, clauses")
    CLARIFICATIONS = "clarifications", _("Answer suppliers' questions")
    BIDS = "bids", _("Record bids")
    PANEL = "panel", _("Seat the evaluation panel")
    EVALUATION = "evaluation", _("Moderate the scores and award")
    SOLUTION_TESTS = "solution_tests", _("Test the chosen solution")
    CONTRACT = "contract", _("Record the contract")
    MONITORING = "monitoring", _("Monitor the contract: KPIs, payments, audits, incidents")
    REVIEW = "review", _("Review the system and decide its future")


@dataclass(frozen=True)
class Stage:
    key: str
    phase: Phase
    name: Promise
    summary: Promise
    ocds_stage: str
    enables: frozenset[Feature]
    gate_checks: tuple[str, ...]
    gate_deciders: frozenset[Role]
    expected_documents: tuple[str, ...] = field(default_factory=tuple)
    # The participation modules a process at this stage may hold
    # (``vocabulary.MODULE_KINDS``), as adhocracy4's phases declare theirs.
    modules: frozenset[str] = frozenset()

    @property
    def number(self) -> int:
        return STAGE_KEYS.index(self.key) + 1

    def enables_feature(self, feature: Feature | str) -> bool:
        return feature in self.enables

    def enables_module(self, kind: str) -> bool:
        return kind in self.modules


_LEADS = frozenset({Role.ORG_ADMIN, Role.PROCUREMENT_OFFICER, Role.PROJECT_LEAD})
_OFFICERS = frozenset({Role.ORG_ADMIN, Role.PROCUREMENT_OFFICER})
_OFFICERS_AND_LEGAL = _OFFICERS | {Role.LEGAL_OFFICER}
_PURPOSE = frozenset({Feature.EDIT_DEFINITION, Feature.DOCUMENTS, Feature.GATE})
_LATER = frozenset({Feature.DOCUMENTS, Feature.GATE})
_MARKET = _PURPOSE | {Feature.CLARIFICATIONS}
# The panel is seated while the tender is written, so that its members can
# declare their interests before any bid arrives.
_SOLICITATION = _LATER | {Feature.TENDER, Feature.CLARIFICATIONS, Feature.PANEL}
_EVALUATION = _LATER | {Feature.CLARIFICATIONS, Feature.BIDS, Feature.PANEL, Feature.EVALUATION}

# Every module kind; narrower sets keep each stage's participation to what
# can still change its outcome (a tender under evaluation is not redrafted).
_ALL_MODULES = frozenset(vocabulary.MODULE_KINDS)

STAGES: tuple[Stage, ...] = (
    Stage(
        key="problem_definition",
        phase=Phase.PURPOSE,
        name=_("Problem definition"),
        summary=_(
            "The mission, the problem (not a solution), who is affected, the non-AI "
            "alternatives and how an AI system would enter."
        ),
        ocds_stage="planning",
        enables=_PURPOSE,
        gate_checks=(
            "problem_statement_written",
            "affected_people_named",
            "alternatives_considered",
            "obligations_met",
        ),
        gate_deciders=_LEADS,
        expected_documents=("problem_statement", "needs_assessment"),
        modules=_ALL_MODULES,
    ),
    Stage(
        key="impact_assessment",
        phase=Phase.PURPOSE,
        name=_("Impact assessment"),
        summary=_(
            "Impact questionnaire, EU AI Act screening, fundamental-rights assessment and "
            "consequence scanning."
        ),
        ocds_stage="planning",
        enables=_PURPOSE,
        gate_checks=("stage_document_present", "obligations_met"),
        gate_deciders=_LEADS,
        expected_documents=("impact_assessment",),
        modules=frozenset({"comments", "survey", "statements", "event"}),
    ),
    Stage(
        key="engagement_planning",
        phase=Phase.PURPOSE,
        name=_("Engagement planning"),
        summary=_("Actor map, the participation mechanisms chosen, and the governance canvas."),
        ocds_stage="planning",
        enables=_PURPOSE,
        gate_checks=("stage_document_present", "procurement_published", "obligations_met"),
        gate_deciders=_LEADS,
        expected_documents=("engagement_plan",),
        modules=_ALL_MODULES,
    ),
    Stage(
        key="market_engagement",
        phase=Phase.PURPOSE,
        name=_("Market engagement"),
        summary=_("Pre-procurement dialogue and open questions to suppliers."),
        ocds_stage="planning",
        enables=_MARKET,
        gate_checks=("stage_document_present", "obligations_met"),
        gate_deciders=_OFFICERS,
        expected_documents=("market_notice",),
        modules=frozenset({"comments", "document_review", "event"}),
    ),
    Stage(
        key="solicitation_preparation",
        phase=Phase.DELIVERY,
        name=_("Solicitation preparation"),
        summary=_("Outcome-based requirements, weighted criteria and contract clauses."),
        ocds_stage="tender",
        enables=_SOLICITATION,
        gate_checks=("stage_document_present", "tender_published", "obligations_met"),
        gate_deciders=_OFFICERS_AND_LEGAL,
        expected_documents=("tender_notice",),
        modules=frozenset({"comments", "survey", "prioritisation", "document_review", "event"}),
    ),
    Stage(
        key="vendor_evaluation",
        phase=Phase.DELIVERY,
        name=_("Vendor evaluation"),
        summary=_("Bids, independent scoring, the community panel, and the award."),
        ocds_stage="award",
        enables=_EVALUATION,
        gate_checks=("stage_document_present", "award_recorded", "obligations_met"),
        gate_deciders=_OFFICERS,
        expected_documents=("evaluation_report",),
        modules=frozenset({"comments", "event"}),
    ),
    Stage(
        key="solution_evaluation",
        phase=Phase.DELIVERY,
        name=_("Solution evaluation"),
        summary=_("A pilot or test of the chosen solution against the requirements."),
        ocds_stage="award",
        enables=_LATER | {Feature.SOLUTION_TESTS},
        gate_checks=("stage_document_present", "requirements_tested", "obligations_met"),
        gate_deciders=_OFFICERS,
        expected_documents=("evaluation_report",),
        modules=frozenset({"comments", "survey", "statements", "event"}),
    ),
    Stage(
        key="contract_negotiation",
        phase=Phase.DELIVERY,
        name=_("Contract negotiation"),
        summary=_("KPIs, staggered payments, audit rights and the exit plan."),
        ocds_stage="contract",
        enables=_LATER | {Feature.CONTRACT},
        gate_checks=("stage_document_present", "contract_recorded", "obligations_met"),
        gate_deciders=_OFFICERS_AND_LEGAL,
        expected_documents=("contract",),
        modules=frozenset({"comments", "document_review", "event"}),
    ),
    Stage(
        key="contract_monitoring",
        phase=Phase.IMPACT,
        name=_("Contract monitoring"),
        summary=_("KPIs, audits (participatory ones included), incidents and complaints."),
        ocds_stage="implementation",
        enables=_LATER | {Feature.MONITORING},
        gate_checks=("stage_document_present", "obligations_met"),
        gate_deciders=_OFFICERS,
        expected_documents=("monitoring_report",),
        modules=frozenset({"comments", "survey", "statements", "event"}),
    ),
    Stage(
        key="review",
        phase=Phase.IMPACT,
        name=_("Review"),
        summary=_("Evaluate, renew, change or exit; lessons published for other public bodies."),
        ocds_stage="implementation",
        enables=_LATER | {Feature.MONITORING, Feature.REVIEW},
        gate_checks=("stage_document_present", "obligations_met"),
        gate_deciders=_OFFICERS,
        expected_documents=("lessons_learned",),
        modules=_ALL_MODULES,
    ),
)

STAGE_KEYS: tuple[str, ...] = tuple(stage.key for stage in STAGES)
if STAGE_KEYS != vocabulary.STAGE_KEYS:  # the pure engines read the shared list
    raise ImproperlyConfigured("lifecycle stages differ from core.vocabulary.STAGE_KEYS")
STAGES_BY_KEY: dict[str, Stage] = {stage.key: stage for stage in STAGES}
STAGE_CHOICES = [(stage.key, stage.name) for stage in STAGES]
FIRST_STAGE = STAGES[0]


def stage(key: str) -> Stage:
    """The stage called ``key``; ``KeyError`` for an unknown key."""
    return STAGES_BY_KEY[key]


def next_stage(key: str) -> Stage | None:
    """The stage after ``key``, or ``None`` after the last one."""
    index = STAGE_KEYS.index(key)
    return STAGES[index + 1] if index + 1 < len(STAGES) else None


def stages_in_phase(phase: Phase | str) -> tuple[Stage, ...]:
    return tuple(s for s in STAGES if s.phase == phase)


def is_before(a: str, b: str) -> bool:
    return STAGE_KEYS.index(a) < STAGE_KEYS.index(b)
