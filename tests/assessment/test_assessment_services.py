"""Impact assessments through the services: drafts, answers, completion, versions."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from participai.accounts.roles import Role
from participai.assessment import registry
from participai.assessment.models import AssessmentStatus, ImpactAssessment
from participai.assessment.scoring import score
from participai.assessment.selectors import impact as selectors
from participai.assessment.services import drafts
from participai.assessment.services import impact as services
from participai.core.models import AuditEvent
from participai.procurements.models import Procurement


def test_start_opens_a_draft_against_the_current_questionnaire(procurement, officer):
    assessment = services.assessment_start(actor=officer, procurement=procurement)
    current = registry.current()
    assert (assessment.number, assessment.status) == (1, AssessmentStatus.DRAFT)
    assert (assessment.questionnaire_id, assessment.questionnaire_version) == (
        current.id,
        current.version,
    )
    assert assessment.stage == procurement.stage
    assert AuditEvent.objects.filter(action="assessment.started").count() == 1


def test_start_returns_the_open_draft(procurement, officer):
    first = services.assessment_start(actor=officer, procurement=procurement)
    again = services.assessment_start(actor=officer, procurement=procurement)
    assert again.pk == first.pk
    assert ImpactAssessment.objects.count() == 1


def test_only_one_draft_per_procurement_in_the_database(procurement, officer):
    draft = services.assessment_start(actor=officer, procurement=procurement)
    with pytest.raises(IntegrityError), transaction.atomic():
        ImpactAssessment.objects.create(
            procurement=procurement,
            number=2,
            questionnaire_id=draft.questionnaire_id,
            questionnaire_version=draft.questionnaire_version,
            stage=draft.stage,
            started_by=officer,
        )


@pytest.mark.parametrize("role", [Role.MODERATOR, Role.EVALUATOR, Role.AUDITOR])
def test_start_is_refused_without_the_right(procurement, org, make_member, role):
    with pytest.raises(PermissionDenied):
        services.assessment_start(actor=make_member(org, role), procurement=procurement)
    assert not ImpactAssessment.objects.exists()


def test_start_is_refused_on_a_closed_procurement(make_procurement, officer):
    closed = make_procurement(stage="review")
    Procurement.objects.filter(pk=closed.pk).update(status="no_ai")
    with pytest.raises(PermissionDenied):
        services.assessment_start(actor=officer, procurement=closed)


def test_save_answers_merges_and_clears(procurement, officer):
    draft = services.assessment_start(actor=officer, procurement=procurement)
    services.assessment_save_answers(
        actor=officer, assessment=draft, answers={"phase": "design", "public_scrutiny": "yes"}
    )
    services.assessment_save_answers(
        actor=officer, assessment=draft, answers={"public_scrutiny": "", "drivers": ["backlog"]}
    )
    draft.refresh_from_db()
    assert draft.answers == {"phase": "design", "drivers": ["backlog"]}
    saved = AuditEvent.objects.filter(action="assessment.answers_saved").order_by("seq")
    assert [event.data["questions"] for event in saved] == [
        ["phase", "public_scrutiny"],
        ["drivers", "public_scrutiny"],
    ]


def test_bad_answers_are_errors_keyed_by_question_and_nothing_is_saved(procurement, officer):
    draft = services.assessment_start(actor=officer, procurement=procurement)
    services.assessment_save_answers(actor=officer, assessment=draft, answers={"phase": "design"})
    with pytest.raises(ValidationError) as caught:
        services.assessment_save_answers(
            actor=officer,
            assessment=draft,
            answers={"public_scrutiny": "perhaps", "no_such_question": "x", "phase": "x"},
        )
    assert set(caught.value.message_dict) == {"public_scrutiny", "no_such_question", "phase"}
    draft.refresh_from_db()
    assert draft.answers == {"phase": "design"}


def test_complete_requires_every_shown_required_answer(procurement, officer):
    draft = services.assessment_start(actor=officer, procurement=procurement)
    services.assessment_save_answers(actor=officer, assessment=draft, answers={"phase": "design"})
    with pytest.raises(ValidationError) as caught:
        services.assessment_complete(actor=officer, assessment=draft)
    assert "public_scrutiny" in caught.value.message_dict
    draft.refresh_from_db()
    assert draft.is_draft and draft.level is None


def test_complete_scores_records_the_level_and_freezes(procurement, officer, maximal_answers):
    draft = services.assessment_start(actor=officer, procurement=procurement)
    services.assessment_save_answers(actor=officer, assessment=draft, answers=maximal_answers)
    done = services.assessment_complete(actor=officer, assessment=draft)
    expected = score(registry.current(), maximal_answers)
    assert done.level == expected.level == 4
    assert done.result["total"] == expected.total
    assert done.result["raw_impact_max"] == expected.raw_impact_max
    assert done.completed_by == officer and done.completed_at is not None
    procurement.refresh_from_db()
    assert procurement.impact_level == 4
    assert AuditEvent.objects.filter(action="assessment.completed").get().data["level"] == 4
    done.answers = {}
    with pytest.raises(ImpactAssessment.Immutable):
        done.save()
    with pytest.raises(ValidationError):
        services.assessment_save_answers(actor=officer, assessment=done, answers={"phase": "x"})


def test_a_reassessment_keeps_the_earlier_one_and_starts_from_its_answers(
    make_procurement, officer, minimal_answers
):
    item = make_procurement(stage="impact_assessment")
    first = services.assessment_start(actor=officer, procurement=item)
    services.assessment_save_answers(actor=officer, assessment=first, answers=minimal_answers)
    services.assessment_complete(actor=officer, assessment=first)
    Procurement.objects.filter(pk=item.pk).update(stage="contract_monitoring")
    item.refresh_from_db()
    second = services.assessment_start(actor=officer, procurement=item)
    first.refresh_from_db()
    assert first.status == AssessmentStatus.COMPLETED
    assert second.number == 2
    assert second.stage == "contract_monitoring"
    assert second.answers == first.answers
    assert [a.number for a in selectors.assessments_of(item)] == [1, 2]
    assert drafts.last_completed(item.impact_assessments).pk == first.pk
    assert drafts.open_draft(item.impact_assessments).pk == second.pk


def test_progress_counts_answers_per_section(procurement, officer):
    draft = services.assessment_start(actor=officer, procurement=procurement)
    services.assessment_save_answers(
        actor=officer, assessment=draft, answers={"phase": "implementation"}
    )
    draft.refresh_from_db()
    rows = {row.section.key: row for row in selectors.progress(draft)}
    context = rows[registry.current().sections[0].key]
    assert context.answered == 1
    assert context.required_missing >= 1
    phases = {row.section.phase: row.applies for row in rows.values()}
    assert phases["implementation"] is True and phases["design"] is False
