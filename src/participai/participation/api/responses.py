""" "You said, we did" in the JSON API: what the team did with what people
said in a published procurement's processes.

Open data, public fields only: each answer's status, what it changed and
why, the gate decision it fed, the record it points to, and the ids of the
contributions it answers (their text is read through
``GET /api/processes/{id}/contributions``, with its own rules). Paginated;
a fixed number of queries whatever the count.
"""

from __future__ import annotations

import datetime
from typing import Literal

from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from participai.procurements.access import access_public_procurement
from participai.procurements.api import ErrorOut

from ..models import ChangeKind, Response, ResponseStatus
from ..selectors.responses import api_responses

router = Router(tags=["participation"])


class ResponseDecisionOut(Schema):
    id: int
    stage: str
    outcome: str
    decided_on: datetime.date


class ResponseTargetOut(Schema):
    type: Literal["actor", "document"] | None = Field(
        description="The kind of record it points to; null for a named requirement, "
        "criterion, KPI or clause, which have no records yet"
    )
    id: int | None
    label: str = Field(description="How the answer names what it changed")
    url: str | None = Field(description="The public page of a document; null otherwise")


class ResponseProcessOut(Schema):
    id: int
    slug: str
    title: str


class ResponseOut(Schema):
    id: int
    process: ResponseProcessOut
    status: str = Field(json_schema_extra={"enum": ResponseStatus.values})
    change_kind: str = Field(json_schema_extra={"enum": ChangeKind.values})
    change: str = Field(description="What was done, in plain words")
    reason_html: str = Field(description="Why, as sanitised HTML")
    decision: ResponseDecisionOut | None = Field(
        description="The gate decision it fed; null when it feeds none yet"
    )
    target: ResponseTargetOut | None
    contributions: list[int] = Field(description="Ids of the contributions it answers")
    url: str = Field(description="The answer's public page")
    created_at: datetime.datetime
    updated_at: datetime.datetime


class ResponsePage(Schema):
    count: int
    limit: int
    offset: int
    items: list[ResponseOut]


class ResponseFilters(Schema):
    process: str | None = Field(None, max_length=80, description="Only this process (its slug)")
    limit: int = Field(20, ge=1, le=100)
    offset: int = Field(0, ge=0, le=1_000_000)


def _target(response: Response, slug: str) -> dict | None:
    if not response.target_label and response.target_id is None:
        return None
    kind = response.change_kind if response.target_id is not None else None
    url = None
    if kind == ChangeKind.DOCUMENT:
        url = reverse("portal:document", kwargs={"slug": slug, "document_id": response.target_id})
    return {"type": kind, "id": response.target_id, "label": response.target_label, "url": url}


def _response_out(response: Response, slug: str) -> dict:
    process = response.process
    decision = response.decision
    return {
        "id": response.pk,
        "process": {"id": process.pk, "slug": process.slug, "title": process.title},
        "status": response.status,
        "change_kind": response.change_kind,
        "change": response.change,
        "reason_html": response.reason_html,
        "decision": (
            {
                "id": decision.pk,
                "stage": decision.stage,
                "outcome": decision.outcome,
                "decided_on": decision.decided_on,
            }
            if decision is not None
            else None
        ),
        "target": _target(response, slug),
        "contributions": [c.pk for c in response.contributions.all()],
        "url": reverse(
            "participation_public:response",
            kwargs={"slug": slug, "process": process.slug, "pk": response.pk},
        ),
        "created_at": response.created_at,
        "updated_at": response.updated_at,
    }


@router.get(
    "/procurements/{slug}/responses",
    response={200: ResponsePage, 404: ErrorOut, 422: ErrorOut},
    summary="“You said, we did”: what became of what people said",
    description=(
        "The answers the team gave to contributions in the procurement's published "
        "processes, newest first: what became of them (adopted, partly, not adopted, out of "
        "scope), what it changed and why, the gate decision each fed (null while it feeds "
        "none yet), the record it points to, and the ids of the contributions it answers."
    ),
)
def list_responses(request: HttpRequest, slug: str, filters: Query[ResponseFilters]):
    procurement, is_preview = access_public_procurement(request.user, slug)
    if is_preview:
        # Open data: drafts stay out of the API even for their own staff.
        raise Http404(_("No such procurement."))
    rows = api_responses(procurement, process_slug=filters.process)
    count = rows.count()
    page = list(rows[filters.offset : filters.offset + filters.limit]) if count else []
    return {
        "count": count,
        "limit": filters.limit,
        "offset": filters.offset,
        "items": [_response_out(r, procurement.slug) for r in page],
    }
