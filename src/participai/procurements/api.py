"""Public, read-only API for published procurements."""

from __future__ import annotations

import datetime
from typing import Literal

from django.http import Http404, HttpRequest
from django.urls import reverse
from ninja import Field, Query, Router, Schema

from . import lifecycle
from .access import access_public_procurement
from .selectors import procurement_timeline, public_procurements

router = Router(tags=["procurements"])

PhaseKey = Literal["purpose", "delivery", "impact"]
StageKey = Literal[lifecycle.STAGE_KEYS]  # type: ignore[valid-type]


class OrganisationOut(Schema):
    slug: str
    name: str
    country: str


class ProcurementSummary(Schema):
    slug: str
    title: str
    organisation: OrganisationOut
    phase: str
    stage: str
    stage_name: str
    status: str
    impact_level: int | None
    entry_route: str
    estimated_value: str | None
    currency: str
    published_at: datetime.datetime | None
    url: str
    api_url: str


class DecisionOut(Schema):
    stage: str
    outcome: str
    rationale: str
    decided_on: datetime.date
    taken_by: list[str]
    return_to_stage: str
    checks: list[dict]


class DocumentOut(Schema):
    id: int
    title: str
    document_type: str
    description: str
    kind: Literal["file", "text"]
    url: str
    created_at: datetime.datetime


class StageOut(Schema):
    key: str
    name: str
    phase: str
    state: str
    ocds_stage: str
    decisions: list[DecisionOut]
    documents: list[DocumentOut]


class ProcurementDetail(ProcurementSummary):
    mission: str
    problem_statement: str
    affected_people: str
    non_ai_alternatives: str
    stages: list[StageOut]


class ProcurementPage(Schema):
    count: int
    page: int
    page_size: int
    next: str | None
    previous: str | None
    items: list[ProcurementSummary]


class ErrorOut(Schema):
    message: str
    field: str | None


class ProcurementFilters(Schema):
    q: str = Field("", max_length=200, description="Words to find in title, mission or problem")
    organisation: str = Field("", max_length=80, description="Organisation slug")
    phase: PhaseKey | None = None
    stage: StageKey | None = None
    page: int = Field(1, ge=1, le=100_000)
    page_size: int = Field(20, ge=1, le=100)


def _summary(request: HttpRequest, p) -> dict:
    return {
        "slug": p.slug,
        "title": p.title,
        "organisation": p.organisation,
        "phase": p.phase,
        "stage": p.stage,
        "stage_name": str(p.current_stage.name),
        "status": p.status,
        "impact_level": p.impact_level,
        "entry_route": p.entry_route,
        "estimated_value": None if p.estimated_value is None else str(p.estimated_value),
        "currency": p.currency,
        "published_at": p.published_at,
        "url": request.build_absolute_uri(reverse("portal:procurement", args=[p.slug])),
        "api_url": request.build_absolute_uri(f"/api/procurements/{p.slug}"),
    }


@router.get(
    "",
    response={200: ProcurementPage, 422: ErrorOut},
    summary="List published procurements",
)
def list_procurements(request: HttpRequest, filters: Query[ProcurementFilters]):
    queryset = public_procurements(
        q=filters.q,
        organisation=filters.organisation,
        phase=filters.phase or "",
        stage=filters.stage or "",
    )
    count = queryset.count()
    start = (filters.page - 1) * filters.page_size
    rows = list(queryset[start : start + filters.page_size])

    def page_url(number: int) -> str:
        params = request.GET.copy()
        params["page"] = str(number)
        return request.build_absolute_uri(f"{request.path}?{params.urlencode()}")

    return {
        "count": count,
        "page": filters.page,
        "page_size": filters.page_size,
        "next": page_url(filters.page + 1) if start + filters.page_size < count else None,
        "previous": page_url(filters.page - 1) if filters.page > 1 else None,
        "items": [_summary(request, p) for p in rows],
    }


@router.get(
    "/{slug}",
    response={200: ProcurementDetail, 404: ErrorOut},
    summary="One published procurement with its timeline, decisions and documents",
)
def get_procurement(request: HttpRequest, slug: str):
    procurement, is_preview = access_public_procurement(request.user, slug)
    if is_preview:
        # The API is open data: drafts stay out of it even for their own staff.
        raise Http404("No such procurement.")
    phases = procurement_timeline(procurement, public=True)
    stages = []
    for phase in phases:
        for entry in phase.stages:
            stages.append(
                {
                    "key": entry.stage.key,
                    "name": str(entry.stage.name),
                    "phase": phase.phase.value,
                    "state": entry.state,
                    "ocds_stage": entry.stage.ocds_stage,
                    "decisions": [
                        {
                            "stage": d.stage,
                            "outcome": d.outcome,
                            "rationale": d.rationale,
                            "decided_on": d.decided_on,
                            "taken_by": [str(u) for u in d.deciders.all()]
                            + ([d.other_deciders] if d.other_deciders else []),
                            "return_to_stage": d.return_to_stage,
                            "checks": d.checks,
                        }
                        for d in entry.decisions
                    ],
                    "documents": [
                        {
                            "id": doc.id,
                            "title": doc.title,
                            "document_type": doc.document_type,
                            "description": doc.description,
                            "kind": "file" if doc.is_file else "text",
                            "url": request.build_absolute_uri(
                                reverse("portal:document", args=[procurement.slug, doc.id])
                            ),
                            "created_at": doc.created_at,
                        }
                        for doc in entry.documents
                    ],
                }
            )
    data = _summary(request, procurement) | {
        "mission": procurement.mission,
        "problem_statement": procurement.problem_statement,
        "affected_people": procurement.affected_people,
        "non_ai_alternatives": procurement.non_ai_alternatives,
        "stages": stages,
    }
    return data
