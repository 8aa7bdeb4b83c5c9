"""Prioritisation in the JSON API: read a module's items (and its results
once they are public), and cast or change a ballot when signed in.

The results follow the page's rule: public once the module has closed, or
once the person asking has cast a ballot, so nobody votes in reaction to a
tally. A ballot goes through the same service as the page: a refusal by the
process's rules or dates is a 403, a ballot that does not add up a 422
naming the item at fault (``item_<id>``) or the ballot (``allocation``).
"""

from __future__ import annotations

import datetime
from typing import Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.security import django_auth

from participai.accounts.models import Participant
from participai.core.text import render_markdown
from participai.procurements.api import ErrorOut

from .. import prioritising
from ..models import ModuleKind
from ..selectors import prioritisation as selectors
from ..services.prioritisation import ballot_cast, budget_of, method_of
from .common import (
    WRITE_RESPONSES,
    InputSchema,
    RefusalOut,
    as_participant,
    published_module_or_404,
    readable_module,
    refusal,
)

router = Router(tags=["participation"])

Method = Literal["dots", "ranking"]
ModuleState = Literal["upcoming", "open", "closed"]


class PriorityItemOut(Schema):
    id: int
    position: int = Field(description="1 for the first item as the module lists them")
    title: str
    description_html: str = Field(description="Sanitised HTML of the item's description")


class PriorityResultOut(Schema):
    item: int
    place: int = Field(description="1 for the first; ties share a place (1, 2, 2, 4)")
    points: int = Field(description="Dot vote: the points it received")
    percent: int = Field(description="Dot vote: its share of all points, whole percentages")
    rank_score: int = Field(
        description="Ranking: its Borda score (first of n items gets n, last gets 1)"
    )
    mean_rank: float | None = Field(description="Ranking: its average position")
    ballot_count: int = Field(description="Ballots that gave it points or a position")


class PrioritiesOut(Schema):
    module: int
    title: str
    method: Method
    budget: int | None = Field(description="Dot vote: the points each person spreads")
    state: ModuleState
    opens_at: datetime.datetime
    closes_at: datetime.datetime
    ballot_count: int
    items: list[PriorityItemOut]
    results_public: bool = Field(
        description="Whether the results are shown: once the module has closed, or once "
        "you (signed in) have cast a ballot"
    )
    results: list[PriorityResultOut] | None = Field(
        description="Best first; null while not public"
    )
    your_ballot: dict[int, int] | None = Field(
        description="Signed in: your ballot, item id → points or position; null otherwise"
    )


class BallotIn(InputSchema):
    allocation: dict[int, int] | None = Field(
        None,
        description="Item id → points (dot vote: whole numbers ≥ 0, at least one point, at "
        "most the budget in all) or → position (ranking: every item, 1 to n, each once)",
    )
    order: list[int] | None = Field(
        None,
        description="Ranking only, instead of allocation: every item id, most important first",
    )


class BallotOut(Schema):
    module: int
    method: Method
    allocation: dict[int, int] = Field(description="Your ballot as counted")
    replaced: bool = Field(description="True when it replaced a ballot you cast before")


@router.get(
    "/modules/{module_id}/priorities",
    response={200: PrioritiesOut, 403: RefusalOut, 404: ErrorOut, 422: ErrorOut},
    summary="The items of a prioritisation module, and its results once public",
    description=(
        "The items in their order, the method (dots with a budget of points, or a full "
        "ranking), the module's dates and state, how many ballots are in, and the results "
        "(points and shares, or Borda scores) once the module has closed or you have voted."
    ),
)
def priorities(request: HttpRequest, module_id: int):
    module = readable_module(request, module_id, ModuleKind.PRIORITISATION)
    if isinstance(module, Status):
        return module
    signed_in = request.user.is_authenticated
    participant = Participant.objects.filter(user=request.user).first() if signed_in else None
    items = selectors.items_of(module)
    mine = selectors.ballot_of(module, participant)
    window = module.window(module.process)
    state = window.state(timezone.now())
    public = selectors.results_public(state, mine)
    return {
        "module": module.pk,
        "title": module.title,
        "method": method_of(module),
        "budget": budget_of(module),
        "state": state,
        "opens_at": window.opens,
        "closes_at": window.closes,
        "ballot_count": module.contribution_count,
        "items": [
            {
                "id": item.pk,
                "position": index,
                "title": item.title,
                "description_html": render_markdown(item.description),
            }
            for index, item in enumerate(items, start=1)
        ],
        "results_public": public,
        "results": (
            [
                {
                    "item": entry.row.item,
                    "place": entry.row.place,
                    "points": entry.row.points,
                    "percent": entry.row.percent,
                    "rank_score": entry.row.rank_score,
                    "mean_rank": entry.row.mean_rank,
                    "ballot_count": entry.row.ballot_count,
                }
                for entry in selectors.results_of(module, items)
            ]
            if public
            else None
        ),
        "your_ballot": mine,
    }


@router.post(
    "/modules/{module_id}/ballot",
    auth=django_auth,
    response={200: BallotOut, 201: BallotOut, **WRITE_RESPONSES},
    summary="Cast your ballot in a prioritisation module (casting again replaces it)",
    description=(
        "For signed-in people (session cookie and CSRF token). Send `allocation` (item id → "
        "points, or → position for a ranking) or, for a ranking, `order` (every item id, "
        "most important first). The module must be open and the process's voting "
        "requirement met. Answers with the ballot as counted: 201 when it is your first, "
        "200 when it replaces the one before (`replaced`; sending the same ballot again "
        "changes nothing and also answers 200)."
    ),
)
def cast_ballot(request: HttpRequest, module_id: int, payload: BallotIn):
    module = published_module_or_404(module_id, ModuleKind.PRIORITISATION)
    method = method_of(module)
    if (payload.allocation is None) == (payload.order is None):
        return refusal(
            ValidationError({"allocation": _("Send either an allocation or an order.")})
        )
    if payload.order is not None:
        if method != prioritising.RANKING:
            return refusal(ValidationError({"order": _("Only a ranking takes an order.")}))
        try:
            allocation = prioritising.ranks_from_order(payload.order)
        except prioritising.BallotError:
            return refusal(ValidationError({"order": _("Each item may appear once.")}))
    else:
        allocation = payload.allocation
    try:
        ballot, created = as_participant(
            request, ballot_cast, module=module, allocation=allocation
        )
    except ValidationError as error:
        return refusal(error)
    return Status(
        201 if created else 200,
        {
            "module": module.pk,
            "method": method,
            "allocation": selectors.ballot_of(module, ballot.participant) or {},
            "replaced": not created,
        },
    )
