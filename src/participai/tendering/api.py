"""The tender in the JSON API (mounted under /api/procurements).

Open data: only a published tender of a published procurement; anything
else is a 404 for everyone, its own staff included (they preview the pack
from the public tender page). Never a bid's content before the opening,
never who asked a question, never an evaluator's scores unless the tender
publishes them (and then under a number, not a name).
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Literal

from django.http import Http404, HttpRequest, HttpResponse
from django.template.defaultfilters import floatformat
from django.urls import reverse
from ninja import Field, Router, Schema

from participai.procurements.access import access_public_procurement
from participai.procurements.api import ErrorOut
from participai.procurements.models import Procurement

from .models import (
    CriterionGroup,
    PanelMemberKind,
    RequirementKind,
    ScoringMethod,
    SourceKind,
    Tender,
    TenderStatus,
)
from .pack import build_pack
from .pack.render import CONTENT_TYPES, Format, pack_response
from .selectors.public import PublicTender, is_published, public_tender, tender_for_public

router = Router(tags=["tender"])

Decimal2 = str  # decimals are exchanged as strings, e.g. "35.00", never floats


class SourceOut(Schema):
    kind: Literal[tuple(SourceKind.values)]  # type: ignore[valid-type]
    kind_label: str
    label: str = Field(
        description="How the source read when it was linked; empty for a consequence or a "
        "rights-assessment risk, which the public sees by kind only"
    )


class RequirementOut(Schema):
    id: int
    kind: Literal[tuple(RequirementKind.values)]  # type: ignore[valid-type]
    title: str
    text: str = Field(description="Markdown")
    sources: list[SourceOut]
    unsourced: bool = Field(description="True when no source is linked (allowed, shown as such)")


class DescriptorOut(Schema):
    score: int
    text: str


class CriterionOut(Schema):
    id: int
    name: str
    description: str
    group: str = Field(description="One of: " + ", ".join(CriterionGroup.values))
    weight: Decimal2 = Field(description='Percent, as a decimal string, e.g. "35.00"')
    scale_max: int
    method: Literal[tuple(ScoringMethod.values)]  # type: ignore[valid-type]
    descriptors: list[DescriptorOut] = Field(description="What each score means, bottom first")


class CriterionGroupOut(Schema):
    key: str
    label: str
    weight: Decimal2 = Field(description="The group's total weight in percent")
    criteria: list[CriterionOut]


class ClauseOut(Schema):
    theme: str
    theme_title: str
    title: str
    text: str
    from_library: bool
    adapted: bool = Field(description="True when the text differs from the library's")


class ClarificationOut(Schema):
    number: int
    question: str
    answer: str = Field(description="Markdown")
    published_at: datetime.datetime
    updated_at: datetime.datetime | None = Field(
        description="When the answer was edited after publication, if it was"
    )


class RankingOut(Schema):
    rank: int | None
    supplier: str
    total: str = Field(description="The agreed weighted total out of 100")
    winner: bool


class SeatCountOut(Schema):
    kind: Literal[tuple(PanelMemberKind.values)]  # type: ignore[valid-type]
    label: str
    seated: int
    stepped_aside: int = Field(description="Declared a conflict of interest")


class CommunityPartOut(Schema):
    supplier: str
    community_average: Decimal2
    panel_average: Decimal2


class EvaluatorBidOut(Schema):
    supplier: str
    scores: list[Decimal2 | None] = Field(description="In the order of the criteria")
    total: Decimal2 | None


class EvaluatorOut(Schema):
    label: str = Field(description='"Evaluator 1", "Evaluator 2"…: never a name')
    kind: Literal[tuple(PanelMemberKind.values)]  # type: ignore[valid-type]
    criteria: list[int] = Field(description="Criterion ids, in the order of the scores")
    bids: list[EvaluatorBidOut]


class AwardOut(Schema):
    supplier: str
    decided_on: datetime.date
    rationale: str = Field(description="Markdown")
    ranking: list[RankingOut]
    panel: list[SeatCountOut]
    community_members: int
    community_part: list[CommunityPartOut] | None = Field(
        description="Community members' average totals per bid against the whole panel's"
    )
    individual_scores: list[EvaluatorOut] | None = Field(
        description="Only when the tender publishes each evaluator's scores"
    )


class TenderOut(Schema):
    procurement: str = Field(description="The procurement's slug")
    title: str
    organisation: str
    status: Literal[tuple(v for v in TenderStatus.values if v != "draft")]  # type: ignore[valid-type]
    published_at: datetime.datetime
    clarification_deadline: datetime.datetime | None
    submission_deadline: datetime.datetime | None
    opening_at: datetime.datetime | None
    outcomes: str = Field(description="Markdown")
    requirements: list[RequirementOut]
    criteria_groups: list[CriterionGroupOut]
    total_weight: Decimal2
    clauses: list[ClauseOut]
    clarifications: list[ClarificationOut]
    bids_received: int = Field(description="How many bids came in; their content stays sealed")
    bids_sealed: bool
    award: AwardOut | None
    url: str
    pack_pdf_url: str
    pack_docx_url: str


def _decimal(value: Decimal | None) -> str | None:
    """Up to two decimals, unlocalised: "4", "3.33"."""
    return None if value is None else str(floatformat(value, "-2u"))


def _published(request: HttpRequest, slug: str) -> tuple[Procurement, Tender]:
    procurement, is_preview = access_public_procurement(request.user, slug)
    tender = tender_for_public(procurement)
    if is_preview or not is_published(tender):
        # Open data: drafts stay out of the API even for their own staff.
        raise Http404("No published tender for this procurement.")
    return procurement, tender


def _award(page: PublicTender) -> dict | None:
    result = page.result
    if result is None:
        return None
    criteria = [criterion.id for criterion in page.content.criteria]
    return {
        "supplier": result.supplier,
        "decided_on": result.decided_on,
        "rationale": result.rationale,
        "ranking": [vars(row) for row in result.ranking],
        "panel": [vars(seat) for seat in result.panel],
        "community_members": result.community_members,
        "community_part": None
        if result.community_part is None
        else [
            {
                "supplier": row.supplier,
                "community_average": str(floatformat(row.community, "2u")),
                "panel_average": str(floatformat(row.panel, "2u")),
            }
            for row in result.community_part
        ],
        "individual_scores": None
        if result.evaluators is None
        else [
            {
                "label": evaluator.label,
                "kind": evaluator.kind,
                "criteria": criteria,
                "bids": [
                    {
                        "supplier": bid.supplier,
                        "scores": [_decimal(score) for score in bid.scores],
                        "total": None if bid.total is None else str(floatformat(bid.total, "2u")),
                    }
                    for bid in evaluator.bids
                ],
            }
            for evaluator in result.evaluators
        ],
    }


@router.get(
    "/{slug}/tender",
    response={200: TenderOut, 404: ErrorOut},
    summary="The published tender of a procurement: requirements, criteria, clauses, "
    "questions and answers, and the award",
)
def get_tender(request: HttpRequest, slug: str):
    procurement, tender = _published(request, slug)
    page = public_tender(procurement, tender)
    content = page.content
    return {
        "procurement": procurement.slug,
        "title": procurement.title,
        "organisation": procurement.organisation.name,
        "status": tender.status,
        "published_at": tender.published_at,
        "clarification_deadline": tender.clarification_deadline,
        "submission_deadline": tender.submission_deadline,
        "opening_at": tender.opening_at,
        "outcomes": content.outcomes,
        "requirements": [
            {
                "id": r.id,
                "kind": r.kind,
                "title": r.title,
                "text": r.text,
                "sources": [vars(source) for source in r.sources],
                "unsourced": r.unsourced,
            }
            for r in content.requirements
        ],
        "criteria_groups": [
            {
                "key": group.key,
                "label": group.label,
                "weight": str(group.weight),
                "criteria": [
                    {
                        **{k: v for k, v in vars(c).items() if k not in ("weight", "descriptors")},
                        "weight": str(c.weight),
                        "descriptors": [vars(d) for d in c.descriptors],
                    }
                    for c in group.criteria
                ],
            }
            for group in content.groups
        ],
        "total_weight": str(content.total_weight),
        "clauses": [
            {"theme_title": theme.title, **vars(clause)}
            for theme in content.themes
            for clause in theme.clauses
        ],
        "clarifications": [vars(item) for item in page.clarifications],
        "bids_received": page.bids_received,
        "bids_sealed": page.sealed,
        "award": _award(page),
        "url": request.build_absolute_uri(
            reverse("public_tender:detail", kwargs={"slug": procurement.slug})
        ),
        "pack_pdf_url": request.build_absolute_uri(
            reverse("api:tender_pack_pdf", kwargs={"slug": procurement.slug})
        ),
        "pack_docx_url": request.build_absolute_uri(
            reverse("api:tender_pack_docx", kwargs={"slug": procurement.slug})
        ),
    }


def _document(fmt: Format, description: str) -> dict:
    return {
        "responses": {
            200: {
                "description": description,
                "content": {
                    CONTENT_TYPES[fmt]: {"schema": {"type": "string", "format": "binary"}}
                },
            }
        }
    }


def _pack(request: HttpRequest, slug: str, fmt: Format) -> HttpResponse:
    procurement, tender = _published(request, slug)
    return pack_response(build_pack(procurement, tender), fmt)


@router.get(
    "/{slug}/tender-pack.pdf",
    response={404: ErrorOut},
    summary="The tender pack of a published tender, as a PDF",
    openapi_extra=_document("pdf", "The tender pack as a PDF (A4)"),
)
def tender_pack_pdf(request: HttpRequest, slug: str):
    return _pack(request, slug, "pdf")


@router.get(
    "/{slug}/tender-pack.docx",
    response={404: ErrorOut},
    summary="The tender pack of a published tender, as a Word document (DOCX)",
    openapi_extra=_document("docx", "The tender pack as a DOCX"),
)
def tender_pack_docx(request: HttpRequest, slug: str):
    return _pack(request, slug, "docx")
