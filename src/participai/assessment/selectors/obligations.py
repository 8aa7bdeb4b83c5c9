"""What a procurement owes because of its stakes, and whether each debt is paid.

The stakes come from the procurement's impact level (recorded by the last
completed impact assessment) and its last completed AI Act screening; the
proportionality engine turns them into obligations; the evidence registry says
which are met; exemptions say which were waived, and why.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from participai.core.languages import active_language
from participai.procurements import lifecycle
from participai.procurements.models import Procurement

from ..evidence import Evidence, EvidenceContext, evidence_for
from ..models import AiActScreening, AssessmentStatus, ObligationExemption, RightsAssessment
from ..proportionality import Obligation, Stakes, obligations_for


def _latest_completed(rows) -> Any:
    # Read through the related manager in Python, so that a prefetch (the
    # dashboard's) serves it without a query.
    completed = [row for row in rows if row.status == AssessmentStatus.COMPLETED]
    return max(completed, key=lambda row: row.number, default=None)


def latest_screening(procurement: Procurement) -> AiActScreening | None:
    """The procurement's last completed AI Act screening, if any."""
    return _latest_completed(procurement.screenings.all())


def latest_rights_assessment(procurement: Procurement) -> RightsAssessment | None:
    """The procurement's last completed fundamental rights assessment, if any."""
    return _latest_completed(procurement.rights_assessments.all())


def screening_in(context: EvidenceContext) -> AiActScreening | None:
    """The context procurement's last completed screening, read once per context
    (the stakes and the evidence that the screening is done both need it)."""
    return context.cached("assessment.screening", lambda: latest_screening(context.procurement))


def stakes_of(procurement: Procurement, *, context: EvidenceContext | None = None) -> Stakes:
    """The stakes as assessed so far (``None`` fields for what is not assessed yet).

    With ``context`` (of the same procurement), the screening is the one the
    context already read, so a page showing both stakes and obligations reads it once.
    """
    screening = latest_screening(procurement) if context is None else screening_in(context)
    if screening is None:
        return Stakes(impact_level=procurement.impact_level)
    return Stakes(
        impact_level=procurement.impact_level,
        ai_act_class=screening.classification,
        fria_required=screening.fria_required,
        eu_registration_required=screening.eu_registration_required,
    )


@dataclass(frozen=True)
class ObligationStatus:
    """One obligation, what shows it is met, and any exemption recorded for it."""

    obligation: Obligation
    evidence: Evidence
    exemption: ObligationExemption | None

    @property
    def state(self) -> str:
        """``met``, ``exempt``, ``unmet`` or ``blocking`` (never met, never exempted)."""
        if self.obligation.blocking:
            return "blocking"
        if self.evidence.met:
            return "met"
        if self.exemption is not None:
            return "exempt"
        return "unmet"

    @property
    def satisfied(self) -> bool:
        return self.state in ("met", "exempt")

    @property
    def text(self) -> str:
        return self.obligation.text[active_language()]

    @property
    def reason(self) -> str:
        return self.obligation.reason[active_language()]

    @property
    def gate_stage(self) -> lifecycle.Stage:
        return lifecycle.stage(self.obligation.gate)

    def overdue_at(self, stage_key: str) -> bool:
        """Unsatisfied although its gate comes before ``stage_key``."""
        return not self.satisfied and lifecycle.is_before(self.obligation.gate, stage_key)

    def as_dict(self) -> dict[str, object]:
        """The public, JSON-ready form (the obligations API). The evidence detail
        is left out: it may name staff, actors or internal documents."""
        exemption = self.exemption
        return {
            **self.obligation.as_dict(),
            "state": self.state,
            "met": self.satisfied,
            "exemption": None
            if exemption is None
            else {
                "justification": exemption.justification,
                "recorded_at": exemption.created_at.isoformat(),
            },
        }


def obligation_statuses(
    procurement: Procurement,
    *,
    due_by: str | None = None,
    context: EvidenceContext | None = None,
) -> list[ObligationStatus]:
    """Every obligation the procurement's stakes impose, ordered by gate, with its state.

    With ``due_by`` (a stage key), only the obligations whose gate is that
    stage's or an earlier one, and evidence is looked for only for those.
    An obligation checked at the *next* gate (a banned practice) is placed at
    the current stage. Runs a handful of queries whatever the number of
    obligations (evidence functions share the context's loaded rows).
    """
    context = context or EvidenceContext.of(procurement)
    stakes = stakes_of(procurement, context=context)
    obligations = obligations_for(stakes, current_stage=procurement.stage)
    if due_by is not None:
        obligations = [o for o in obligations if not lifecycle.is_before(due_by, o.gate)]
    exemptions = {(e.obligation_key, e.gate): e for e in procurement.obligation_exemptions.all()}
    return [
        ObligationStatus(
            obligation=obligation,
            evidence=evidence_for(context, obligation),
            exemption=exemptions.get((obligation.key, obligation.gate)),
        )
        for obligation in obligations
    ]


def obligations_due(
    procurement: Procurement, *, context: EvidenceContext | None = None
) -> list[ObligationStatus]:
    """What the gate closing the current stage must see done: the obligations
    checked at this gate, and those of earlier gates still unmet (the stakes
    can rise after a gate, when a later reassessment or screening finds more)."""
    return obligation_statuses(procurement, due_by=procurement.stage, context=context)
