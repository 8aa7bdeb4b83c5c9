"""Reads of the contract record: what it still needs, and the contract page.

:func:`missing_parts` is the one rule for a complete record: the gate check
``contract_recorded`` (``contracts.checks``) and the signing service both ask
it. It reads ``kpis.all()`` and ``milestones.all()``, so a prefetch serves it.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from participai.assessment.selectors.obligations import latest_rights_assessment
from participai.procurements.models import Procurement
from participai.tendering.models import Award, TenderClause

from .models import Contract, ContractStatus, Kpi, PaymentMilestone


def missing_parts(contract: Contract) -> list[str]:
    """What the contract record still lacks before it is complete (and may be
    signed): at least one KPI, a payment schedule (one milestone or more) and
    an exit plan. Empty when complete."""
    missing = []
    if not contract.kpis.all():
        missing.append(_("at least one KPI"))
    if not contract.milestones.all():
        missing.append(_("a payment schedule"))
    if not contract.exit_plan.strip():
        missing.append(_("an exit plan"))
    return missing


def award_of(procurement: Procurement) -> Award | None:
    """The award of the procurement's tender, with its bid; ``None`` when the
    procurement had no tender on the platform or it is not awarded."""
    return Award.objects.select_related("bid").filter(tender__procurement=procurement).first()


def fria_groups(procurement: Procurement) -> list[str]:
    """The affected groups of the procurement's latest completed fundamental
    rights assessment: the groups a fairness KPI should be reported for."""
    assessment = latest_rights_assessment(procurement)
    return assessment.affected_group_list if assessment else []


def contract_of(procurement: Procurement) -> Contract | None:
    """The procurement's contract with its KPIs, milestones (and the KPI each
    depends on) and chosen clauses loaded; ``None`` when none is recorded."""
    return (
        Contract.objects.filter(procurement=procurement)
        .select_related("award__bid", "created_by")
        .prefetch_related(
            "kpis",
            Prefetch("milestones", queryset=PaymentMilestone.objects.select_related("kpi")),
            Prefetch("clauses", queryset=TenderClause.objects.order_by("position", "id")),
        )
        .first()
    )


@dataclass(frozen=True)
class ContractPage:
    contract: Contract | None
    award: Award | None
    kpis: list[Kpi]
    milestones: list[PaymentMilestone]
    clauses: list[TenderClause]
    missing: list[str]
    milestones_total: Decimal
    kpi_tied_total: Decimal
    fria_groups: list[str]

    @property
    def is_signed(self) -> bool:
        return self.contract is not None and self.contract.status == ContractStatus.SIGNED

    @property
    def over_value(self) -> Decimal | None:
        """How much the milestones add up to beyond the contract's value: a
        warning, not an error (a value may be renegotiated), or ``None``."""
        if self.contract is None or self.milestones_total <= self.contract.value:
            return None
        return self.milestones_total - self.contract.value

    @property
    def kpi_share(self) -> Decimal | None:
        """The share (%) of the contract's value paid only when a KPI is met;
        ``None`` for a contract without value."""
        if self.contract is None or not self.contract.value:
            return None
        return (self.kpi_tied_total * 100 / self.contract.value).quantize(Decimal("0.1"))


def contract_page(procurement: Procurement) -> ContractPage:
    """Everything the contract page shows, in a fixed number of queries whatever
    the number of KPIs, milestones and clauses."""
    contract = contract_of(procurement)
    kpis = list(contract.kpis.all()) if contract else []
    milestones = list(contract.milestones.all()) if contract else []
    return ContractPage(
        contract=contract,
        award=contract.award if contract and contract.award_id else award_of(procurement),
        kpis=kpis,
        milestones=milestones,
        clauses=list(contract.clauses.all()) if contract else [],
        missing=missing_parts(contract) if contract else [],
        milestones_total=sum((m.amount for m in milestones), Decimal(0)),
        kpi_tied_total=sum((m.amount for m in milestones if m.kpi_id), Decimal(0)),
        fria_groups=fria_groups(procurement),
    )
