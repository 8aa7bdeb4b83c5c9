"""Public API of the toolbox: the catalogue of participation mechanisms."""

from __future__ import annotations

from typing import Literal

from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils.translation import get_language
from ninja import Field, Query, Router, Schema

from participai.core.vocabulary import LANGUAGES
from participai.procurements import lifecycle
from participai.procurements.api import ErrorOut

from . import toolbox

router = Router(tags=["toolbox"])

Language = Literal[LANGUAGES]  # type: ignore[valid-type]


class MechanismOut(Schema):
    key: str
    name: str
    summary: str
    description: str
    inclusion_notes: str
    democratic_function: list[str]
    institutionalisation: str
    stages: list[str]
    decision_stages: list[str]
    depth: str
    reach: str
    cost: str
    duration_weeks: list[int]
    supports_assisted: bool
    platform_module: str | None
    url: str


class MechanismList(Schema):
    count: int
    language: str
    items: list[MechanismOut]


class MechanismFilters(Schema):
    q: str = Field("", max_length=200, description="Words to find, ignoring case and accents")
    stage: Literal[lifecycle.STAGE_KEYS] | None = None  # type: ignore[valid-type]
    function: Literal[toolbox.FUNCTIONS] | None = None  # type: ignore[valid-type]
    institutionalisation: Literal[toolbox.INSTITUTIONALISATION] | None = None  # type: ignore[valid-type]
    decision_stage: Literal[toolbox.DECISION_STAGES] | None = None  # type: ignore[valid-type]
    min_depth: Literal[toolbox.DEPTHS] | None = None  # type: ignore[valid-type]
    max_cost: Literal[toolbox.COSTS] | None = None  # type: ignore[valid-type]
    assisted: bool | None = None
    lang: Language | None = Field(
        None, description="Language of the texts (default: the request's)"
    )


def _out(request: HttpRequest, m: toolbox.Mechanism, lang: str) -> dict:
    return {
        "key": m.key,
        **{field: m.text(field, lang) for field in toolbox.TEXT_FIELDS},
        "democratic_function": list(m.democratic_function),
        "institutionalisation": m.institutionalisation,
        "stages": list(m.stages),
        "decision_stages": list(m.decision_stages),
        "depth": m.depth,
        "reach": m.reach,
        "cost": m.cost,
        "duration_weeks": list(m.duration_weeks),
        "supports_assisted": m.supports_assisted,
        "platform_module": m.platform_module,
        "url": request.build_absolute_uri(reverse("toolbox:mechanism", args=[m.key])),
    }


@router.get(
    "/mechanisms",
    response={200: MechanismList, 422: ErrorOut},
    summary="The participation mechanisms of the toolbox, filtered",
)
def list_mechanisms(request: HttpRequest, filters: Query[MechanismFilters]):
    lang = filters.lang or get_language()
    chosen = toolbox.default_catalogue().filter(
        q=filters.q or None,
        stage=filters.stage,
        function=filters.function,
        institutionalisation=filters.institutionalisation,
        decision_stage=filters.decision_stage,
        min_depth=filters.min_depth,
        max_cost=filters.max_cost,
        assisted=filters.assisted,
        lang=lang,
    )
    return {
        "count": len(chosen),
        "language": lang,
        "items": [_out(request, m, lang) for m in chosen],
    }


@router.get(
    "/mechanisms/{key}",
    response={200: MechanismOut, 404: ErrorOut},
    summary="One participation mechanism",
)
def get_mechanism(request: HttpRequest, key: str, lang: Language | None = None):
    try:
        mechanism = toolbox.default_catalogue().get(key)
    except KeyError:
        raise Http404("No such mechanism.") from None
    return _out(request, mechanism, lang or get_language())
