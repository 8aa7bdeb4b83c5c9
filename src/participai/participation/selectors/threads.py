"""Reads of what people said: processes, modules and paginated threads.

A page of a thread costs the same number of queries however long the thread
is: one for the page's threads, one for their replies, and one for what the
reader already supports. Counters come from the rows (kept by the services),
never from a COUNT: the number of threads is ``Module.thread_count``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.paginator import Page
from django.db.models import F, QuerySet

from participai.accounts.models import Participant
from participai.core.pagination import CountedPaginator
from participai.procurements.models import Procurement

from ..models import Contribution, Module, Process, StatementVote, Support
from .opinion_groups import statement_priorities
from .responses import answers_for

ORDERS = {
    "newest": ("-created_at", "-pk"),
    "oldest": ("created_at", "pk"),
    "top": ("-support_count", "-created_at", "-pk"),
}
PER_PAGE = 20


def public_processes(procurement: Procurement) -> QuerySet[Process]:
    """The published processes of a procurement, soonest first."""
    return procurement.processes.filter(is_published=True).order_by("opens_at", "pk")


def modules_of(process: Process) -> list[Module]:
    """The process's modules in their order."""
    return list(process.modules.order_by("position", "pk"))


@dataclass(frozen=True)
class Thread:
    root: Contribution
    replies: list[Contribution]


@dataclass(frozen=True)
class ThreadPage:
    page: Page
    threads: list[Thread]
    supported: frozenset[int]
    order: str


def thread_page(
    module: Module,
    *,
    order: str = "newest",
    page_number: int | str | None = 1,
    reader: Participant | None = None,
    per_page: int = PER_PAGE,
) -> ThreadPage:
    """One page of the module's threads (top-level contributions with their
    replies, oldest reply first), in ``order`` (a key of :data:`ORDERS`;
    anything else reads as ``newest``). ``supported`` holds the ids the
    ``reader`` supports among those shown. The pages are numbered from
    ``module.thread_count`` as read with ``module``."""
    order = order if order in ORDERS else "newest"
    roots = (
        Contribution.objects.filter(module=module, parent__isnull=True)
        .select_related("participant")
        .order_by(*ORDERS[order])
    )
    page = CountedPaginator(roots, per_page, count=module.thread_count).get_page(page_number)
    rows = list(page.object_list)
    ids = [row.pk for row in rows]
    replies: dict[int, list[Contribution]] = {pk: [] for pk in ids}
    for reply in (
        Contribution.objects.filter(parent_id__in=ids)
        .select_related("participant")
        .order_by("created_at", "pk")
    ):
        replies[reply.parent_id].append(reply)
    # "What became of it": one more query, only when something shown was answered.
    answers_for(rows + [r for rs in replies.values() for r in rs])
    supported: frozenset[int] = frozenset()
    if reader is not None and ids:
        shown = ids + [r.pk for rs in replies.values() for r in rs]
        supported = frozenset(
            Support.objects.filter(participant=reader, contribution_id__in=shown).values_list(
                "contribution_id", flat=True
            )
        )
    return ThreadPage(
        page=page,
        threads=[Thread(root=row, replies=replies[row.pk]) for row in rows],
        supported=supported,
        order=order,
    )


def next_statement(module: Module, participant: Participant | None) -> Contribution | None:
    """The next visible statement ``participant`` has not voted on and did
    not write; ``None`` when none is left.

    Once the opinion groups have been computed, the highest Pol.is priority
    first (new and divisive statements rise, those people pass on sink; see
    ``deliberation.statements.statement_priorities``), a statement newer than
    the computation before all others, ties to the older statement.
    Pol.is draws at random weighted by priority; here the order is fixed, so
    that a reload shows the same statement, and the priorities, refreshed
    after votes arrive, spread the votes. Before any computation: the
    least-voted first, then the oldest."""
    statements = Contribution.objects.filter(
        module=module, kind="statement", status="visible"
    ).select_related("participant")
    if participant is not None:
        voted = StatementVote.objects.filter(participant=participant).values("contribution_id")
        statements = statements.exclude(pk__in=voted).exclude(participant=participant)
    priorities = statement_priorities(module)
    if not priorities:
        return (
            statements.annotate(
                vote_total=F("agree_count") + F("disagree_count") + F("pass_count")
            )
            .order_by("vote_total", "pk")
            .first()
        )
    candidates = list(statements.order_by("pk").values_list("pk", flat=True))
    if not candidates:
        return None
    newest = max(priorities.values(), default=0.0) + 1.0
    chosen = max(candidates, key=lambda pk: (priorities.get(pk, newest), -pk))
    return statements.get(pk=chosen)
