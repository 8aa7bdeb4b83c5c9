"""How the evaluation panel shows that the stakes' role obligations are met.

``community_voice_in_evaluation`` asks for members of the affected community
on the panel that scores the bids. Once a tender has a panel, the panel
itself is the evidence (members who declared no conflict); before that, the
actor map's evidence (``engagement.evidence``) still applies.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from participai.assessment.evidence import Evidence, EvidenceContext, obligation_evidence
from participai.assessment.proportionality import Obligation
from participai.engagement.evidence import actors_in_role

from .models import PanelMember, PanelMemberKind

# The actor kind an obligation names -> the panel seat that fills it.
SEAT_FOR_ACTOR = {
    "affected_community": PanelMemberKind.COMMUNITY,
    "independent_expert": PanelMemberKind.EXPERT,
}


def _panel(context: EvidenceContext) -> list[PanelMember]:
    return context.cached(
        "tendering.panel",
        lambda: list(
            PanelMember.objects.filter(tender__procurement=context.procurement).only(
                "kind", "declared_at", "has_conflict"
            )
        ),
    )


@obligation_evidence("role", "affected_community")
def community_on_the_panel(context: EvidenceContext, obligation: Obligation) -> Evidence:
    """Met by community members seated on the panel, clear of conflicts, when the
    obligation's responsibility is a panel seat; otherwise by the actor map."""
    if obligation.requirement.get("responsibility") != "evaluation_panel_member":
        return actors_in_role(context, obligation)
    panel = _panel(context)
    if not panel:
        return actors_in_role(context, obligation)
    needed = int(obligation.requirement.get("min_count", 1))
    seated = [
        m
        for m in panel
        if m.kind == SEAT_FOR_ACTOR["affected_community"] and m.declared_at and not m.has_conflict
    ]
    if len(seated) >= needed:
        return Evidence(
            True,
            ngettext(
                "%(count)d community member sits on the evaluation panel.",
                "%(count)d community members sit on the evaluation panel.",
                len(seated),
            )
            % {"count": len(seated)},
        )
    return Evidence(
        False,
        _(
            "The evaluation panel needs %(needed)d member(s) of the affected community who "
            "declared no conflict; it has %(count)d."
        )
        % {"needed": needed, "count": len(seated)},
    )
