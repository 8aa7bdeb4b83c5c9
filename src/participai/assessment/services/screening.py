"""Every write to an EU AI Act screening and a fundamental rights impact assessment.

Keyword-only, one transaction each, the actor's right checked through the
procurement's access rules (``Action.ASSESS``), an audit event in the same
transaction. Bad input raises ``ValidationError`` keyed by field and changes
nothing. Completed records are frozen; doing it again is a new number, and
the earlier ones are kept.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from participai.accounts.models import User
from participai.core.audit import audit_record
from participai.core.text import clean_plain
from participai.procurements.models import Procurement

from .. import ai_act
from ..models import AiActScreening, AssessmentStatus, RightsAssessment
from . import drafts

RIGHTS_TEXT_MAX = 20_000


# --------------------------------------------------------------------------
# AI Act screening
# --------------------------------------------------------------------------


@transaction.atomic
def screening_start(*, actor: User, procurement: Procurement) -> AiActScreening:
    """Open a draft screening, or return the draft already open. A new screening
    starts from the last completed one's answers, else from answers that
    declare nothing (every yes/no "no")."""
    procurement = drafts.lock_procurement(actor, procurement)
    draft = drafts.open_draft(procurement.screenings)
    if draft is not None:
        return draft
    previous = drafts.last_completed(procurement.screenings)
    if previous is not None:
        answers = dict(previous.answers)
    else:
        # Public bodies are the platform's users: start from that, not from "no".
        answers = {**ai_act.blank_answers(), "deployer_is_public_body": True}
    screening = AiActScreening.objects.create(
        procurement=procurement,
        number=drafts.next_number(procurement.screenings),
        stage=procurement.stage,
        answers=answers,
        started_by=actor,
    )
    audit_record(
        actor=actor,
        action="screening.started",
        target=screening,
        organisation_id=procurement.organisation_id,
        data={
            "procurement": procurement.slug,
            "number": screening.number,
            "prefilled_from": previous.number if previous else None,
        },
    )
    return screening


def _locked(model, actor: User, record):
    return drafts.lock_draft(
        model, actor, record, completed=_("This is completed; start a new one instead.")
    )


def _answer_errors(answers: Mapping[str, Any], *, partial: bool) -> dict[str, str]:
    errors = ai_act.validate_answers(answers, lang=get_language() or "en")
    if partial:
        # A draft may leave questions unanswered; only malformed answers count.
        errors = {key: message for key, message in errors.items() if key in answers}
    return errors


@transaction.atomic
def screening_save_answers(
    *, actor: User, screening: AiActScreening, answers: Mapping[str, Any]
) -> AiActScreening:
    """Merge ``answers`` into a draft screening; a ``None`` answer clears the
    question. Malformed answers raise ``ValidationError`` keyed by question and
    nothing is saved; missing answers are only checked on completion."""
    screening = _locked(AiActScreening, actor, screening)
    before = screening.answers
    merged = {k: v for k, v in {**before, **answers}.items() if v is not None}
    errors = _answer_errors(merged, partial=True)
    if errors:
        raise ValidationError(errors)
    # Over both sides, so that a cleared answer counts as a change.
    changed = sorted(k for k in set(merged) | set(before) if merged.get(k) != before.get(k))
    if not changed:
        return screening
    screening.answers = merged
    screening.save(update_fields=["answers", "updated_at"])
    audit_record(
        actor=actor,
        action="screening.answers_saved",
        target=screening,
        organisation_id=screening.procurement.organisation_id,
        data={"questions": changed},
    )
    return screening


@transaction.atomic
def screening_complete(*, actor: User, screening: AiActScreening) -> AiActScreening:
    """Classify a draft screening and freeze it. Every question must be answered
    (errors keyed by question otherwise). The class and the FRIA and EU
    database flags then drive the procurement's obligations."""
    screening = _locked(AiActScreening, actor, screening)
    errors = _answer_errors(screening.answers, partial=False)
    if errors:
        raise ValidationError(errors)
    result = ai_act.screen(screening.answers)
    screening.status = AssessmentStatus.COMPLETED
    screening.result = result.as_dict()
    screening.classification = result.classification
    screening.fria_required = result.fria_required
    screening.eu_registration_required = result.eu_database_registration_required
    screening.completed_by = actor
    screening.completed_at = timezone.now()
    screening.save()
    drafts.touch(screening.procurement)
    audit_record(
        actor=actor,
        action="screening.completed",
        target=screening,
        organisation_id=screening.procurement.organisation_id,
        data={
            "procurement": screening.procurement.slug,
            "number": screening.number,
            "classification": result.classification,
            "annex_iii": result.annex_iii,
            "fria_required": result.fria_required,
            "eu_database_registration_required": result.eu_database_registration_required,
        },
    )
    return screening


