"""The moderators' queue: what people said in an organisation's processes,
the contributions with open flags first.

A page costs the same number of queries however many contributions and
flags there are: one for the count, one for the page's rows (with their
module, process, procurement and author joined), and one for the open flags
of the rows shown. How many flags are open is the contribution's own
``flag_count`` (kept by the services, zero once moderation resolves them),
so the queue filters and orders on a column rather than a COUNT per row.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet

from participai.accounts.models import Organisation

from ..models import Contribution, ContributionStatus, Flag, FlagReason

PER_PAGE = 25
# What the queue can narrow to: everything, the contributions with open
# flags, or the hidden ones (to restore one).
FILTERS = ("all", "flagged", "hidden")


@dataclass(frozen=True)
class FlagSummary:
    """The open flags of one contribution: how many per reason, and the notes."""

    reasons: list[tuple[str, int]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class QueueRow:
    contribution: Contribution
    open_flags: int
    flags: FlagSummary


@dataclass(frozen=True)
class QueuePage:
    page: Page
    rows: list[QueueRow]
    show: str


def _queue(organisation: Organisation, show: str) -> QuerySet[Contribution]:
    queryset = (
        Contribution.objects.filter(module__process__procurement__organisation=organisation)
        # A contribution its author removed has no text left to judge.
        .exclude(status=ContributionStatus.REMOVED)
        .select_related(
            "module__process__procurement", "participant", "entered_by", "parent__participant"
        )
    )
    if show == "flagged":
        queryset = queryset.filter(flag_count__gt=0)
    elif show == "hidden":
        queryset = queryset.filter(status=ContributionStatus.HIDDEN)
    # Most-flagged first, then the newest: what needs a decision is on top.
    return queryset.order_by("-flag_count", "-created_at", "-pk")


def moderation_queue(
    organisation: Organisation,
    *,
    show: str = "all",
    page_number: int | str | None = 1,
    per_page: int = PER_PAGE,
) -> QueuePage:
    """One page of the organisation's contributions (visible and hidden,
    not those removed by their authors), those with open flags first, most
    flags first, then the newest. ``show`` is a key of :data:`FILTERS`
    (anything else reads as ``all``)."""
    show = show if show in FILTERS else "all"
    page = Paginator(_queue(organisation, show), per_page).get_page(page_number)
    contributions = list(page.object_list)
    flagged_ids = [c.pk for c in contributions if c.flag_count]
    reasons: dict[int, Counter[str]] = {pk: Counter() for pk in flagged_ids}
    notes: dict[int, list[str]] = {pk: [] for pk in flagged_ids}
    if flagged_ids:
        for contribution_id, reason, note in (
            Flag.objects.filter(contribution_id__in=flagged_ids, resolved_at__isnull=True)
            .order_by("created_at", "pk")
            .values_list("contribution_id", "reason", "note")
        ):
            reasons[contribution_id][reason] += 1
            if note:
                notes[contribution_id].append(note)
    labels = dict(FlagReason.choices)
    rows = []
    for contribution in contributions:
        summary = FlagSummary()
        if contribution.pk in reasons:
            summary = FlagSummary(
                reasons=[
                    (str(labels.get(reason, reason)), count)
                    for reason, count in reasons[contribution.pk].most_common()
                ],
                notes=notes[contribution.pk],
            )
        rows.append(
            QueueRow(contribution=contribution, open_flags=contribution.flag_count, flags=summary)
        )
    return QueuePage(page=page, rows=rows, show=show)


def queue_contribution(organisation: Organisation, contribution_id: int) -> Contribution | None:
    """A contribution of one of the organisation's processes, or ``None``."""
    return Contribution.objects.filter(
        pk=contribution_id, module__process__procurement__organisation=organisation
    ).first()
