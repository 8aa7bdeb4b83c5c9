"""Reads of "you said, we did": the answers of a process or a procurement,
grouped by the gate decision they fed, what became of a page of
contributions, and the contributions staff pick to answer.

Each costs a fixed number of queries whatever the row count: the answers'
contributions come in one prefetch, what became of a page of contributions
in one query (none when nothing shown was answered, which the kept
``Contribution.response_count`` tells without asking).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import Prefetch, QuerySet, prefetch_related_objects

from participai.accounts.models import Participant
from participai.procurements.models import GateDecision, Procurement

from ..models import Contribution, ContributionStatus, Follow, Process, ReadRequires, Response

PER_PAGE = 10
PICK_PER_PAGE = 50


def _with_contributions(rows: QuerySet[Response], *, authors: bool = True) -> QuerySet[Response]:
    contributions = Contribution.objects.order_by("created_at", "pk")
    if authors:
        contributions = contributions.select_related("participant")
    else:
        contributions = contributions.only("pk", "status")
    return rows.select_related("process", "decision").prefetch_related(
        Prefetch("contributions", queryset=contributions)
    )


def public_responses(procurement: Procurement) -> QuerySet[Response]:
    """The answers anyone may read: those of the procurement's published
    processes that anyone may read, newest first. A process that asks its
    readers to sign in keeps its answers on its own pages, behind the same
    rule. (Processes are never unpublished; the filter keeps it so if they
    were.)"""
    return Response.objects.filter(
        procurement=procurement,
        process__is_published=True,
        process__read_requires=ReadRequires.NONE,
    ).order_by("-created_at", "-pk")


# --------------------------------------------------------------------------- by decision


@dataclass(frozen=True)
class DecisionGroup:
    decision: GateDecision
    responses: list[Response]


@dataclass(frozen=True)
class ResponsesByDecision:
    """Every gate decision of a procurement with the answers that fed it
    (possibly none), oldest decision first, and the answers feeding no
    decision yet."""

    groups: list[DecisionGroup]
    pending: list[Response]

    @property
    def count(self) -> int:
        return len(self.pending) + sum(len(group.responses) for group in self.groups)


def responses_by_decision(
    procurement: Procurement, *, processes: Sequence[Process] | None = None
) -> ResponsesByDecision:
    """For every decision, the input that shaped it: the public answers of
    the procurement grouped by the gate decision they fed, newest answer
    first in each group. Three queries: decisions, answers, their
    contributions (ids and status only: the public page of a procurement is
    cached, so it names no author and quotes no text that a moderator might
    hide meanwhile). A caller that already holds the procurement's published
    ``processes`` saves them all when there are none (no process, no answer).
    """
    if processes is not None and not processes:
        return ResponsesByDecision(groups=[], pending=[])
    decisions = list(
        GateDecision.objects.filter(procurement=procurement).order_by("created_at", "pk")
    )
    by_decision: dict[int, list[Response]] = {d.pk: [] for d in decisions}
    pending: list[Response] = []
    for response in _with_contributions(public_responses(procurement), authors=False):
        if response.decision_id is None:
            pending.append(response)
        else:
            by_decision.setdefault(response.decision_id, []).append(response)
    return ResponsesByDecision(
        groups=[DecisionGroup(decision=d, responses=by_decision[d.pk]) for d in decisions],
        pending=pending,
    )


# --------------------------------------------------------------------------- a process


def process_responses(
    process: Process, *, page_number: int | str | None = 1, per_page: int = PER_PAGE
) -> Page:
    """One page of the process's answers, newest first, each with its
    decision and its contributions (with their authors) loaded: three
    queries (count, page, contributions)."""
    rows = _with_contributions(
        Response.objects.filter(process=process).order_by("-created_at", "-pk")
    )
    return Paginator(rows, per_page).get_page(page_number)


def answers_for(contributions: Sequence[Contribution]) -> None:
    """What became of each of ``contributions``: set ``answers`` (the
    responses answering it, newest first, with their decision) on those
    that were answered, in one query; none at all when no contribution
    shown was answered (``response_count`` is kept by the services)."""
    answered = [c for c in contributions if c.response_count]
    if not answered:
        return
    prefetch_related_objects(
        answered,
        Prefetch(
            "responses",
            queryset=Response.objects.select_related("decision").order_by("-created_at", "-pk"),
            to_attr="answers",
        ),
    )


def response_of(process: Process, pk: int) -> Response | None:
    """The process's response ``pk`` with its contributions (and authors)."""
    return _with_contributions(Response.objects.filter(process=process, pk=pk)).first()


# --------------------------------------------------------------------------- staff picking


def answerable_contributions(
    process: Process,
    *,
    module_id: int | None = None,
    unanswered: bool = False,
    text: str = "",
    page_number: int | str | None = 1,
    per_page: int = PICK_PER_PAGE,
) -> Page:
    """One page of the process's visible contributions (replies included),
    oldest first, for staff to pick and answer: narrowed to one module, to
    those not answered yet, or to those containing ``text``. Two queries."""
    rows = Contribution.objects.filter(
        module__process=process, status=ContributionStatus.VISIBLE
    ).select_related("participant", "module")
    if module_id is not None:
        rows = rows.filter(module_id=module_id)
    if unanswered:
        rows = rows.filter(response_count=0)
    text = text.strip()
    if text:
        rows = rows.filter(body__icontains=text)
    return Paginator(rows.order_by("created_at", "pk"), per_page).get_page(page_number)


def recent_responses(process: Process, *, limit: int) -> list[Response]:
    """The process's ``limit`` newest answers, which staff may add the
    contributions they picked to: one query."""
    return list(Response.objects.filter(process=process).order_by("-created_at", "-pk")[:limit])


def contributions_to_answer(process: Process, ids: Sequence[int]) -> list[Contribution]:
    """The contributions ``ids`` of the process (any status), oldest first,
    with their authors and modules; ids of other processes are left out."""
    return list(
        Contribution.objects.filter(module__process=process, pk__in=list(ids))
        .select_related("participant", "module")
        .order_by("created_at", "pk")
    )


# --------------------------------------------------------------------------- the process page


@dataclass(frozen=True)
class ResponsesSummary:
    """What the process page says of its answers: how many, and whether the
    reader follows the process."""

    count: int
    following: bool


def is_following(process: Process, participant: Participant | None) -> bool:
    """Whether ``participant`` follows the process: one query (none without
    a participant)."""
    return (
        participant is not None
        and Follow.objects.filter(process=process, participant=participant).exists()
    )


def responses_summary(process: Process, participant: Participant | None) -> ResponsesSummary:
    """How many answers the process has and whether ``participant``
    follows it: two queries (one without a participant)."""
    return ResponsesSummary(
        count=Response.objects.filter(process=process).count(),
        following=is_following(process, participant),
    )


# --------------------------------------------------------------------------- the API


def api_responses(
    procurement: Procurement, *, process_slug: str | None = None
) -> QuerySet[Response]:
    """The public answers of the procurement (of one process when
    ``process_slug`` is given), newest first, with process and decision
    joined and the ids of their contributions prefetched: a page costs three
    queries (count, page, contribution ids)."""
    rows = public_responses(procurement)
    if process_slug:
        rows = rows.filter(process__slug=process_slug)
    return rows.select_related("process", "decision").prefetch_related(
        Prefetch("contributions", queryset=Contribution.objects.only("pk").order_by("pk"))
    )
