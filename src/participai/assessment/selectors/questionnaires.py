"""Reads about the impact questionnaires a body can assess with: the ones the
product ships (``registry``) and the ones the organisation uploaded."""

from __future__ import annotations

import threading
from dataclasses import dataclass

from django.db.models import QuerySet

from participai.accounts.models import Organisation

from .. import registry
from ..aia_import import AiaImport
from ..models import ImpactAssessment, OrganisationQuestionnaire
from ..questionnaire import Questionnaire, load_questionnaire


def questionnaires_of(organisation: Organisation) -> QuerySet[OrganisationQuestionnaire]:
    """Every questionnaire the organisation uploaded, active ones first, newest version last."""
    return (
        OrganisationQuestionnaire.objects.filter(organisation=organisation)
        .select_related("uploaded_by")
        .order_by("-is_active", "questionnaire_id", "created_at")
    )


# Parsed questionnaires by row. A definition never changes once uploaded, so
# each worker parses it once rather than on every page; bounded, oldest dropped
# first. The key holds more than the primary key because a database may hand
# out a primary key again after a rollback (SQLite does). The lock keeps two
# threads from evicting the same entry; reads need none.
_PARSED: dict[tuple[object, ...], Questionnaire] = {}
_PARSED_MAX = 32
_PARSED_LOCK = threading.Lock()


def definition_of(row: OrganisationQuestionnaire) -> Questionnaire:
    """The uploaded questionnaire as the scorer and the forms read it.

    Reads ``row.definition`` (a deferred field is fetched then) only the first
    time. Precondition: the definition was validated on upload (the service
    never stores anything ``load_questionnaire`` refuses).
    """
    key = (row.pk, row.created_at, row.source_sha256, row.version)
    found = _PARSED.get(key)
    if found is None:
        found = load_questionnaire(row.definition)
        with _PARSED_LOCK:
            while len(_PARSED) >= _PARSED_MAX:
                _PARSED.pop(next(iter(_PARSED)))
            _PARSED[key] = found
    return found


def conversion_of(row: OrganisationQuestionnaire) -> AiaImport:
    """How answers saved by the Canadian tool map onto ``row``'s questions."""
    return AiaImport(
        questionnaire=definition_of(row),
        warnings=tuple(row.warnings),
        key_map=tuple(tuple(pair) for pair in row.key_map),
        phase_values=tuple(tuple(pair) for pair in row.phase_values),
    )


def questionnaire_of(assessment: ImpactAssessment) -> Questionnaire:
    """The questionnaire ``assessment`` was answered against, shipped or uploaded."""
    if assessment.organisation_questionnaire_id is None:
        return registry.get(assessment.questionnaire_id, assessment.questionnaire_version)
    row = OrganisationQuestionnaire.objects.defer("definition").get(
        pk=assessment.organisation_questionnaire_id
    )
    return definition_of(row)


@dataclass(frozen=True)
class QuestionnaireOption:
    """One questionnaire offered when an assessment starts.

    ``value`` is what the start form posts: ``"shipped"`` for the product's
    own questionnaire, else the uploaded row's primary key.
    """

    value: str
    questionnaire: Questionnaire
    row: OrganisationQuestionnaire | None = None


SHIPPED = "shipped"


def offered_questionnaires(organisation: Organisation) -> list[QuestionnaireOption]:
    """The product's newest questionnaire, then the organisation's active uploads."""
    options = [QuestionnaireOption(SHIPPED, registry.current())]
    for row in questionnaires_of(organisation).filter(is_active=True).defer("definition"):
        options.append(QuestionnaireOption(str(row.pk), definition_of(row), row))
    return options


def default_option(
    options: list[QuestionnaireOption], last: ImpactAssessment | None
) -> QuestionnaireOption:
    """What a new assessment proposes: the questionnaire of the last completed
    assessment when it is still offered (same id, any version: the newest
    offered, as for the shipped one), else the first.

    Precondition: ``options`` as :func:`offered_questionnaires` orders them,
    so the last of an id is its newest upload."""
    if last is not None:
        for option in reversed(options):
            if option.questionnaire.id == last.questionnaire_id and (
                (option.row is None) == (last.organisation_questionnaire_id is None)
            ):
                return option
    return options[0]


@dataclass(frozen=True)
class SectionSummary:
    """One section as the questionnaire page lists it."""

    title: str
    kind: str
    phase: str
    questions: int
    max_points: int


def section_summaries(questionnaire: Questionnaire, lang: str) -> list[SectionSummary]:
    """Each section's title in ``lang``, kind, phase, question count and most
    points its answers can give (0 for unscored context sections)."""
    return [
        SectionSummary(
            title=section.title(lang),
            kind=section.kind,
            phase=section.phase,
            questions=len(section.questions),
            max_points=0
            if section.kind == "context"
            else sum(q.max_points for q in section.questions),
        )
        for section in questionnaire.sections
    ]
