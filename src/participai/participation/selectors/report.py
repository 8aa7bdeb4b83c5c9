"""The participation report of a process, and of a procurement (all its
processes): who took part and how, who they are against the population,
what the opinion groups and topics say, and what became of what was said.

It reads what the background tasks stored (opinion groups, topics) and
counts the rest; it computes nothing heavy. A fixed number of queries per
module, whatever the number of contributions.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace

from django.db.models import Count

from participai.procurements.models import Procurement

from ..models import (
    Channel,
    Contribution,
    ContributionStatus,
    Module,
    ModuleKind,
    PriorityBallot,
    Process,
    ReadRequires,
    Response,
    ResponseStatus,
    StatementVote,
    SurveyResponse,
)
from ..services.insights import TOPIC_KINDS
from . import demographics
from .opinion_groups import OpinionView, opinion_groups_of
from .topics import TopicsView, topics_of


@dataclass(frozen=True)
class ModuleReport:
    module: Module
    entries: int
    """Contributions, survey responses or ballots, as the kind counts them."""
    votes: int
    """Statement votes (statements modules only)."""
    channels: list[tuple[str, int]]
    """Entries by channel (label, count), most first."""
    opinions: OpinionView | None = None
    topics: TopicsView | None = None


@dataclass(frozen=True)
class SaidDid:
    """What became of the process's contributions."""

    by_status: list[tuple[str, int]]
    """Answered contributions by the status of their latest answer (label, count)."""
    unanswered: int
    responses: list[Response] = field(default_factory=list)

    @property
    def answered(self) -> int:
        return sum(n for _label, n in self.by_status)


@dataclass(frozen=True)
class ProcessReport:
    process: Process
    participants: int
    """Distinct people who wrote, voted, answered or cast a ballot."""
    modules: list[ModuleReport]
    representativeness: demographics.Representativeness
    said_did: SaidDid


def process_report(process: Process) -> ProcessReport:
    """The report of one process (any state; staff read it)."""
    modules = list(process.modules.order_by("position", "pk"))
    channel_labels = dict(Channel.choices)
    # Entries by module and channel: contributions, survey responses, ballots.
    contributions = Counter()
    for model in (Contribution, SurveyResponse, PriorityBallot):
        for module_id, channel, n in (
            model.objects.filter(module__process=process)
            .values_list("module_id", "channel")
            .annotate(n=Count("pk"))
            .order_by()
        ):
            contributions[(module_id, channel)] += n
    votes = dict(
        StatementVote.objects.filter(contribution__module__process=process)
        .values_list("contribution__module_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    # Everyone who wrote, voted, answered or cast a ballot, counted once, in
    # the database (a set in Python would hold one id per vote).
    people = (
        Contribution.objects.filter(module__process=process)
        .order_by()
        .values_list("participant_id")
        .union(
            StatementVote.objects.filter(contribution__module__process=process)
            .order_by()
            .values_list("participant_id"),
            SurveyResponse.objects.filter(module__process=process)
            .order_by()
            .values_list("participant_id"),
            PriorityBallot.objects.filter(module__process=process)
            .order_by()
            .values_list("participant_id"),
        )
        .count()
    )
    reports = []
    for module in modules:
        by_channel = sorted(
            (
                (channel_labels.get(channel, channel), n)
                for (module_id, channel), n in contributions.items()
                if module_id == module.pk
            ),
            key=lambda row: (-row[1], str(row[0])),
        )
        reports.append(
            ModuleReport(
                module=module,
                entries=sum(n for _label, n in by_channel),
                votes=votes.get(module.pk, 0),
                channels=by_channel,
                opinions=(
                    opinion_groups_of(module) if module.kind == ModuleKind.STATEMENTS else None
                ),
                topics=topics_of(module) if module.kind in TOPIC_KINDS else None,
            )
        )
    return ProcessReport(
        process=process,
        participants=people,
        modules=reports,
        representativeness=demographics.representativeness(process),
        said_did=_said_did(process),
    )


def publicly_readable(process: Process) -> bool:
    """May anyone read the process (published, no sign-in asked)?"""
    return process.is_published and process.read_requires == ReadRequires.NONE


def public_version(reports: list[ProcessReport]) -> list[ProcessReport]:
    """What of ``reports`` may go out with the procurement's public
    documents: only processes anyone may read (the others keep what was said
    behind their sign-in, as their answers), and no topics of survey free
    text, which the survey promises never to show to the public: neither
    their quotes nor their labels, which are the texts' own words."""
    public = []
    for report in reports:
        if not publicly_readable(report.process):
            continue
        modules = [
            replace(row, topics=None) if row.module.kind == ModuleKind.SURVEY else row
            for row in report.modules
        ]
        public.append(replace(report, modules=modules))
    return public


def procurement_report(procurement: Procurement) -> list[ProcessReport]:
    """The reports of every process of ``procurement``, soonest first."""
    return [
        process_report(process) for process in procurement.processes.order_by("opens_at", "pk")
    ]


def _said_did(process: Process) -> SaidDid:
    responses = list(
        Response.objects.filter(process=process)
        .annotate(contribution_total=Count("contributions"))
        .order_by("-created_at", "-pk")
    )
    latest: dict[int, str] = {}
    # Oldest answer first, so each contribution keeps its latest status.
    for contribution_id, status in (
        Response.contributions.through.objects.filter(response__process=process)
        .order_by("response__created_at", "response_id")
        .values_list("contribution_id", "response__status")
    ):
        latest[contribution_id] = status
    labels = dict(ResponseStatus.choices)
    counts = Counter(latest.values())
    # What is still there to answer: everything said but what its author removed.
    unanswered = (
        Contribution.objects.filter(module__process=process, responses__isnull=True)
        .exclude(status=ContributionStatus.REMOVED)
        .count()
    )
    return SaidDid(
        by_status=[(labels[s], counts[s]) for s in ResponseStatus.values if counts[s]],
        unanswered=unanswered,
        responses=responses,
    )
