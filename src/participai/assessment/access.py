"""Reaching an impact assessment: only through its procurement's access rules."""

from __future__ import annotations

from django.http import Http404

from participai.accounts.models import User
from participai.procurements.access import Action, access_procurement
from participai.procurements.models import Procurement

from .models import ImpactAssessment


def access_assessment(
    user: User, slug: str, number: int, *, action: Action = Action.VIEW
) -> tuple[Procurement, ImpactAssessment]:
    """The procurement ``slug`` and its assessment ``number`` for staff work.

    404 unless ``user`` is a member of the procurement's organisation (as for
    the procurement itself); 403 when ``action`` is refused at this stage.
    """
    procurement = access_procurement(user, slug, action=action)
    assessment = (
        ImpactAssessment.objects.filter(procurement=procurement, number=number)
        .select_related("started_by", "completed_by")
        .first()
    )
    if assessment is None:
        raise Http404("No such assessment.")
    return procurement, assessment
