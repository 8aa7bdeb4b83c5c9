"""Staff reads of participation processes: the list of a procurement's
processes, one process with its modules, the module kinds it may add, and
the modules a facilitator can enter contributions into.

The counts come from the counters the services keep on each module
(``Module.contribution_count``), summed in the same query as the list, so a
list of processes costs one query whatever its length.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, QuerySet, Sum
from django.db.models.functions import Coalesce

from participai.procurements import lifecycle
from participai.procurements.models import Procurement

from ..models import Module, ModuleKind, Process
from ..policy import Window
from ..services.contributions import KINDS_BY_MODULE

# The kinds a facilitator can transcribe from paper or a phone call, and that
# a paper form can be printed for.
WRITTEN_KINDS = frozenset(KINDS_BY_MODULE)


def process_state(process: Process, now: datetime) -> str:
    """``draft`` until published, then ``upcoming``, ``open`` or ``closed``
    by the process's own dates."""
    if not process.is_published:
        return "draft"
    return Window(opens=process.opens_at, closes=process.closes_at).state(now)


def staff_processes(procurement: Procurement) -> QuerySet[Process]:
    """Every process of the procurement, drafts included, soonest first,
    annotated with ``module_total`` and ``contribution_total``."""
    return (
        procurement.processes.select_related("activity")
        .annotate(
            module_total=Count("modules"),
            contribution_total=Coalesce(Sum("modules__contribution_count"), 0),
        )
        .order_by("opens_at", "pk")
    )


@dataclass(frozen=True)
class ModuleRow:
    module: Module
    window: Window
    state: str
    takes_writing: bool


def module_rows(process: Process, now: datetime) -> list[ModuleRow]:
    """The process's modules in their order, each with the window it takes
    contributions in (its own dates, else the process's) and its state then."""
    rows = []
    for module in process.modules.order_by("position", "pk"):
        window = module.window(process)
        rows.append(
            ModuleRow(
                module=module,
                window=window,
                state=window.state(now),
                takes_writing=module.kind in WRITTEN_KINDS,
            )
        )
    return rows


def addable_kinds(process: Process) -> list[tuple[str, str]]:
    """The module kinds the process may add: those its stage takes
    (``lifecycle.Stage.modules``), as
    ``(value, label)`` in the vocabulary's order."""
    stage = lifecycle.stage(process.stage)
    return [(value, label) for value, label in ModuleKind.choices if stage.enables_module(value)]


def written_modules(process: Process) -> list[Module]:
    """The process's modules that take written contributions, in order."""
    return list(
        process.modules.filter(kind__in=WRITTEN_KINDS)
        .select_related("process")
        .order_by("position", "pk")
    )
