"""Opinion groups in the JSON API: what the last background computation made
of a statements module's votes, as the public page shows it. Statements are
given by id and text; a group of fewer than five people is counted but not
described, as on the page."""

from __future__ import annotations

import datetime

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from participai.procurements.api import ErrorOut

from ..models import ModuleKind
from ..selectors.opinion_groups import StatementShare, opinion_groups_of
from .common import RefusalOut, readable_module

router = Router(tags=["participation"])


class StatementShareOut(Schema):
    statement: int
    text: str
    direction: str = Field(description="agree or disagree: the way the group (or everyone) leans")
    share: float = Field(description="Share of those who saw it who voted that way, 0 to 1")
    others_share: float | None = Field(
        description="The same share in the other groups of five people or more; null for "
        "consensus, or when there is no such group"
    )


class GroupOut(Schema):
    letter: str
    size: int
    described: bool = Field(description="False for a group under five: no statements given")
    representative: list[StatementShareOut]


class DivideOut(Schema):
    statement: int
    text: str
    agree_by_group: list[float | None] = Field(
        description="Share of each group that agreed, in group order; null if unseen or the "
        "group is under five"
    )


class OpinionGroupsOut(Schema):
    module: int
    computed_at: datetime.datetime
    pending: bool = Field(description="Votes have arrived since; an update is queued")
    votes_counted: int
    participants: int
    clustered: int = Field(description="Participants with enough votes to be placed in a group")
    groups: list[GroupOut] = Field(description="Empty until there are two groups or more")
    consensus: list[StatementShareOut]
    agreed_across_groups: list[int] = Field(description="Statement ids, highest first")
    divides: list[DivideOut]


def _share(item: StatementShare) -> dict:
    return {
        "statement": item.statement.pk,
        "text": item.statement.body,
        "direction": item.direction,
        "share": item.share,
        "others_share": item.others_share,
    }


@router.get(
    "/modules/{module_id}/opinion-groups",
    response={200: OpinionGroupsOut, 403: RefusalOut, 404: ErrorOut, 422: ErrorOut},
    summary="The opinion groups of a statements module, as last computed",
    description="Computed in the background after votes arrive; 404 before the first time.",
)
def read_opinion_groups(request: HttpRequest, module_id: int):
    module = readable_module(request, module_id, ModuleKind.STATEMENTS)
    if isinstance(module, Status):
        return module
    view = opinion_groups_of(module)
    if view is None:
        raise Http404(_("The opinion groups have not been computed yet."))
    groups = view.groups if view.has_groups else []
    return {
        "module": module.pk,
        "computed_at": view.computed_at,
        "pending": view.pending,
        "votes_counted": view.votes_counted,
        "participants": view.participants,
        "clustered": view.clustered,
        "groups": [
            {
                "letter": group.letter,
                "size": group.size,
                "described": group.described,
                "representative": [_share(item) for item in group.representative],
            }
            for group in groups
        ],
        "consensus": [_share(item) for item in view.consensus],
        "agreed_across_groups": [statement.pk for statement, _score in view.group_consensus],
        "divides": [
            {
                "statement": divide.statement.pk,
                "text": divide.statement.body,
                "agree_by_group": [cell.share for cell in divide.by_group],
            }
            for divide in (view.divides if view.has_groups else [])
        ],
    }
