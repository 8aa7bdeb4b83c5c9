"""What a participant's "Your data" page counts: how much is held about
them, by kind, in one query whatever the amounts."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce

from participai.accounts.models import Participant

from ..models import (
    Contribution,
    ContributionStatus,
    DemographicProfile,
    Flag,
    Follow,
    Notification,
    PriorityBallot,
    StatementVote,
    Support,
    SurveyResponse,
)

# Contributions that still hold the participant's words.
_KEPT = [ContributionStatus.VISIBLE, ContributionStatus.HIDDEN]


@dataclass(frozen=True)
class ParticipantSummary:
    contributions: int
    supports: int
    statement_votes: int
    reports: int
    survey_responses: int
    prioritisation_ballots: int
    demographic_profiles: int
    follows: int
    notifications: int


def _count(model: type, **extra: object) -> Coalesce:
    rows = (
        model.objects.filter(participant=OuterRef("pk"), **extra)
        .order_by()
        .values("participant")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


def participant_summary(participant: Participant) -> ParticipantSummary:
    """How many of each thing the participant has here. Contributions count
    those not yet removed (removed ones keep no text of theirs)."""
    row = (
        Participant.objects.filter(pk=participant.pk)
        .annotate(
            n_contributions=_count(Contribution, status__in=_KEPT),
            n_supports=_count(Support),
            n_votes=_count(StatementVote),
            n_reports=_count(Flag),
            n_surveys=_count(SurveyResponse),
            n_ballots=_count(PriorityBallot),
            n_profiles=_count(DemographicProfile),
            n_follows=_count(Follow),
            n_notifications=_count(Notification),
        )
        .values(
            "n_contributions",
            "n_supports",
            "n_votes",
            "n_reports",
            "n_surveys",
            "n_ballots",
            "n_profiles",
            "n_follows",
            "n_notifications",
        )
        .get()
    )
    return ParticipantSummary(
        contributions=row["n_contributions"],
        supports=row["n_supports"],
        statement_votes=row["n_votes"],
        reports=row["n_reports"],
        survey_responses=row["n_surveys"],
        prioritisation_ballots=row["n_ballots"],
        demographic_profiles=row["n_profiles"],
        follows=row["n_follows"],
        notifications=row["n_notifications"],
    )
