"""What a tender asks of suppliers, as the public reads it: outcomes,
requirements with their sources, criteria grouped with their weights and
descriptors, clauses by theme, the timeline; and the published questions
and answers, numbered, without who asked."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from participai.core.text import render_markdown
from participai.procurements.models import Procurement

from ...models import (
    Clarification,
    Criterion,
    CriterionGroup,
    Requirement,
    RequirementSource,
    Tender,
    TenderClause,
    TenderStatus,
)
from ..clarifications import clarification_updated


@dataclass(frozen=True)
class SourceView:
    """Where a requirement comes from, as it read when it was linked."""

    kind: str
    kind_label: str
    label: str


@dataclass(frozen=True)
class RequirementView:
    id: int
    kind: str
    kind_label: str
    title: str
    text: str
    sources: tuple[SourceView, ...]

    @property
    def unsourced(self) -> bool:
        """Allowed, but shown as such: no trace to what it answers."""
        return not self.sources

    @property
    def text_html(self) -> SafeString:
        # nh3 has cleaned the HTML against an allow-list: it carries no script.
        return mark_safe(render_markdown(self.text))


@dataclass(frozen=True)
class Descriptor:
    score: int
    text: str


@dataclass(frozen=True)
class CriterionView:
    id: int
    name: str
    description: str
    group: str
    group_label: str
    weight: Decimal
    scale_max: int
    method: str
    method_label: str
    descriptors: tuple[Descriptor, ...]

    @property
    def pk(self) -> int:
        # So that the evaluation's scoring helpers read it as they read a Criterion.
        return self.id


@dataclass(frozen=True)
class CriterionGroupView:
    key: str
    label: str
    weight: Decimal
    criteria: tuple[CriterionView, ...]


@dataclass(frozen=True)
class ClauseView:
    theme: str
    title: str
    text: str
    from_library: bool
    adapted: bool


@dataclass(frozen=True)
class ClauseThemeView:
    key: str
    title: str
    clauses: tuple[ClauseView, ...]


@dataclass(frozen=True)
class ClarificationView:
    number: int
    question: str
    answer: str
    published_at: datetime.datetime
    updated_at: datetime.datetime | None
    """Set only when the answer was edited after it was first published."""

    @property
    def answer_html(self) -> SafeString:
        return mark_safe(render_markdown(self.answer))


@dataclass(frozen=True)
class Timeline:
    published_at: datetime.datetime | None
    clarification_deadline: datetime.datetime | None
    submission_deadline: datetime.datetime | None
    opening_at: datetime.datetime | None


@dataclass(frozen=True)
class TenderContent:
    """What the tender asks of suppliers."""

    status: str
    status_label: str
    outcomes: str
    requirements: tuple[RequirementView, ...]
    groups: tuple[CriterionGroupView, ...]
    themes: tuple[ClauseThemeView, ...]
    timeline: Timeline
    impact_level: int | None = None
    min_responsible_ai_weight: Decimal | None = None

    @property
    def criteria(self) -> tuple[CriterionView, ...]:
        return tuple(criterion for group in self.groups for criterion in group.criteria)

    @property
    def total_weight(self) -> Decimal:
        return sum((group.weight for group in self.groups), Decimal(0))

    @property
    def outcomes_html(self) -> SafeString:
        return mark_safe(render_markdown(self.outcomes))

    @property
    def unsourced_count(self) -> int:
        return sum(1 for requirement in self.requirements if requirement.unsourced)


def _descriptors(raw: object) -> tuple[Descriptor, ...]:
    """The scale's descriptors, bottom first; malformed entries are skipped."""
    rows = []
    for item in raw if isinstance(raw, list) else []:
        if not isinstance(item, dict) or not str(item.get("text", "")).strip():
            continue
        try:
            score = int(item.get("score"))
        except (TypeError, ValueError):
            continue
        rows.append(Descriptor(score=score, text=str(item["text"]).strip()))
    return tuple(sorted(rows, key=lambda row: row.score))


def theme_title(key: str) -> str:
    """The clause library's title of theme ``key`` in the active language; the
    key made readable when the library does not know it (or is unavailable)."""
    from participai.core.languages import active_language

    try:
        from ..clauses import library

        return library().theme(key).title_in(active_language())
    except Exception:
        return key.replace("_", " ").capitalize()


