"""Assessment data in the JSON API (mounted under /api/procurements)."""

from __future__ import annotations

from django.http import Http404, HttpRequest
from ninja import Router, Schema

from participai.procurements.access import access_public_procurement
from participai.procurements.api import ErrorOut

from .evidence import EvidenceContext
from .selectors.obligations import obligation_statuses, stakes_of

router = Router(tags=["obligations"])


class ExemptionOut(Schema):
    justification: str
    recorded_at: str


class ObligationOut(Schema):
    key: str
    kind: str
    stage: str
    gate: str
    text: dict[str, str]
    reason: dict[str, str]
    requirement: dict
    blocking: bool
    state: str
    met: bool
    exemption: ExemptionOut | None


class StakesOut(Schema):
    impact_level: int | None
    ai_act_class: str | None
    fria_required: bool
    eu_registration_required: bool


class ObligationsOut(Schema):
    procurement: str
    stage: str
    stakes: StakesOut
    obligations: list[ObligationOut]


@router.get(
    "/{slug}/obligations",
    response={200: ObligationsOut, 404: ErrorOut},
    summary="What a published procurement owes because of its stakes, and whether it is met",
    description=(
        "Each obligation comes from the proportionality rules: its kind (role, mechanism, "
        "review, publication, human_oversight), the stage where the work happens, the gate "
        "that checks it, the reason it applies (in English, Spanish and Catalan), and its "
        "state: met, exempt (a public, justified exemption), unmet, or blocking (a banned "
        "practice: the procurement must not go ahead)."
    ),
)
def get_obligations(request: HttpRequest, slug: str):
    procurement, is_preview = access_public_procurement(request.user, slug)
    if is_preview:
        # Open data: drafts stay out of the API even for their own staff.
        raise Http404("No such procurement.")
    context = EvidenceContext.of(procurement)
    stakes = stakes_of(procurement, context=context)
    return {
        "procurement": procurement.slug,
        "stage": procurement.stage,
        "stakes": {
            "impact_level": stakes.impact_level,
            "ai_act_class": stakes.ai_act_class,
            "fria_required": stakes.fria_required,
            "eu_registration_required": stakes.eu_registration_required,
        },
        "obligations": [
            status.as_dict() for status in obligation_statuses(procurement, context=context)
        ],
    }
