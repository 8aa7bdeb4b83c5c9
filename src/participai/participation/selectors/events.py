"""Reads of an event module: the record of the meeting, and the points
raised there (its contributions, as threads, oldest first: the order they
were raised in)."""

from __future__ import annotations

from participai.accounts.models import Participant

from ..models import EventRecord, Module
from .threads import ThreadPage, thread_page


def event_of(module: Module) -> EventRecord | None:
    """The record of the meeting ``module`` stands for, or ``None`` before it is written."""
    return EventRecord.objects.filter(module=module).first()


def points_raised(
    module: Module, *, page_number: int | str | None = 1, reader: Participant | None = None
) -> ThreadPage:
    """One page of the points raised at the meeting, in the order they were raised."""
    return thread_page(module, order="oldest", page_number=page_number, reader=reader)