def _clause_text(text: str, buyer: str) -> str:
    """A clause's text with the library's placeholders filled in, should a
    picked clause still carry them."""
    if "{" not in text:
        return text
    return text.replace("{buyer}", buyer).replace("{supplier}", _("the supplier"))


def tender_content(procurement: Procurement, tender: Tender | None) -> TenderContent:
    """What ``tender`` asks of suppliers, read in four queries (requirements,
    their sources, criteria, clauses); empty when there is no tender.

    Criteria come grouped in the order of the criteria groups, each group with
    its total weight; clauses come grouped by theme, in the order of their
    first clause.
    """
    if tender is None:
        return TenderContent(
            status=TenderStatus.DRAFT,
            status_label=str(TenderStatus.DRAFT.label),
            outcomes="",
            requirements=(),
            groups=(),
            themes=(),
            timeline=Timeline(None, None, None, None),
        )
    source_labels = dict(RequirementSource._meta.get_field("kind").choices)
    requirements = tuple(
        RequirementView(
            id=row.pk,
            kind=row.kind,
            kind_label=row.get_kind_display(),
            title=row.title,
            text=row.text,
            sources=tuple(
                SourceView(
                    kind=source.kind,
                    kind_label=str(source_labels.get(source.kind, source.kind)),
                    label=source.public_label,
                )
                for source in row.sources.all()
            ),
        )
        for row in Requirement.objects.filter(tender=tender)
        .only("id", "tender_id", "kind", "title", "text", "position")
        .prefetch_related(
            Prefetch(
                "sources",
                queryset=RequirementSource.objects.only(
                    "id", "requirement_id", "kind", "label"
                ).order_by("id"),
            )
        )
        .order_by("position", "id")
    )
    by_group: dict[str, list[CriterionView]] = defaultdict(list)
    for row in Criterion.objects.filter(tender=tender).order_by("position", "id"):
        by_group[row.group].append(
            CriterionView(
                id=row.pk,
                name=row.name,
                description=row.description,
                group=row.group,
                group_label=row.get_group_display(),
                weight=row.weight,
                scale_max=row.scale_max,
                method=row.method,
                method_label=row.get_method_display(),
                descriptors=_descriptors(row.descriptors),
            )
        )
    group_labels = dict(CriterionGroup.choices)
    groups = tuple(
        CriterionGroupView(
            key=key,
            label=str(group_labels.get(key, key)),
            weight=sum((c.weight for c in by_group[key]), Decimal(0)),
            criteria=tuple(by_group[key]),
        )
        for key in [*CriterionGroup.values, *sorted(set(by_group) - set(CriterionGroup.values))]
        if by_group.get(key)
    )
    buyer = procurement.organisation.name
    by_theme: dict[str, list[ClauseView]] = {}
    for row in TenderClause.objects.filter(tender=tender).order_by("position", "id"):
        by_theme.setdefault(row.theme, []).append(
            ClauseView(
                theme=row.theme,
                title=row.title,
                text=_clause_text(row.text, buyer),
                from_library=bool(row.library_key),
                adapted=row.is_adapted,
            )
        )
    themes = tuple(
        ClauseThemeView(key=key, title=theme_title(key), clauses=tuple(clauses))
        for key, clauses in by_theme.items()
    )
    return TenderContent(
        status=tender.status,
        status_label=tender.get_status_display(),
        outcomes=tender.outcomes,
        requirements=requirements,
        groups=groups,
        themes=themes,
        timeline=Timeline(
            published_at=tender.published_at,
            clarification_deadline=tender.clarification_deadline,
            submission_deadline=tender.submission_deadline,
            opening_at=tender.opening_at,
        ),
        impact_level=tender.impact_level,
        min_responsible_ai_weight=tender.min_responsible_ai_weight,
    )


def clarification_views(rows: list[Clarification]) -> tuple[ClarificationView, ...]:
    """Published clarifications numbered in publication order, without the asker."""
    return tuple(
        ClarificationView(
            number=number,
            question=row.question,
            answer=row.answer,
            published_at=row.published_at,
            updated_at=row.updated_at if clarification_updated(row) else None,
        )
        for number, row in enumerate(rows, start=1)
    )
