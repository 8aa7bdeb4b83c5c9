"""The contract-negotiation gate check: the contract record is complete."""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from participai.procurements.checks import GateContext, gate_check, prefetch_for_checks

from .selectors import missing_parts

prefetch_for_checks("contract__kpis", "contract__milestones")


@gate_check(
    "contract_recorded",
    gettext_lazy("The contract is recorded with its KPIs, payment milestones and exit plan"),
)
def _contract_recorded(context: GateContext) -> tuple[bool, str]:
    try:
        contract = context.procurement.contract
    except ObjectDoesNotExist:
        return False, _("Record the contract: supplier, value, dates, KPIs, payments, exit plan.")
    missing = missing_parts(contract)
    if missing:
        return False, _("The contract record still needs: %(missing)s.") % {
            "missing": ", ".join(str(m) for m in missing)
        }
    return True, _("Recorded with %(supplier)s.") % {"supplier": contract.supplier_name}
