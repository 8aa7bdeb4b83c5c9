"""What the public sees of a tender: the same data for the public page, the
tender pack and the API.

:func:`tender_content` reads what the tender asks of suppliers (outcomes,
requirements and their sources, weighted criteria, clauses); it is what the
pack is built from, and what the public sees once the tender is published.
:func:`public_tender` adds what happens around it: the published questions
and answers, the number of bids received (never their content before the
opening), and after the award the rationale, the winner, the ranking, the
panel's composition, the community panel's part and, only when the tender
says so, each evaluator's scores under a number ("Evaluator 1").

Every read costs a fixed number of queries, whatever the number of rows.
``content`` holds the tender's content, ``result`` the award; this module
puts them together.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ObjectDoesNotExist

from participai.procurements.models import Procurement

from ...access import bids_are_sealed
from ...models import Bid, Tender, TenderStatus
from ..clarifications import published_clarifications
from .content import (
    ClarificationView,
    ClauseThemeView,
    ClauseView,
    CriterionGroupView,
    CriterionView,
    Descriptor,
    RequirementView,
    SourceView,
    TenderContent,
    Timeline,
    clarification_views,
    tender_content,
    theme_title,
)
from .result import (
    EvaluatorBid,
    EvaluatorScores,
    PartRow,
    RankRow,
    Result,
    SeatCount,
    award_result,
)

__all__ = [
    "ClarificationView",
    "ClauseThemeView",
    "ClauseView",
    "CriterionGroupView",
    "CriterionView",
    "Descriptor",
    "EvaluatorBid",
    "EvaluatorScores",
    "PartRow",
    "PublicTender",
    "RankRow",
    "RequirementView",
    "Result",
    "SeatCount",
    "SourceView",
    "TenderContent",
    "Timeline",
    "award_result",
    "clarification_views",
    "is_published",
    "public_tender",
    "tender_content",
    "tender_for_public",
    "theme_title",
]


@dataclass(frozen=True)
class PublicTender:
    """Everything the public page of a tender shows."""

    procurement: Procurement
    tender: Tender | None
    content: TenderContent | None
    """``None`` until the tender is published: a draft is not shown."""
    clarifications: tuple[ClarificationView, ...]
    bids_received: int
    sealed: bool
    result: Result | None = None

    @property
    def published(self) -> bool:
        return self.content is not None


def is_published(tender: Tender | None) -> bool:
    """Has ``tender`` been published (whatever happened to it since)?"""
    return tender is not None and tender.status != TenderStatus.DRAFT


def tender_for_public(procurement: Procurement) -> Tender | None:
    """The procurement's tender with its award and winning bid, in one query."""
    return Tender.objects.filter(procurement=procurement).select_related("award__bid").first()


def _award_of(tender: Tender):
    try:
        return tender.award
    except ObjectDoesNotExist:
        return None


def public_tender(procurement: Procurement, tender: Tender | None) -> PublicTender:
    """What the public page shows of ``tender`` (``None`` when none was
    started; pass it from :func:`tender_for_public`).

    Before publication: the published clarifications only. After: the
    content, the number of bids (content sealed until the opening), and after
    the award its result (:func:`award_result`).
    """
    clarifications = clarification_views(published_clarifications(tender))
    if not is_published(tender):
        return PublicTender(
            procurement=procurement,
            tender=tender,
            content=None,
            clarifications=clarifications,
            bids_received=0,
            sealed=True,
        )
    content = tender_content(procurement, tender)
    award = _award_of(tender)
    return PublicTender(
        procurement=procurement,
        tender=tender,
        content=content,
        clarifications=clarifications,
        bids_received=Bid.objects.filter(tender=tender).count(),
        sealed=bids_are_sealed(tender),
        result=award_result(tender, award, content) if award is not None else None,
    )