# --------------------------------------------------------------------------
# Fundamental rights impact assessment (Art. 27)
# --------------------------------------------------------------------------


@transaction.atomic
def rights_assessment_start(*, actor: User, procurement: Procurement) -> RightsAssessment:
    """Open a draft fundamental rights assessment, or return the open draft.

    Starts from the last completed one's text, else with the affected people
    the procurement names as the first draft of point (c). Allowed whatever
    the screening found: a body may assess rights without being obliged to.
    """
    procurement = drafts.lock_procurement(actor, procurement)
    draft = drafts.open_draft(procurement.rights_assessments)
    if draft is not None:
        return draft
    previous = drafts.last_completed(procurement.rights_assessments)
    screening = drafts.last_completed(procurement.screenings)
    texts = (
        {point: getattr(previous, point) for point in RightsAssessment.POINTS}
        if previous
        else {"affected_groups": procurement.affected_people.strip()}
    )
    assessment = RightsAssessment.objects.create(
        procurement=procurement,
        number=drafts.next_number(procurement.rights_assessments),
        stage=procurement.stage,
        screening=screening,
        started_by=actor,
        **texts,
    )
    audit_record(
        actor=actor,
        action="rights_assessment.started",
        target=assessment,
        organisation_id=procurement.organisation_id,
        data={
            "procurement": procurement.slug,
            "number": assessment.number,
            "screening": screening.number if screening else None,
            "prefilled_from": previous.number if previous else None,
        },
    )
    return assessment


@transaction.atomic
def rights_assessment_save(
    *, actor: User, assessment: RightsAssessment, texts: Mapping[str, str]
) -> RightsAssessment:
    """Save the given points (keys of ``RightsAssessment.POINTS``) of a draft.
    Unknown keys or texts over the length limit raise ``ValidationError`` and
    nothing is saved."""
    assessment = _locked(RightsAssessment, actor, assessment)
    errors: dict[str, str] = {}
    cleaned: dict[str, str] = {}
    for key, value in texts.items():
        if key not in RightsAssessment.POINTS:
            errors[key] = _("This is not a point of the assessment.")
            continue
        text = clean_plain(value or "").strip()
        if len(text) > RIGHTS_TEXT_MAX:
            errors[key] = _("Keep this under %(max)d characters.") % {"max": RIGHTS_TEXT_MAX}
        cleaned[key] = text
    if errors:
        raise ValidationError(errors)
    changed = sorted(k for k, v in cleaned.items() if getattr(assessment, k) != v)
    if not changed:
        return assessment
    for key in changed:
        setattr(assessment, key, cleaned[key])
    assessment.save(update_fields=[*changed, "updated_at"])
    audit_record(
        actor=actor,
        action="rights_assessment.saved",
        target=assessment,
        organisation_id=assessment.procurement.organisation_id,
        data={"points": changed},
    )
    return assessment


@transaction.atomic
def rights_assessment_complete(*, actor: User, assessment: RightsAssessment) -> RightsAssessment:
    """Freeze a draft once every point (a) to (f) and the summary is written."""
    assessment = _locked(RightsAssessment, actor, assessment)
    missing = {
        point: _("Answer this point before completing.")
        for point in RightsAssessment.POINTS
        if not getattr(assessment, point).strip()
    }
    if missing:
        raise ValidationError(missing)
    assessment.status = AssessmentStatus.COMPLETED
    assessment.completed_by = actor
    assessment.completed_at = timezone.now()
    assessment.save()
    drafts.touch(assessment.procurement)
    audit_record(
        actor=actor,
        action="rights_assessment.completed",
        target=assessment,
        organisation_id=assessment.procurement.organisation_id,
        data={
            "procurement": assessment.procurement.slug,
            "number": assessment.number,
            "affected_groups": assessment.affected_group_list,
        },
    )
    return assessment
