"""What every draft-then-completed record shares (impact assessment, AI Act
screening, rights assessment): opening one per procurement, numbering,
locking a draft for writing, and marking the public page stale.

Helpers for the services of this package; each runs inside the caller's
transaction.
"""

from __future__ import annotations

from typing import TypeVar

from django.core.exceptions import ValidationError
from django.db.models import Max, QuerySet

from participai.accounts.models import User
from participai.procurements.access import Action, require
from participai.procurements.models import Procurement

from ..models import AssessmentStatus

Record = TypeVar("Record")


def lock_procurement(actor: User, procurement: Procurement) -> Procurement:
    """The procurement row, locked, once ``actor`` may assess it (else ``PermissionDenied``)."""
    procurement = Procurement.objects.select_for_update().get(pk=procurement.pk)
    require(actor, Action.ASSESS, procurement)
    return procurement


def open_draft(rows: QuerySet[Record]) -> Record | None:
    """The draft among ``rows`` (at most one per procurement), if any."""
    return rows.filter(status=AssessmentStatus.DRAFT).first()


def last_completed(rows: QuerySet[Record]) -> Record | None:
    """The completed record with the highest number among ``rows``, if any."""
    return rows.filter(status=AssessmentStatus.COMPLETED).order_by("-number").first()


def next_number(rows: QuerySet) -> int:
    """1 for the first record of a procurement, then one more than the highest."""
    return (rows.aggregate(n=Max("number"))["n"] or 0) + 1


def lock_draft(model: type[Record], actor: User, record: Record, *, completed: str) -> Record:
    """``record`` reloaded and locked for writing. ``PermissionDenied`` unless
    ``actor`` may assess its procurement; ``ValidationError(completed)`` when it
    is no longer a draft (completed meanwhile, in another tab or by a colleague)."""
    record = model.objects.select_for_update().select_related("procurement").get(pk=record.pk)
    require(actor, Action.ASSESS, record.procurement)
    if not record.is_draft:
        raise ValidationError(completed)
    return record


def touch(procurement: Procurement) -> None:
    """Bump the procurement's version: the public page shows what just changed,
    and its cached body is keyed on the version."""
    procurement.save(update_fields=["updated_at"])
