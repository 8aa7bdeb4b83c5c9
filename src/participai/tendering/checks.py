"""The gate checks of the Delivery stages that the tender answers.

``tender_published`` (solicitation preparation), ``award_recorded`` (vendor
evaluation) and ``requirements_tested`` (solution evaluation); the stage
declarations in ``procurements.lifecycle`` name them.
"""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from participai.procurements.checks import GateContext, gate_check, prefetch_for_checks

from .models import Tender, TenderStatus, TestResult

prefetch_for_checks("tender__award__bid", "tender__requirements__solution_tests")


def _tender(context: GateContext) -> Tender | None:
    try:
        return context.procurement.tender
    except ObjectDoesNotExist:
        return None


@gate_check("tender_published", gettext_lazy("The tender is published"))
def _tender_published(context: GateContext) -> tuple[bool, str]:
    tender = _tender(context)
    if tender is None:
        return False, _("Write the tender: requirements, weighted criteria and clauses.")
    if tender.is_draft:
        return False, _("Publish the tender once its weights and requirements are settled.")
    return True, _("Published; bids open on %(date)s.") % {
        "date": tender.opening_at.date().isoformat()
    }


@gate_check("award_recorded", gettext_lazy("The award decision is recorded with its rationale"))
def _award_recorded(context: GateContext) -> tuple[bool, str]:
    tender = _tender(context)
    award = None
    if tender is not None:
        try:
            award = tender.award
        except ObjectDoesNotExist:
            award = None
    if award is None or tender.status != TenderStatus.AWARDED:
        return False, _("Record the award: the winning bid and why, from the agreed scores.")
    return True, _("Awarded to %(supplier)s.") % {"supplier": award.bid.supplier_name}


@gate_check(
    "requirements_tested", gettext_lazy("The chosen solution was tested against every requirement")
)
def _requirements_tested(context: GateContext) -> tuple[bool, str]:
    tender = _tender(context)
    requirements = list(tender.requirements.all()) if tender is not None else []
    if not requirements:
        return False, _("There are no requirements to test the solution against.")
    # The latest result counts (tests are ordered by date): a requirement
    # re-tested and found "not tested yet" again is not tested.
    untested = [
        r
        for r in requirements
        if not r.solution_tests.all()
        or list(r.solution_tests.all())[-1].result == TestResult.NOT_TESTED
    ]
    if untested:
        return False, ngettext(
            "%(count)d requirement has no test result yet.",
            "%(count)d requirements have no test result yet.",
            len(untested),
        ) % {"count": len(untested)}
    return True, ngettext(
        "%(count)d requirement tested.", "%(count)d requirements tested.", len(requirements)
    ) % {"count": len(requirements)}
