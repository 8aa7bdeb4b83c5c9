"""Helpers shared by the engagement-plan tests: stakes, actors, audit events.

Actors are written as rows here: the actor map's own services belong to
another part of the app, and the plan only reads them.
"""

from __future__ import annotations

from participai.accounts.models import User
from participai.assessment.models import AiActScreening, AssessmentStatus
from participai.core.models import AuditEvent
from participai.engagement.models import Actor
from participai.procurements.models import Procurement


def set_level(procurement: Procurement, level: int | None) -> Procurement:
    Procurement.objects.filter(pk=procurement.pk).update(impact_level=level)
    procurement.refresh_from_db()
    return procurement


def set_status(procurement: Procurement, status: str) -> Procurement:
    Procurement.objects.filter(pk=procurement.pk).update(status=status)
    procurement.refresh_from_db()
    return procurement


def screen_high_risk(procurement: Procurement, user: User) -> AiActScreening:
    """A completed AI Act screening that found a high-risk use."""
    return AiActScreening.objects.create(
        procurement=procurement,
        number=1,
        stage=procurement.stage,
        status=AssessmentStatus.COMPLETED,
        classification="high_risk",
        fria_required=True,
        eu_registration_required=True,
        started_by=user,
    )


def add_actor(
    procurement: Procurement,
    user: User,
    kind: str = "affected_community",
    *,
    name: str | None = None,
    is_affected: bool | None = None,
) -> Actor:
    return Actor.objects.create(
        procurement=procurement,
        name=name or f"{kind} of {procurement.slug}",
        kind=kind,
        sector="general_public",
        is_affected=kind == "affected_community" if is_affected is None else is_affected,
        influence=2,
        interest=5,
        created_by=user,
    )


def events(action: str | None = None):
    queryset = AuditEvent.objects.all()
    return queryset.filter(action=action) if action else queryset
