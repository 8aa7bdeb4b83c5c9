"""Reads of a module's topics, for the participation report: the last
result the background task saved, with the quoted texts read again (two or
three queries). A text hidden, removed or deleted since the computation is
not quoted; the counts stay those of the computation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ..models import Contribution, ContributionStatus, Module, SurveyAnswer, TextTopics


@dataclass(frozen=True)
class TopicView:
    label: str
    keywords: list[str]
    count: int
    quotes: list[str]
    is_other: bool


@dataclass(frozen=True)
class TopicsView:
    computed_at: datetime | None
    pending: bool
    texts: int
    topics: list[TopicView]
    duplicates: int
    """Pairs of texts saying nearly the same (a sign of a campaign, or of one
    person writing twice)."""


def topics_of(module: Module) -> TopicsView | None:
    """The last topics of ``module``, or ``None`` before the first computation."""
    row = TextTopics.objects.filter(module=module, computed_at__isnull=False).first()
    if row is None:
        return None
    summary = row.summary or {}
    refs = {ref for topic in summary.get("topics", []) for ref in topic.get("quotes", [])}
    texts = _texts(module, refs)
    return TopicsView(
        computed_at=row.computed_at,
        pending=row.requested_at is not None,
        texts=row.texts_counted,
        topics=[
            TopicView(
                label=topic["label"],
                keywords=list(topic.get("keywords", [])),
                count=int(topic["count"]),
                quotes=[texts[ref] for ref in topic.get("quotes", []) if ref in texts],
                is_other=bool(topic.get("other")),
            )
            for topic in summary.get("topics", [])
        ],
        duplicates=int(summary.get("duplicate_pairs", len(summary.get("duplicates", [])))),
    )


def _texts(module: Module, refs: set[str]) -> dict[str, str]:
    contributions = [int(ref[1:]) for ref in refs if ref.startswith("c") and ref[1:].isdigit()]
    answers = [int(ref[1:]) for ref in refs if ref.startswith("a") and ref[1:].isdigit()]
    found: dict[str, str] = {}
    if contributions:
        for pk, body in Contribution.objects.filter(
            module=module, pk__in=contributions, status=ContributionStatus.VISIBLE
        ).values_list("pk", "body"):
            found[f"c{pk}"] = body
    if answers:
        for pk, value in SurveyAnswer.objects.filter(
            question__module=module, pk__in=answers
        ).values_list("pk", "value"):
            if isinstance(value, str):
                found[f"a{pk}"] = value
    return found
