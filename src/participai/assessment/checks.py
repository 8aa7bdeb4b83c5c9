"""The proportionality rules at the gates, and the assessments' own evidence.

Registered on import (``AssessmentConfig.ready``): the ``obligations_met`` gate
check that every stage names, and the evidence that the impact assessment, the
AI Act screening and the fundamental rights assessment are done.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from participai.procurements.checks import GateContext, gate_check, prefetch_for_checks

from .evidence import Evidence, EvidenceContext, obligation_evidence
from .proportionality import Obligation
from .selectors.obligations import latest_rights_assessment, obligations_due, screening_in

prefetch_for_checks("documents", "screenings", "rights_assessments", "obligation_exemptions")


@gate_check("obligations_met", gettext_lazy("What the stakes demand at this gate is done"))
def _obligations_met(context: GateContext) -> tuple[bool, str]:
    procurement = context.procurement
    statuses = obligations_due(procurement)
    if not statuses:
        return True, _("Nothing is due at this gate.")
    blocking = [s for s in statuses if s.state == "blocking"]
    if blocking:
        return False, " ".join(
            [_("The procurement must not go ahead:")] + [s.reason for s in blocking]
        )
    missing = [s for s in statuses if not s.satisfied]
    if missing:
        return False, ngettext(
            "%(count)d of %(total)d obligations is not met: %(names)s.",
            "%(count)d of %(total)d obligations are not met: %(names)s.",
            len(missing),
        ) % {
            "count": len(missing),
            "total": len(statuses),
            "names": "; ".join(s.text for s in missing),
        }
    exempt = sum(1 for s in statuses if s.state == "exempt")
    if exempt:
        return True, ngettext(
            "All %(total)d met, %(exempt)d of them by a public exemption.",
            "All %(total)d met, %(exempt)d of them by public exemptions.",
            exempt,
        ) % {"total": len(statuses), "exempt": exempt}
    return True, ngettext(
        "The %(total)d obligation is met.", "All %(total)d obligations are met.", len(statuses)
    ) % {"total": len(statuses)}


@obligation_evidence("review", "impact_questionnaire")
def _impact_assessment_done(context: EvidenceContext, obligation: Obligation) -> Evidence:
    level = context.procurement.impact_level
    if level is not None:
        return Evidence(True, _("Completed: impact level %(level)s.") % {"level": level})
    return Evidence(False, _("Complete the impact assessment."))


@obligation_evidence("review", "ai_act_screening")
def _screening_done(context: EvidenceContext, obligation: Obligation) -> Evidence:
    screening = screening_in(context)
    if screening is not None:
        return Evidence(
            True,
            _("Screening %(number)d completed: %(class)s.")
            % {"number": screening.number, "class": screening.get_classification_display()},
        )
    return Evidence(False, _("Complete the EU AI Act screening."))


@obligation_evidence("review", "fundamental_rights_impact_assessment")
def _rights_assessment_done(context: EvidenceContext, obligation: Obligation) -> Evidence:
    done = latest_rights_assessment(context.procurement)
    if done is not None:
        return Evidence(
            True,
            _("Fundamental rights assessment %(number)d completed on %(date)s.")
            % {"number": done.number, "date": done.completed_at.date().isoformat()},
        )
    return Evidence(False, _("Complete the fundamental rights impact assessment."))
