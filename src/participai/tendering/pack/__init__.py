"""The tender pack: what suppliers bid on, and why, in one document.

:func:`build_pack` reads everything once into a :class:`TenderPack` of plain
values (no model instances, no queries afterwards); ``render`` turns it into
HTML and PDF, ``word`` into DOCX, so every format says the same.

Contents: the procurement's title, organisation, problem (Markdown) and
mission; the outcomes sought; the requirements with their sources; the
criteria grouped with weights and scale descriptors; the contract clauses by
theme; participation so far (the procurement's processes anyone may read,
with how many took part, and the published "you said, we did" answers); the
timeline; the published questions and answers. Never who asked, never a bid.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from participai.core.languages import active_language
from participai.core.text import render_markdown
from participai.participation.models import (
    Contribution,
    ContributionStatus,
    PriorityBallot,
    ReadRequires,
    SurveyResponse,
)
from participai.participation.selectors.responses import public_responses
from participai.participation.selectors.threads import public_processes
from participai.procurements.models import Procurement

from ..models import Tender
from ..selectors.clarifications import published_clarifications
from ..selectors.public import (
    ClarificationView,
    TenderContent,
    clarification_views,
    is_published,
    tender_content,
)

__all__ = ["AnswerSummary", "ProcessSummary", "TenderPack", "build_pack"]


@dataclass(frozen=True)
class ProcessSummary:
    """A participation process anyone may read, and how many took part."""

    title: str
    stage_label: str
    opens_at: datetime.datetime
    closes_at: datetime.datetime
    entries: int
    """Contributions (not removed by their authors), survey responses and ballots."""


@dataclass(frozen=True)
class AnswerSummary:
    """One published "you said, we did" answer."""

    process: str
    status_label: str
    change_kind_label: str
    change: str
    reason: str
    target_label: str
    contributions: int
    answered_on: datetime.date

    @property
    def reason_html(self) -> SafeString:
        return mark_safe(render_markdown(self.reason))


@dataclass(frozen=True)
class TenderPack:
    slug: str
    title: str
    organisation: str
    mission: str
    problem_statement: str
    language: str
    generated_on: datetime.date
    draft: bool
    """True for a staff preview of a tender not yet published."""
    content: TenderContent
    clarifications: tuple[ClarificationView, ...]
    processes: tuple[ProcessSummary, ...]
    answers: tuple[AnswerSummary, ...]

    @property
    def problem_html(self) -> SafeString:
        return mark_safe(render_markdown(self.problem_statement))

    @property
    def entries(self) -> int:
        return sum(process.entries for process in self.processes)


def _participation(
    procurement: Procurement,
) -> tuple[tuple[ProcessSummary, ...], tuple[AnswerSummary, ...]]:
    """The processes anyone may read with their entry counts, and the public
    answers: five queries, whatever the number of rows."""
    processes = list(
        public_processes(procurement)
        .filter(read_requires=ReadRequires.NONE)
        .only("id", "title", "stage", "opens_at", "closes_at")
    )
    entries: dict[int, int] = {}
    if processes:
        ids = [process.pk for process in processes]
        counts = [
            Contribution.objects.filter(module__process__in=ids).exclude(
                status=ContributionStatus.REMOVED
            ),
            SurveyResponse.objects.filter(module__process__in=ids),
            PriorityBallot.objects.filter(module__process__in=ids),
        ]
        for queryset in counts:
            for process_id, n in (
                queryset.values_list("module__process_id").annotate(n=Count("pk")).order_by()
            ):
                entries[process_id] = entries.get(process_id, 0) + n
    summaries = tuple(
        ProcessSummary(
            title=process.title,
            stage_label=process.get_stage_display(),
            opens_at=process.opens_at,
            closes_at=process.closes_at,
            entries=entries.get(process.pk, 0),
        )
        for process in processes
    )
    if not processes:
        # Public answers belong to processes anyone may read: none, no answer.
        return summaries, ()
    answers = tuple(
        AnswerSummary(
            process=response.process.title,
            status_label=response.get_status_display(),
            change_kind_label=response.get_change_kind_display(),
            change=response.change,
            reason=response.reason,
            target_label=response.target_label,
            contributions=response.contribution_total,
            answered_on=timezone.localdate(response.created_at),
        )
        for response in public_responses(procurement)
        .select_related("process")
        .annotate(contribution_total=Count("contributions"))
    )
    return summaries, answers


def build_pack(procurement: Procurement, tender: Tender | None) -> TenderPack:
    """The pack of ``procurement``'s tender, in the active language.

    Callers decide who may have it: the public once the procurement and the
    tender are published, the organisation's members as a preview at any
    time (``draft`` is then true until publication). A fixed number of
    queries.
    """
    processes, answers = _participation(procurement)
    return TenderPack(
        slug=procurement.slug,
        title=procurement.title,
        organisation=procurement.organisation.name,
        mission=procurement.mission,
        problem_statement=procurement.problem_statement,
        language=active_language(),
        generated_on=timezone.localdate(),
        draft=not is_published(tender),
        content=tender_content(procurement, tender),
        clarifications=clarification_views(published_clarifications(tender)),
        processes=processes,
        answers=answers,
    )
