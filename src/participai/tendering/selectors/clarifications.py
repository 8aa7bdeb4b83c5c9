"""Reads of the clarifications: whether suppliers may ask now, what the public
sees (published answers, never who asked) and what the team sees (everything,
the askers included).

Who asked is staff-only: answers go to every bidder alike, and an evaluator
who knew which supplier asked what could no longer judge the bids blind to
it. Only the roles that answer questions (the procurement team) see the
askers, whatever the stage.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from participai.accounts.models import User
from participai.procurements.access import Action, roles_allowed, roles_in
from participai.procurements.lifecycle import Feature
from participai.procurements.models import Procurement, ProcurementStatus

from ..models import Clarification, ClarificationStatus, Tender, TenderStatus


@dataclass(frozen=True)
class AskingState:
    """Whether suppliers may ask a question now; ``reason`` says why not."""

    open: bool
    reason: str = ""
    closes_at: datetime.datetime | None = None


def question_deadline(tender: Tender | None) -> datetime.datetime | None:
    """The last moment for questions: the clarification deadline, else the
    deadline for bids (a question after it could change nothing), else none."""
    if tender is None:
        return None
    return tender.clarification_deadline or tender.submission_deadline


def asking_state(
    procurement: Procurement, tender: Tender | None, *, now: datetime.datetime | None = None
) -> AskingState:
    """May a supplier ask a question about ``procurement`` now?

    Open while the procurement is published and active, its stage takes
    suppliers' questions (``Feature.CLARIFICATIONS``: market engagement,
    solicitation preparation, vendor evaluation), the tender (if any) is not
    awarded or cancelled, and its question deadline (see
    :func:`question_deadline`) has not passed.
    """
    if not procurement.is_published:
        return AskingState(False, _("This procurement is not published."))
    if procurement.status != ProcurementStatus.ACTIVE:
        return AskingState(False, _("This procurement is closed."))
    if not procurement.current_stage.enables_feature(Feature.CLARIFICATIONS):
        return AskingState(
            False,
            _("Suppliers' questions are not taken at the stage “%(stage)s”.")
            % {"stage": procurement.current_stage.name},
        )
    if tender is not None and tender.status in (TenderStatus.AWARDED, TenderStatus.CANCELLED):
        return AskingState(
            False,
            _("The tender is %(status)s: questions are closed.")
            % {"status": tender.get_status_display().lower()},
        )
    deadline = question_deadline(tender)
    if deadline is not None and (now or timezone.now()) >= deadline:
        return AskingState(
            False,
            _("The deadline for questions has passed (%(moment)s).")
            % {"moment": date_format(timezone.localtime(deadline), "DATETIME_FORMAT")},
            deadline,
        )
    return AskingState(True, "", deadline)


def published_clarifications(tender: Tender | None) -> list[Clarification]:
    """The published questions and answers, in the order they were published.

    What the public reads: the template and the API use ``question``,
    ``answer`` and the dates only, never the asker's fields.
    """
    if tender is None:
        return []
    return list(
        Clarification.objects.filter(tender=tender, status=ClarificationStatus.PUBLISHED)
        .only("id", "tender_id", "question", "answer", "status", "published_at", "updated_at")
        .order_by("published_at", "id")
    )


def clarification_updated(clarification: Clarification) -> bool:
    """Was the published answer edited after its first publication?

    Publication stamps ``updated_at`` with ``published_at`` exactly (see
    ``services.clarifications``); only a later edit moves it on.
    """
    return (
        clarification.published_at is not None
        and clarification.updated_at is not None
        and clarification.updated_at > clarification.published_at
    )


def may_see_askers(user: User, procurement: Procurement) -> bool:
    """May ``user`` see who asked (names, organisations, emails)? The roles
    that answer questions may, at any stage; other members may not."""
    if not user.is_authenticated:
        return False
    return bool(
        roles_in(user, procurement.organisation_id) & roles_allowed(Action.ANSWER_CLARIFICATION)
    )


@dataclass(frozen=True)
class StaffClarifications:
    """The team's view: every question, by status, with its asker."""

    pending: list[Clarification]
    published: list[Clarification]
    declined: list[Clarification]

    @property
    def count(self) -> int:
        return len(self.pending) + len(self.published) + len(self.declined)


def staff_clarifications(tender: Tender | None) -> StaffClarifications:
    """Every question of ``tender``, oldest first in each status: one query."""
    if tender is None:
        return StaffClarifications([], [], [])
    rows: QuerySet[Clarification] = (
        Clarification.objects.filter(tender=tender)
        .select_related("asked_by", "answered_by")
        .order_by("created_at", "id")
    )
    grouped: dict[str, list[Clarification]] = {status: [] for status in ClarificationStatus}
    for row in rows:
        grouped[row.status].append(row)
    return StaffClarifications(
        pending=grouped[ClarificationStatus.PENDING],
        published=grouped[ClarificationStatus.PUBLISHED],
        declined=grouped[ClarificationStatus.DECLINED],
    )


def clarification_of(tender: Tender | None, clarification_id: int) -> Clarification | None:
    """Clarification ``clarification_id`` of ``tender``, or ``None``."""
    if tender is None:
        return None
    return (
        Clarification.objects.filter(tender=tender, id=clarification_id)
        .select_related("asked_by", "answered_by")
        .first()
    )
