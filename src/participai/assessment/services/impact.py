"""Every write to an impact assessment: start, save answers, complete.

Keyword-only, one transaction each, the actor's right checked through the
procurement's access rules (``Action.ASSESS``), an audit event in the same
transaction. Bad answers raise ``ValidationError`` keyed by question and
change nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from participai.accounts.models import User
from participai.core.audit import audit_record
from participai.procurements.models import Procurement
from participai.procurements.services import procurement_record_impact_level

from .. import registry
from ..models import (
    AssessmentStatus,
    ImpactAssessment,
    OrganisationQuestionnaire,
    QuestionnaireFormat,
)
from ..questionnaire import Questionnaire
from ..scoring import ScoreResult, score, validate_answers
from ..selectors.questionnaires import conversion_of, definition_of, questionnaire_of
from . import drafts
from .questionnaires import read_json_upload


def _translated(errors: Mapping[str, str]) -> dict[str, str]:
    # The pure scorer words its messages in English, marked for translation.
    return {key: _(message) for key, message in errors.items()}


def _normalised(answers: Mapping[str, Any]) -> dict[str, Any]:
    """Drop empty answers (``""``, ``None``, ``[]``): an emptied field means
    'not answered', not an answer."""
    cleaned: dict[str, Any] = {}
    for key, value in answers.items():
        if isinstance(value, str):
            value = value.strip()
        if value in ("", None, []):
            continue
        cleaned[key] = list(value) if isinstance(value, tuple) else value
    return cleaned


def _fraction(value: Fraction | None) -> str | None:
    return None if value is None else str(value)


def result_as_dict(result: ScoreResult) -> dict[str, Any]:
    """The score as stored with the assessment (fractions as 'a/b' strings)."""
    return {
        "raw_impact": result.raw_impact,
        "raw_impact_max": result.raw_impact_max,
        "mitigation": result.mitigation,
        "mitigation_max": _fraction(result.mitigation_max),
        "mitigation_share": _fraction(result.mitigation_share),
        "deduction_applied": result.deduction_applied,
        "total": result.total,
        "level": result.level,
        "level_numeral": result.level_numeral,
        "level_thresholds": [_fraction(t) for t in result.level_thresholds],
        "phase": result.phase,
        "sections": [
            {
                "key": section.key,
                "kind": section.kind,
                "applies": section.applies,
                "score": section.score,
                "maximum": section.maximum,
            }
            for section in result.sections
        ],
    }


def _prefill(questionnaire: Questionnaire, previous: ImpactAssessment | None) -> dict[str, Any]:
    """The previous answers that still mean something: questions that exist
    in ``questionnaire`` and answers it accepts (a new version may drop a choice)."""
    if previous is None:
        return {}
    answers = {k: v for k, v in previous.answers.items() if k in questionnaire}
    invalid = validate_answers(questionnaire, answers, complete=False)
    return {k: v for k, v in answers.items() if k not in invalid}


@transaction.atomic
def assessment_start(
    *,
    actor: User,
    procurement: Procurement,
    questionnaire: OrganisationQuestionnaire | None = None,
) -> ImpactAssessment:
    """Open a draft assessment, or return the draft already open (whatever
    its questionnaire).

    The draft is answered against ``questionnaire``, one the procurement's
    organisation uploaded and still offers, or when ``None`` the newest
    questionnaire the product ships (``ValidationError`` keyed
    ``questionnaire`` for another body's or a retired one). A reassessment
    starts from the answers of the last completed assessment of the same
    questionnaire, so nothing entered before has to be typed again.
    """
    procurement = drafts.lock_procurement(actor, procurement)
    draft = drafts.open_draft(procurement.impact_assessments)
    if draft is not None:
        return draft
    row = None
    if questionnaire is None:
        chosen = registry.current()
        same = procurement.impact_assessments.filter(
            questionnaire_id=chosen.id, organisation_questionnaire__isnull=True
        )
    else:
        row = (
            OrganisationQuestionnaire.objects.defer("definition")
            .filter(
                pk=questionnaire.pk, organisation_id=procurement.organisation_id, is_active=True
            )
            .first()
        )
        if row is None:
            raise ValidationError(
                {"questionnaire": _("Your organisation does not offer this questionnaire.")}
            )
        chosen = definition_of(row)
        same = procurement.impact_assessments.filter(
            questionnaire_id=chosen.id, organisation_questionnaire__isnull=False
        )
    previous = drafts.last_completed(same)
    number = drafts.next_number(procurement.impact_assessments)
    assessment = ImpactAssessment.objects.create(
        procurement=procurement,
        number=number,
        questionnaire_id=chosen.id,
        questionnaire_version=chosen.version,
        organisation_questionnaire=row,
        stage=procurement.stage,
        answers=_prefill(chosen, previous),
        started_by=actor,
    )
    audit_record(
        actor=actor,
        action="assessment.started",
        target=assessment,
        organisation_id=procurement.organisation_id,
        data={
            "procurement": procurement.slug,
            "number": number,
            "questionnaire": f"{chosen.id} {chosen.version}",
            "uploaded": questionnaire is not None,
            "prefilled_from": previous.number if previous else None,
        },
    )
    return assessment


def _locked_draft(actor: User, assessment: ImpactAssessment) -> ImpactAssessment:
    return drafts.lock_draft(
        ImpactAssessment,
        actor,
        assessment,
        completed=_("This assessment is completed; start a reassessment instead."),
    )


@transaction.atomic
def assessment_save_answers(
    *, actor: User, assessment: ImpactAssessment, answers: Mapping[str, Any]
) -> ImpactAssessment:
    """Merge ``answers`` (question key → answer) into a draft. An empty answer
    clears the question. Malformed answers raise ``ValidationError`` keyed by
    question and nothing is saved; missing required answers are only checked
    on completion, so a draft can be saved at any point."""
    assessment = _locked_draft(actor, assessment)
    return _merge_answers(actor, assessment, questionnaire_of(assessment), answers)


def _merge_answers(
    actor: User,
    assessment: ImpactAssessment,
    questionnaire: Questionnaire,
    answers: Mapping[str, Any],
) -> ImpactAssessment:
    """Merge into a locked draft; see :func:`assessment_save_answers`."""
    merged = {k: v for k, v in assessment.answers.items() if k not in answers}
    merged.update(_normalised(answers))
    errors = validate_answers(questionnaire, merged, complete=False)
    if errors:
        raise ValidationError(_translated(errors))
    before = assessment.answers
    changed = sorted(k for k in set(merged) | set(before) if merged.get(k) != before.get(k))
    if not changed:
        return assessment
    assessment.answers = merged
    assessment.save(update_fields=["answers", "updated_at"])
    audit_record(
        actor=actor,
        action="assessment.answers_saved",
        target=assessment,
        organisation_id=assessment.procurement.organisation_id,
        data={"questions": changed},
    )
    return assessment


@transaction.atomic
def assessment_complete(*, actor: User, assessment: ImpactAssessment) -> ImpactAssessment:
    """Score a draft and close it for good. Every required question that is
    shown must be answered (errors keyed by question otherwise). The level is
    recorded on the procurement, where the proportionality rules read it."""
    assessment = _locked_draft(actor, assessment)
    questionnaire = questionnaire_of(assessment)
    errors = validate_answers(questionnaire, assessment.answers, complete=True)
    if errors:
        raise ValidationError(_translated(errors))
    result = score(questionnaire, assessment.answers)
    assessment.status = AssessmentStatus.COMPLETED
    assessment.result = result_as_dict(result)
    assessment.level = result.level
    assessment.completed_by = actor
    assessment.completed_at = timezone.now()
    assessment.save()
    procurement_record_impact_level(
        actor=actor,
        procurement=assessment.procurement,
        level=result.level,
        source=f"impact assessment {assessment.number} "
        f"({assessment.questionnaire_id} {assessment.questionnaire_version})",
    )
    audit_record(
        actor=actor,
        action="assessment.completed",
        target=assessment,
        organisation_id=assessment.procurement.organisation_id,
        data={
            "procurement": assessment.procurement.slug,
            "number": assessment.number,
            "level": result.level,
            "total": result.total,
            "raw_impact": result.raw_impact,
            "raw_impact_max": result.raw_impact_max,
            "mitigation": result.mitigation,
            "deduction_applied": result.deduction_applied,
        },
    )
    return assessment


# A saved AIA is some tens of kB; a megabyte is no answer file.
MAX_ANSWERS_BYTES = 1024 * 1024


@transaction.atomic
def assessment_import_answers(
    *, actor: User, assessment: ImpactAssessment, content: bytes
) -> tuple[ImpactAssessment, int]:
    """Read the answers the Canadian AIA tool saved (its JSON file of
    ``{question name: value}``) into a draft answered against an imported AIA.

    Answers in the file replace the draft's answers to the same questions;
    the others are kept, and names that are not questions here are ignored.
    Returns the draft and how many answers were read. A file that is not
    JSON, holds no answer to these questions or an answer they do not accept
    raises ``ValidationError`` keyed ``file`` naming the questions, and
    nothing is saved.
    """
    assessment = _locked_draft(actor, assessment)
    row = (
        OrganisationQuestionnaire.objects.defer("definition")
        .filter(
            pk=assessment.organisation_questionnaire_id,
            source_format=QuestionnaireFormat.AIA_SURVEYJS,
        )
        .first()
    )
    if row is None:
        raise ValidationError(
            {
                "file": _(
                    "Only an assessment with an imported AIA questionnaire "
                    "reads the tool's answers."
                )
            }
        )
    data = read_json_upload(content, limit=MAX_ANSWERS_BYTES)
    if not isinstance(data, dict):
        raise ValidationError(
            {"file": _("The file should hold one object of answers by question.")}
        )
    answers = conversion_of(row).convert_answers(data)
    if not answers:
        raise ValidationError(
            {"file": _("None of the file's answers belongs to a question of this questionnaire.")}
        )
    questionnaire = definition_of(row)
    errors = validate_answers(questionnaire, answers, complete=False)
    if errors:
        raise ValidationError(
            {
                "file": [
                    _("%(question)s: %(problem)s")
                    % {
                        "question": questionnaire.question(key).text(get_language()),
                        "problem": _(message),
                    }
                    if key in questionnaire
                    else _(message)
                    for key, message in sorted(errors.items())
                ]
            }
        )
    return _merge_answers(actor, assessment, questionnaire, answers), len(answers)
