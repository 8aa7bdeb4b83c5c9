"""Reaching assessments: only through their procurement's access rules."""

from __future__ import annotations

from django.http import Http404

from participai.accounts.models import Organisation, User
from participai.procurements.access import Action, access_organisation, access_procurement
from participai.procurements.models import Procurement

from .models import AiActScreening, ImpactAssessment, OrganisationQuestionnaire, RightsAssessment


def access_assessment(
    user: User, slug: str, number: int, *, action: Action = Action.VIEW
) -> tuple[Procurement, ImpactAssessment]:
    """The procurement ``slug`` and its assessment ``number`` for staff work.

    404 unless ``user`` is a member of the procurement's organisation (as for
    the procurement itself); 403 when ``action`` is refused at this stage.
    """
    return _numbered(ImpactAssessment, user, slug, number, action)


def _numbered(model, user: User, slug: str, number: int, action: Action):
    procurement = access_procurement(user, slug, action=action)
    record = (
        model.objects.filter(procurement=procurement, number=number)
        .select_related("started_by", "completed_by")
        .first()
    )
    if record is None:
        raise Http404(f"No such {model._meta.model_name}.")
    return procurement, record


def access_screening(
    user: User, slug: str, number: int, *, action: Action = Action.VIEW
) -> tuple[Procurement, AiActScreening]:
    """The procurement ``slug`` and its AI Act screening ``number``; 404 and 403
    as for :func:`access_assessment`."""
    return _numbered(AiActScreening, user, slug, number, action)


def access_rights_assessment(
    user: User, slug: str, number: int, *, action: Action = Action.VIEW
) -> tuple[Procurement, RightsAssessment]:
    """The procurement ``slug`` and its fundamental rights assessment ``number``;
    404 and 403 as for :func:`access_assessment`."""
    return _numbered(RightsAssessment, user, slug, number, action)


def access_organisation_questionnaire(
    user: User, organisation_slug: str, pk: int, *, action: Action = Action.VIEW
) -> tuple[Organisation, OrganisationQuestionnaire]:
    """The organisation ``organisation_slug`` and the questionnaire ``pk`` it uploaded.

    404 unless ``user`` is a member of that organisation and the questionnaire
    is its own; 403 when ``action`` (e.g. managing questionnaires) is refused.
    ``definition`` is deferred: it is fetched on first use.
    """
    organisation = access_organisation(user, organisation_slug, action=action)
    row = (
        OrganisationQuestionnaire.objects.filter(organisation=organisation, pk=pk)
        .select_related("uploaded_by")
        # Hundreds of kB, read only when not parsed yet (selectors.definition_of).
        .defer("definition")
        .first()
    )
    if row is None:
        raise Http404("No such questionnaire in this organisation.")
    return organisation, row
