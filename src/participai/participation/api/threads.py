"""Participation in the JSON API: read the published processes and what was
said in them; signed-in people contribute, support and vote.

Reading is open data: only published processes of published procurements,
only public fields (a pseudonym, never an email or a participant id; the
text of a contribution only while it is visible). Writing goes through the
same services as the pages, so the same rules answer: a refusal by the
process's rules or dates is a 403, too many contributions in a minute a 429,
bad input a 422, each with a JSON ``detail`` that says why; anything unknown
or unpublished is a 404.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Literal

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.security import django_auth

from participai.procurements.access import access_public_procurement
from participai.procurements.api import ErrorOut

from ..models import (
    Contribution,
    ContributionKind,
    ContributionStatus,
    Module,
    Process,
    VoteChoice,
)
from ..selectors import api as selectors
from ..services.contributions import (
    RATE_LIMIT,
    contribution_add,
    contribution_support,
    contribution_unsupport,
    statement_vote,
)
from .common import (
    WRITE_RESPONSES,
    InputSchema,
    RefusalOut,
    as_participant,
    read_refusal,
    refusal,
)

router = Router(tags=["participation"])

Order = Literal["newest", "top", "oldest"]
ModuleState = Literal["upcoming", "open", "closed"]


# --- Schemas -------------------------------------------------------------------------------


class RequirementsOut(Schema):
    read: str = Field(description="none (anyone) or account")
    contribute: str = Field(description="guest, confirmed or account")
    vote: str = Field(description="guest, confirmed or account")


class ModuleOut(Schema):
    id: int
    kind: str
    title: str
    state: ModuleState
    opens_at: datetime.datetime
    closes_at: datetime.datetime
    contribution_count: int


class ProcessOut(Schema):
    id: int
    slug: str
    title: str
    question: str
    description: str
    negotiable: str
    not_negotiable: str
    stage: str
    decision_stage: str
    opens_at: datetime.datetime
    closes_at: datetime.datetime
    requirements: RequirementsOut
    modules: list[ModuleOut]


class ContributionOut(Schema):
    id: int
    module: int
    kind: str
    parent: int | None
    pseudonym: str | None = Field(description="The author's pseudonym; null once removed")
    body_html: str | None = Field(description="Sanitised HTML; null unless visible")
    status: str = Field(description="visible, hidden (by a moderator) or removed (by its author)")
    moderation_reason: str | None = Field(description="Why a moderator hid it; null otherwise")
    channel: str
    support_count: int
    reply_count: int
    agree_count: int
    disagree_count: int
    pass_count: int
    created_at: datetime.datetime


class ContributionPage(Schema):
    count: int
    limit: int
    offset: int
    order: Order
    items: list[ContributionOut]


class ContributionFilters(Schema):
    order: Order = "newest"
    module: int | None = Field(None, ge=1, description="Only this module of the process")
    limit: int = Field(20, ge=1, le=100)
    offset: int = Field(0, ge=0, le=1_000_000)


class ContributionIn(InputSchema):
    body: str = Field(description="Markdown; at most 5000 characters (280 for a statement)")
    kind: str | None = Field(
        None,
        description="comment or idea in a comments module, statement in a statements module; "
        "the module's first kind when left out",
        json_schema_extra={"enum": [*ContributionKind.values, None]},
    )
    parent: int | None = Field(None, description="The comment this replies to")


class VoteIn(InputSchema):
    choice: str = Field(json_schema_extra={"enum": VoteChoice.values})


class SupportOut(Schema):
    contribution: int
    supported: bool = Field(description="Whether you support it now")
    changed: bool = Field(description="False when it already was so")
    support_count: int


class VoteOut(Schema):
    contribution: int
    choice: str
    agree_count: int
    disagree_count: int
    pass_count: int


def _module_out(module: Module, process: Process, now: datetime.datetime) -> dict:
    window = module.window(process)
    return {
        "id": module.pk,
        "kind": module.kind,
        "title": module.title,
        "state": window.state(now),
        "opens_at": window.opens,
        "closes_at": window.closes,
        "contribution_count": module.contribution_count,
    }


def _process_out(process: Process, now: datetime.datetime) -> dict:
    return {
        "id": process.pk,
        "slug": process.slug,
        "title": process.title,
        "question": process.question,
        "description": process.description,
        "negotiable": process.negotiable,
        "not_negotiable": process.not_negotiable,
        "stage": process.stage,
        "decision_stage": process.decision_stage,
        "opens_at": process.opens_at,
        "closes_at": process.closes_at,
        "requirements": {
            "read": process.read_requires,
            "contribute": process.contribute_requires,
            "vote": process.vote_requires,
        },
        "modules": [_module_out(m, process, now) for m in process.modules.all()],
    }


def _contribution_out(contribution: Contribution) -> dict:
    status = contribution.status
    participant = contribution.participant
    # A removed contribution keeps neither text nor author; a hidden one keeps
    # its text for its author and the moderators, not for the public.
    anonymous = status == ContributionStatus.REMOVED or participant.removed_at is not None
    return {
        "id": contribution.pk,
        "module": contribution.module_id,
        "kind": contribution.kind,
        "parent": contribution.parent_id,
        "pseudonym": None if anonymous else participant.pseudonym,
        "body_html": contribution.body_html if status == ContributionStatus.VISIBLE else None,
        "status": status,
        "moderation_reason": (
            contribution.moderation_reason if status == ContributionStatus.HIDDEN else None
        ),
        "channel": contribution.channel,
        "support_count": contribution.support_count,
        "reply_count": contribution.reply_count,
        "agree_count": contribution.agree_count,
        "disagree_count": contribution.disagree_count,
        "pass_count": contribution.pass_count,
        "created_at": contribution.created_at,
    }


def _contribution_or_404(contribution_id: int) -> Contribution:
    contribution = selectors.published_contribution(contribution_id)
    if contribution is None:
        raise Http404(_("No such contribution."))
    return contribution


# --- Reading -------------------------------------------------------------------------------


@router.get(
    "/procurements/{slug}/processes",
    response={200: list[ProcessOut], 404: ErrorOut},
    summary="The published participation processes of a published procurement",
    description=(
        "Each process with the question it asks, what is open to influence and what is "
        "already decided, its dates, what it requires to read, contribute and vote "
        "(none, guest, confirmed, account), and its modules with their state now."
    ),
)
def list_processes(request: HttpRequest, slug: str):
    procurement, is_preview = access_public_procurement(request.user, slug)
    if is_preview:
        # Open data: drafts stay out of the API even for their own staff.
        raise Http404(_("No such procurement."))
    now = timezone.now()
    return [_process_out(p, now) for p in selectors.public_processes_with_modules(procurement)]


@router.get(
    "/processes/{process_id}/contributions",
    response={200: ContributionPage, 403: RefusalOut, 404: ErrorOut, 422: ErrorOut},
    summary="What was said in a published process, page by page",
    description=(
        "Comments, ideas, replies (with their parent) and statements, newest, top "
        "(most supported) or oldest first. A hidden contribution shows the moderator's "
        "reason instead of its text; a removed one shows neither text nor author."
    ),
)
def list_contributions(request: HttpRequest, process_id: int, filters: Query[ContributionFilters]):
    process = selectors.published_process(process_id)
    if process is None:
        raise Http404(_("No such process."))
    refused = read_refusal(request, process)
    if refused is not None:
        return refused
    rows = selectors.process_contributions(process, order=filters.order, module_id=filters.module)
    count = rows.count()
    page = list(rows[filters.offset : filters.offset + filters.limit]) if count else []
    return {
        "count": count,
        "limit": filters.limit,
        "offset": filters.offset,
        "order": filters.order,
        "items": [_contribution_out(c) for c in page],
    }


# --- Writing (signed in) -------------------------------------------------------------------


@router.post(
    "/modules/{module_id}/contributions",
    auth=django_auth,
    response={201: ContributionOut, 429: RefusalOut, **WRITE_RESPONSES},
    summary="Add a comment, idea, reply or statement to a module",
    description=(
        "For signed-in people (session cookie and CSRF token). The module must be open "
        "and the process's requirement met; the text is checked for length. At most "
        f"{RATE_LIMIT} contributions a minute per person (429 beyond)."
    ),
)
def add_contribution(request: HttpRequest, module_id: int, payload: ContributionIn):
    module = selectors.published_module(module_id)
    if module is None:
        raise Http404(_("No such module."))
    parent = None
    if payload.parent is not None:
        parent = Contribution.objects.filter(pk=payload.parent).first()
        if parent is None:
            return refusal(
                ValidationError({"parent": _("You can only reply to a visible comment here.")})
            )
    try:
        contribution = as_participant(
            request,
            contribution_add,
            module=module,
            body=payload.body,
            kind=payload.kind,
            parent=parent,
        )
    except ValidationError as error:
        return refusal(error)
    contribution = Contribution.objects.select_related("participant").get(pk=contribution.pk)
    return Status(201, _contribution_out(contribution))


def _support_change(
    request: HttpRequest, contribution_id: int, write: Callable[..., bool], supported: bool
):
    """Support (``supported``) or withdraw through ``write``; the answer says
    whether it changed and the count now."""
    contribution = _contribution_or_404(contribution_id)
    try:
        changed = as_participant(request, write, contribution=contribution)
    except ValidationError as error:
        return refusal(error)
    return {
        "contribution": contribution.pk,
        "supported": supported,
        "changed": changed,
        "support_count": Contribution.objects.values_list("support_count", flat=True).get(
            pk=contribution.pk
        ),
    }


@router.post(
    "/contributions/{contribution_id}/support",
    auth=django_auth,
    response={200: SupportOut, **WRITE_RESPONSES},
    summary="Support a comment or idea (once; again changes nothing)",
)
def support(request: HttpRequest, contribution_id: int):
    return _support_change(request, contribution_id, contribution_support, True)


@router.delete(
    "/contributions/{contribution_id}/support",
    auth=django_auth,
    response={200: SupportOut, **WRITE_RESPONSES},
    summary="Withdraw your support while the module is open",
)
def unsupport(request: HttpRequest, contribution_id: int):
    return _support_change(request, contribution_id, contribution_unsupport, False)


@router.post(
    "/contributions/{contribution_id}/vote",
    auth=django_auth,
    response={200: VoteOut, **WRITE_RESPONSES},
    summary="Vote agree, disagree or pass on a statement (voting again replaces your vote)",
)
def vote(request: HttpRequest, contribution_id: int, payload: VoteIn):
    statement = _contribution_or_404(contribution_id)
    try:
        cast = as_participant(request, statement_vote, statement=statement, choice=payload.choice)
    except ValidationError as error:
        return refusal(error)
    counts = Contribution.objects.values("agree_count", "disagree_count", "pass_count").get(
        pk=statement.pk
    )
    return {"contribution": statement.pk, "choice": cast.choice, **counts}
