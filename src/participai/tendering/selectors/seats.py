"""The evaluation panels a person sits on, for their workspace dashboard."""

from __future__ import annotations

from participai.accounts.models import User

from ..models import PanelMember, TenderStatus


def seats_of(user: User) -> list[PanelMember]:
    """``user``'s seats on panels of tenders still being evaluated, newest first.

    Community members and independent experts hold seats without belonging to
    the organisation; this is how they find their way to the scoring sheet.
    One query.
    """
    if not user.is_authenticated:
        return []
    return list(
        PanelMember.objects.filter(user=user, tender__status=TenderStatus.PUBLISHED)
        .select_related("tender__procurement__organisation")
        .order_by("-tender__opening_at", "-id")
    )
