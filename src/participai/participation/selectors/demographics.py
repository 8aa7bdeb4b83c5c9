"""Reads of demographics: a process's questions, one participant's own
answers, and the aggregate that may be shown (``representativeness``).

No read here returns another person's answers: outside the participant's
own profile, answers leave the database only as counts per option, and
leave this module only through :func:`representativeness.summarise`, which
hides groups below ``MIN_GROUP``. Each function costs a fixed number of
queries, whatever the number of answers.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from participai.accounts.models import Participant

from .. import policy
from ..models import DemographicAnswer, DemographicProfile, DemographicQuestion, Process
from ..representativeness import Summary, summarise


def questions_of(process: Process) -> list[DemographicQuestion]:
    """The process's demographic questions in their order (one query)."""
    return list(process.demographic_questions.order_by("position", "pk"))


def asks_about_you(process: Process) -> bool:
    """Does the process ask anything about who takes part? (one query)"""
    return process.demographic_questions.exists()


def answers_of(participant: Participant | None, process: Process) -> dict[int, int | None] | None:
    """The participant's own answers to the process's questions, by question
    id (``None``: prefer not to say), or ``None`` without a profile (one query)."""
    if participant is None:
        return None
    rows = list(
        DemographicProfile.objects.filter(process=process, participant=participant).values_list(
            "pk", "answers__question_id", "answers__option"
        )
    )
    if not rows:
        return None
    return {question: option for _pk, question, option in rows if question is not None}


def profiles_of(participant: Participant) -> list[DemographicProfile]:
    """The participant's demographic profiles, with their process and its
    procurement, newest process first (one query)."""
    return list(
        DemographicProfile.objects.filter(participant=participant)
        .select_related("process__procurement")
        .order_by("-process__opens_at", "-pk")
    )


def is_open(process: Process) -> bool:
    """Does the process take part now? (no query)"""
    return policy.Window(process.opens_at, process.closes_at).state(timezone.now()) == "open"


@dataclass(frozen=True)
class QuestionPanel:
    """One question with what may be shown of its answers."""

    question: DemographicQuestion
    summary: Summary


@dataclass(frozen=True)
class Representativeness:
    """Who answered a process's questions, against the area's population.

    ``is_open``: the process takes part now, so flags are worth acting on.
    """

    panels: list[QuestionPanel]
    is_open: bool

    @property
    def has_benchmarks(self) -> bool:
        return any(panel.summary.has_benchmarks for panel in self.panels)

    @property
    def respondents(self) -> int:
        """The most people who answered any one question (all answer every
        question asked when they answer, so this is how many answered)."""
        return max((panel.summary.total for panel in self.panels), default=0)


def representativeness(process: Process) -> Representativeness:
    """What may be shown of the answers to ``process``'s questions: counts
    per option in groups of at least ``MIN_GROUP``, shares, benchmarks and
    the under-represented groups (two queries)."""
    questions = questions_of(process)
    counts: dict[int, dict[int | None, int]] = defaultdict(dict)
    if questions:
        for question_id, option, n in (
            DemographicAnswer.objects.filter(question__process=process)
            .values_list("question_id", "option")
            .annotate(n=Count("pk"))
            .order_by()
        ):
            counts[question_id][option] = n
    prefer_not = _("Prefer not to say")
    panels = []
    for question in questions:
        by_option = counts.get(question.pk, {})
        option_counts = [by_option.get(index, 0) for index in range(len(question.options))]
        # Answers left behind by options removed before anyone answered cannot
        # exist (options freeze once answered), but count them with "prefer
        # not to say" rather than lose them if they did.
        extra = sum(
            n for key, n in by_option.items() if key is not None and key >= len(option_counts)
        )
        panels.append(
            QuestionPanel(
                question=question,
                summary=summarise(
                    question.options,
                    question.benchmarks or [],
                    option_counts,
                    by_option.get(None, 0) + extra,
                    prefer_not_label=prefer_not,
                ),
            )
        )
    return Representativeness(panels=panels, is_open=is_open(process))
