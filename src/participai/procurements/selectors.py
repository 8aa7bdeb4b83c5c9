"""Reads: the portal's list, a procurement's timeline, the gate checklist and
the staff dashboard. Each runs a fixed number of queries whatever the number
of rows, so long lists stay fast."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet, prefetch_related_objects

from participai.accounts.models import User
from participai.accounts.selectors import roles_by_organisation
from participai.core.text import fold

from . import lifecycle
from .checks import PREFETCH, CheckResult, GateContext, run_checks
from .models import Document, GateDecision, Procurement, ProcurementStatus


def public_procurements(
    *,
    q: str = "",
    organisation: str = "",
    phase: str = "",
    stage: str = "",
) -> QuerySet[Procurement]:
    """Published procurements, newest first, filtered by free text (title,
    mission, problem, organisation), organisation slug, phase and stage.
    Unknown filter values match nothing rather than being ignored."""
    queryset = Procurement.objects.filter(is_published=True).select_related("organisation")
    if q:
        for term in fold(q).split()[:8]:
            queryset = queryset.filter(search_text__contains=term)
    if organisation:
        queryset = queryset.filter(organisation__slug=organisation)
    if phase:
        queryset = queryset.filter(phase=phase)
    if stage:
        queryset = queryset.filter(stage=stage)
    return queryset.order_by("-published_at", "-id")


def workspace_procurements(
    user: User, *, organisation_id: int | None = None
) -> QuerySet[Procurement]:
    """Every procurement, draft or published, of the organisations ``user`` belongs to."""
    org_ids = list(roles_by_organisation(user))
    if organisation_id is not None:
        org_ids = [org_id for org_id in org_ids if org_id == organisation_id]
    return (
        Procurement.objects.filter(organisation_id__in=org_ids)
        .select_related("organisation")
        .order_by("organisation__name", "-updated_at")
    )


def gate_checklist(
    procurement: Procurement, *, stage_documents: Sequence[Document] | None = None
) -> list[CheckResult]:
    """The checks the current stage's gate requires, evaluated now.

    ``stage_documents`` may be passed when the caller already loaded them (the
    dashboard does, for all procurements at once).
    """
    if stage_documents is None:
        stage_documents = list(
            Document.objects.filter(procurement=procurement, stage=procurement.stage)
        )
    context = GateContext(procurement=procurement, stage_documents=tuple(stage_documents))
    return run_checks(procurement.current_stage.gate_checks, context)


@dataclass
class StageEntry:
    """One stage on a procurement's timeline."""

    stage: lifecycle.Stage
    state: str  # "done", "current", "upcoming", "closed"
    decisions: list[GateDecision] = field(default_factory=list)
    documents: list[Document] = field(default_factory=list)


@dataclass
class PhaseEntry:
    phase: lifecycle.Phase
    stages: list[StageEntry]


def procurement_timeline(procurement: Procurement, *, public: bool) -> list[PhaseEntry]:
    """The procurement's stages grouped by phase, each with its decisions and
    documents. ``public=True`` leaves out documents not marked public.
    Three queries: decisions, their deciders, documents."""
    decisions = list(
        GateDecision.objects.filter(procurement=procurement)
        .select_related("recorded_by")
        .prefetch_related(Prefetch("deciders", queryset=User.objects.order_by("last_name")))
        .order_by("created_at", "id")
    )
    documents_qs = Document.objects.filter(procurement=procurement)
    if public:
        documents_qs = documents_qs.filter(is_public=True)
    by_stage_decisions: dict[str, list[GateDecision]] = defaultdict(list)
    for decision in decisions:
        by_stage_decisions[decision.stage].append(decision)
    by_stage_documents: dict[str, list[Document]] = defaultdict(list)
    for document in documents_qs.order_by("created_at", "id"):
        by_stage_documents[document.stage].append(document)

    current_index = lifecycle.STAGE_KEYS.index(procurement.stage)
    closed = procurement.status != ProcurementStatus.ACTIVE
    phases: list[PhaseEntry] = []
    for phase in lifecycle.Phase:
        entries = []
        for stage in lifecycle.stages_in_phase(phase):
            index = lifecycle.STAGE_KEYS.index(stage.key)
            if index < current_index:
                state = "done"
            elif index == current_index:
                state = "closed" if closed else "current"
            else:
                state = "upcoming"
            if procurement.status == ProcurementStatus.COMPLETED and index == current_index:
                state = "done"
            entries.append(
                StageEntry(
                    stage=stage,
                    state=state,
                    decisions=by_stage_decisions.get(stage.key, []),
                    documents=by_stage_documents.get(stage.key, []),
                )
            )
        phases.append(PhaseEntry(phase=phase, stages=entries))
    return phases


@dataclass
class DashboardItem:
    procurement: Procurement
    checklist: list[CheckResult]

    @property
    def waiting_for(self) -> list[CheckResult]:
        return [check for check in self.checklist if not check.passed]

    @property
    def ready_for_gate(self) -> bool:
        return self.procurement.is_active and not self.waiting_for


@dataclass
class DashboardColumn:
    stage: lifecycle.Stage
    items: list[DashboardItem]


@dataclass
class Dashboard:
    columns: list[DashboardColumn]
    closed: list[Procurement]

    @property
    def active_count(self) -> int:
        return sum(len(column.items) for column in self.columns)


def dashboard(procurements: Iterable[Procurement]) -> Dashboard:
    """Group active procurements by stage, with each one's gate checklist;
    closed ones are listed apart. A fixed number of queries whatever the
    count: the procurements, their documents, and what the checks read."""
    procurements = list(procurements)
    active = [p for p in procurements if p.status == ProcurementStatus.ACTIVE]
    # The documents once, for this module's checks and for any check that
    # declared "documents" in PREFETCH (Django skips a lookup already done);
    # without their text, which no check reads.
    prefetch_related_objects(
        active,
        Prefetch("documents", queryset=Document.objects.defer("body", "description")),
        *PREFETCH,
    )
    by_stage: dict[str, list[DashboardItem]] = defaultdict(list)
    for p in active:
        stage_documents = [d for d in p.documents.all() if d.stage == p.stage]
        by_stage[p.stage].append(
            DashboardItem(p, gate_checklist(p, stage_documents=stage_documents))
        )
    columns = [
        DashboardColumn(stage=stage, items=by_stage[stage.key])
        for stage in lifecycle.STAGES
        if by_stage.get(stage.key)
    ]
    closed = [p for p in procurements if p.status != ProcurementStatus.ACTIVE]
    return Dashboard(columns=columns, closed=closed)


def organisations_with_published() -> list[tuple[str, str]]:
    """(slug, name) of organisations with at least one published procurement,
    for the portal's filter."""
    return list(
        Procurement.objects.filter(is_published=True)
        .values_list("organisation__slug", "organisation__name")
        .distinct()
        .order_by("organisation__name")
    )
