"""Reads of the review stage: the reviews recorded, the exit checklist and its
progress, and the lessons learned. A fixed number of queries whatever the
row count."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from participai.participation.models import Process
from participai.procurements.models import Procurement

from .models import Contract, ExitStep, Lesson, Review


@dataclass(frozen=True)
class ExitProgress:
    """How far the exit checklist is: ``done`` of ``total`` steps."""

    done: int
    total: int

    @property
    def percent(self) -> int:
        return round(self.done * 100 / self.total) if self.total else 0

    @property
    def complete(self) -> bool:
        return self.total > 0 and self.done == self.total


def exit_steps(contract: Contract | None) -> list[ExitStep]:
    """The contract's exit steps, soonest due first (undated last): one query."""
    if contract is None:
        return []
    return list(ExitStep.objects.filter(contract=contract).order_by("due_on", "id"))


def exit_progress(steps: list[ExitStep]) -> ExitProgress:
    """The progress of a checklist already read (no query)."""
    return ExitProgress(done=sum(1 for s in steps if s.done_on), total=len(steps))


def contract_exit_progress(contract: Contract) -> ExitProgress:
    """The progress of the contract's exit checklist: one query."""
    return exit_progress(exit_steps(contract))


def lessons_of(procurement: Procurement) -> QuerySet[Lesson]:
    """The procurement's lessons, newest first, with their authors."""
    return Lesson.objects.filter(procurement=procurement).select_related("created_by")


def review_sessions(procurement: Procurement) -> QuerySet[Process]:
    """The participation processes a review may name: the procurement's own."""
    return Process.objects.filter(procurement=procurement).order_by("opens_at", "pk")


@dataclass(frozen=True)
class ReviewPage:
    contract: Contract | None
    reviews: list[Review]
    steps: list[ExitStep]
    progress: ExitProgress
    lessons: list[Lesson]


def review_page(procurement: Procurement) -> ReviewPage:
    """Everything the review page shows: the contract, the reviews (newest
    first, with their sessions and author), the exit checklist and its
    progress, and the lessons. Five queries whatever the number of rows."""
    contract = Contract.objects.filter(procurement=procurement).first()
    reviews = list(
        Review.objects.filter(procurement=procurement)
        .select_related("created_by")
        .prefetch_related("sessions")
    )
    steps = exit_steps(contract)
    return ReviewPage(
        contract=contract,
        reviews=reviews,
        steps=steps,
        progress=exit_progress(steps),
        lessons=list(lessons_of(procurement)),
    )
