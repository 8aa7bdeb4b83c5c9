"""Reads for the participation JSON API: published processes with their
modules, and a flat, paginated list of what was said in a process.

Each costs a fixed number of queries whatever the row count; the rows carry
the counters the services keep, never a COUNT per contribution.
"""

from __future__ import annotations

from django.db.models import QuerySet

from participai.procurements.models import Procurement

from ..models import Contribution, Module, Process
from .threads import ORDERS, public_processes


def public_processes_with_modules(procurement: Procurement) -> list[Process]:
    """The procurement's published processes, soonest first, each with its
    modules (in their order) loaded in one more query."""
    return list(public_processes(procurement).prefetch_related("modules"))


def published_process(process_id: int) -> Process | None:
    """Process ``process_id`` if it and its procurement are published."""
    return (
        Process.objects.select_related("procurement")
        .filter(pk=process_id, is_published=True, procurement__is_published=True)
        .first()
    )


def published_module(module_id: int) -> Module | None:
    """Module ``module_id`` if its process and procurement are published."""
    return (
        Module.objects.select_related("process__procurement")
        .filter(
            pk=module_id,
            process__is_published=True,
            process__procurement__is_published=True,
        )
        .first()
    )


def published_contribution(contribution_id: int) -> Contribution | None:
    """Contribution ``contribution_id`` if its process and procurement are
    published (whatever its own status: the services say what it takes)."""
    return (
        Contribution.objects.select_related("module__process__procurement")
        .filter(
            pk=contribution_id,
            module__process__is_published=True,
            module__process__procurement__is_published=True,
        )
        .first()
    )


def process_contributions(
    process: Process, *, order: str = "newest", module_id: int | None = None
) -> QuerySet[Contribution]:
    """Every contribution of the process (replies included, hidden and
    removed ones in their place) in ``order`` (a key of ``threads.ORDERS``),
    with their authors loaded; ``module_id`` narrows it to one module."""
    rows = Contribution.objects.filter(module__process=process)
    if module_id is not None:
        rows = rows.filter(module_id=module_id)
    return rows.select_related("participant").order_by(*ORDERS[order])
