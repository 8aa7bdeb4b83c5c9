"""A procurement with something in every block of the governance canvas,
written straight through the ORM (the pages that edit these records are built
elsewhere), for the canvas's view, API and browser tests."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone

from participai.accounts.models import User
from participai.assessment import registry
from participai.assessment.models import (
    AiActScreening,
    Consequence,
    ImpactAssessment,
    RightsAssessment,
)
from participai.engagement.models import Actor, EngagementActivity, Involvement
from participai.procurements import services as procurement_services
from participai.procurements.models import GateDecision, Procurement
from tests.assessment.conftest import answer_everything

ACTOR_NAME = "Riverside Tenants' Association"
INTERNAL_NOTE = "Chair is hard to reach; call on Tuesdays"
INTERNAL_DOCUMENT = "Internal budget memo"
PUBLIC_DOCUMENT = "Needs assessment summary"
CONSEQUENCE = "Families without internet are contacted later than others"
RATIONALE = "Problem described and affected residents heard at two meetings."


@dataclass
class Scene:
    procurement: Procurement
    actor: Actor
    activity: EngagementActivity
    owner: User


def build_scene(procurement: Procurement, officer: User, *, rows: int = 1) -> Scene:
    """Fill ``procurement`` (at the stage "Engagement planning") with ``rows``
    actors, activities and consequences, and one of everything else."""
    now = timezone.now()
    questionnaire = registry.current()
    answers = answer_everything(pick="max")
    ImpactAssessment.objects.create(
        procurement=procurement,
        number=1,
        stage="impact_assessment",
        status="completed",
        started_by=officer,
        completed_by=officer,
        completed_at=now,
        questionnaire_id=questionnaire.id,
        questionnaire_version=questionnaire.version,
        answers=answers,
        result={"total": 90, "raw_impact_max": 100, "level": 4, "level_numeral": "IV"},
        level=4,
    )
    Procurement.objects.filter(pk=procurement.pk).update(impact_level=4)
    AiActScreening.objects.create(
        procurement=procurement,
        number=1,
        stage="impact_assessment",
        status="completed",
        started_by=officer,
        completed_by=officer,
        completed_at=now,
        classification="high_risk",
        fria_required=True,
        eu_registration_required=True,
        result={
            "classification": "high_risk",
            "reasons": [
                {
                    "code": "annex_iii_point",
                    "text": {"en": "High-risk use: access to essential public services."},
                }
            ],
            "annex_iii": ["5(a)"],
            "transparency_duties": [
                {"code": "ai_interaction_disclosure", "text": {"en": "Tell people it is AI."}}
            ],
            "fria_required": True,
            "eu_database_registration_required": True,
        },
    )
    RightsAssessment.objects.create(
        procurement=procurement,
        number=1,
        stage="impact_assessment",
        status="completed",
        started_by=officer,
        completed_by=officer,
        completed_at=now,
        affected_groups="Older people living alone\nFamilies with young children",
        oversight_measures="A social worker reviews every urgent flag before anyone acts.",
        response_measures=(
            "Complaints go to the ombudsman within 10 days; decisions are re-made by a person."
        ),
        summary="High-risk triage with human review of every case.",
    )
    actors = []
    for n in range(rows):
        actor = Actor.objects.create(
            procurement=procurement,
            name=ACTOR_NAME if n == 0 else f"Actor {n}",
            kind="affected_community",
            sector="civil_society",
            is_affected=True,
            influence=2,
            interest=5,
            notes=INTERNAL_NOTE,
            created_by=officer,
        )
        Involvement.objects.create(actor=actor, stage="problem_definition", depth="consult")
        Involvement.objects.create(actor=actor, stage="vendor_evaluation", depth="collaborate")
        actors.append(actor)
    owner = officer
    activities = []
    for n in range(rows):
        activity = EngagementActivity.objects.create(
            procurement=procurement,
            mechanism_key="citizens_jury" if n == 0 else "survey",
            stage="problem_definition",
            title="Residents' jury on triage" if n == 0 else f"Survey {n}",
            starts_on=datetime.date(2025, 3, 1),
            ends_on=datetime.date(2025, 4, 1),
            owner=owner,
            status="planned",
            outputs="Draft recommendations kept in the team folder",
            target_kinds=["frontline_worker"],
            created_by=officer,
        )
        activity.target_actors.set(actors[:2])
        activities.append(activity)
    decision = GateDecision.objects.create(
        procurement=procurement,
        stage="problem_definition",
        outcome="proceed",
        rationale=RATIONALE,
        decided_on=datetime.date(2025, 2, 1),
        other_deciders="Community panel",
        recorded_by=officer,
    )
    decision.deciders.add(officer)
    procurement_services.document_add(
        actor=officer,
        procurement=procurement,
        title=PUBLIC_DOCUMENT,
        document_type="needs_assessment",
        body="Text",
    )
    procurement_services.document_add(
        actor=officer,
        procurement=procurement,
        title=INTERNAL_DOCUMENT,
        document_type="other",
        body="Text",
        is_public=False,
    )
    for n in range(rows):
        Consequence.objects.create(
            procurement=procurement,
            stage="impact_assessment",
            description=CONSEQUENCE if n == 0 else f"Consequence {n}",
            intention="unintended",
            effect="negative" if n % 2 == 0 else "positive",
            affected_group="Families offline",
            response="act",
            owner="Jordan Internal-Owner",
            created_by=officer,
        )
    procurement.refresh_from_db()
    return Scene(procurement=procurement, actor=actors[0], activity=activities[0], owner=owner)
