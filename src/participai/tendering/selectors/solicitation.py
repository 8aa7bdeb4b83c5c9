"""Reads of the tender while it is prepared: the workspace page, the sources a
requirement can be traced to, and the draft as Markdown.

:func:`solicitation_page` costs a fixed number of queries whatever the number
of requirements, sources, criteria and clauses.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from participai.assessment.models import Consequence, RightsAssessment
from participai.assessment.selectors.obligations import (
    latest_rights_assessment,
    obligation_statuses,
)
from participai.core.languages import active_language
from participai.core.text import render_markdown
from participai.participation.models import Process, Response
from participai.procurements.models import Procurement

from .. import clauses as clause_library
from .. import scoring
from ..models import (
    Criterion,
    CriterionGroup,
    Requirement,
    RequirementSource,
    SourceKind,
    Tender,
    TenderClause,
)

# Impact levels as people write them.
ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


def format_number(value: Decimal | int) -> str:
    """``Decimal("20.00")`` as "20", ``Decimal("12.50")`` as "12.5", in the active locale."""
    value = Decimal(value)
    if value == value.to_integral_value():
        return number_format(int(value))
    return number_format(value.normalize())


# --- The workspace page -------------------------------------------------------------------


@dataclass(frozen=True)
class RequirementItem:
    """A requirement with its sources; ``unsourced`` when it is traced to nothing."""

    requirement: Requirement
    sources: list[RequirementSource]
    text_html: SafeString

    @property
    def unsourced(self) -> bool:
        return not self.sources


@dataclass(frozen=True)
class CriterionItem:
    criterion: Criterion
    requirements: list[Requirement]

    @property
    def descriptors(self) -> list[dict]:
        return self.criterion.descriptors or []

    @property
    def weight_display(self) -> str:
        return format_number(self.criterion.weight)


@dataclass(frozen=True)
class CriterionGroupItem:
    """One group of criteria, its total weight and its criteria in order."""

    key: str
    label: str
    weight: Decimal
    criteria: list[CriterionItem]

    @property
    def is_responsible_ai(self) -> bool:
        return self.key == scoring.RESPONSIBLE_AI

    @property
    def weight_display(self) -> str:
        return format_number(self.weight)


@dataclass(frozen=True)
class ThemeItem:
    key: str
    title: str
    reference: str
    clauses: list[TenderClause]


@dataclass(frozen=True)
class SolicitationPage:
    """Everything the workspace page of the tender shows.

    ``groups`` hold every criteria group (empty ones too, so the table shows
    where the weight is not); ``problems`` are the live weight problems, in
    words; ``minimum`` is the responsible-AI minimum the weights are held to
    (the one recorded at publication, once published).
    """

    tender: Tender
    outcomes_html: SafeString
    requirements: list[RequirementItem]
    groups: list[CriterionGroupItem]
    total_weight: Decimal
    responsible_ai_weight: Decimal
    minimum: Decimal
    impact_level: int | None
    problems: list[str]
    themes: list[ThemeItem]
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def criteria(self) -> list[CriterionItem]:
        return [item for group in self.groups for item in group.criteria]

    @property
    def total_display(self) -> str:
        return format_number(self.total_weight)

    @property
    def minimum_display(self) -> str:
        return format_number(self.minimum)

    @property
    def level_display(self) -> str:
        return ROMAN.get(self.impact_level, "") if self.impact_level else ""


def _themes(clauses: list[TenderClause]) -> list[ThemeItem]:
    """The clauses by theme, in the library's theme order; a theme the library
    no longer knows comes last, under its key."""
    library = clause_library.library()
    language = active_language()
    order = {theme.key: index for index, theme in enumerate(library.themes)}
    by_theme: dict[str, list[TenderClause]] = {}
    for clause in sorted(
        clauses, key=lambda c: (order.get(c.theme, len(order)), c.position, c.pk)
    ):
        by_theme.setdefault(clause.theme, []).append(clause)
    items = []
    for key, rows in by_theme.items():
        try:
            theme = library.theme(key)
        except KeyError:
            items.append(ThemeItem(key=key, title=key, reference="", clauses=rows))
        else:
            items.append(
                ThemeItem(
                    key=key,
                    title=theme.title_in(language),
                    reference=theme.reference,
                    clauses=rows,
                )
            )
    return items


def solicitation_page(procurement: Procurement, tender: Tender) -> SolicitationPage:
    """The tender's workspace page: requirements with their sources, criteria
    grouped with their weights and live problems, clauses by theme.

    Four queries whatever the number of rows (requirements, their sources,
    criteria with the requirements they assess, clauses).
    """
    # Import here: the services module imports this one for the draft's text.
    from ..services.solicitation import minimum_for, weight_problems

    requirements = list(
        Requirement.objects.filter(tender=tender)
        .order_by("position", "pk")
        .prefetch_related(
            Prefetch("sources", queryset=RequirementSource.objects.order_by("kind", "pk"))
        )
    )
    criteria = list(
        Criterion.objects.filter(tender=tender)
        .order_by("position", "pk")
        .prefetch_related(Prefetch("requirements", queryset=Requirement.objects.only("pk")))
    )
    clauses = list(TenderClause.objects.filter(tender=tender).order_by("position", "pk"))

    groups = []
    for key, label in CriterionGroup.choices:
        rows = [
            CriterionItem(
                criterion=criterion,
                # In the order of the requirements list.
                requirements=[
                    requirement
                    for requirement in requirements
                    if requirement.pk in {r.pk for r in criterion.requirements.all()}
                ],
            )
            for criterion in criteria
            if criterion.group == key
        ]
        weight = sum((item.criterion.weight for item in rows), Decimal(0))
        groups.append(CriterionGroupItem(key=key, label=str(label), weight=weight, criteria=rows))

    if tender.is_draft:
        impact_level = procurement.impact_level
        minimum = minimum_for(impact_level)
    else:
        impact_level = tender.impact_level
        minimum = (
            tender.min_responsible_ai_weight
            if tender.min_responsible_ai_weight is not None
            else minimum_for(impact_level)
        )
    items = [
        RequirementItem(
            requirement=requirement,
            sources=list(requirement.sources.all()),
            text_html=mark_safe(render_markdown(requirement.text)),
        )
        for requirement in requirements
    ]
    return SolicitationPage(
        tender=tender,
        outcomes_html=mark_safe(render_markdown(tender.outcomes)),
        requirements=items,
        groups=groups,
        total_weight=sum((criterion.weight for criterion in criteria), Decimal(0)),
        responsible_ai_weight=next(g.weight for g in groups if g.is_responsible_ai),
        minimum=minimum,
        impact_level=impact_level,
        problems=weight_problems(criteria, impact_level) if criteria else [],
        themes=_themes(clauses),
        counts={
            "requirements": len(items),
            "unsourced": sum(1 for item in items if item.unsourced),
            "criteria": len(criteria),
            "clauses": len(clauses),
            "adapted": sum(1 for clause in clauses if clause.is_adapted),
        },
    )


# --- Sources a requirement can be traced to -----------------------------------------------


@dataclass(frozen=True)
class ObligationChoice:
    key: str
    text: str


@dataclass(frozen=True)
class SourceCandidates:
    """What a requirement of ``procurement`` can be traced to.

    ``rights_assessment`` is the last completed fundamental rights assessment
    (``None`` without one) and ``fria_risks`` the risks it names, one per line.
    """

    responses: list[Response]
    consequences: list[Consequence]
    obligations: list[ObligationChoice]
    rights_assessment: RightsAssessment | None
    fria_risks: list[str]

    @property
    def empty(self) -> bool:
        return not (self.responses or self.consequences or self.obligations or self.fria_risks)


def source_candidates(procurement: Procurement) -> SourceCandidates:
    """The sources offered when linking one to a requirement: the published
    answers to what people said (newest first, with their process), the
    consequences found, the obligations the stakes impose now (in the active
    language), and the risks of the last completed rights assessment."""
    # Imported here for the same reason as in solicitation_page.
    from ..services.solicitation import fria_risk_lines

    responses = list(
        Response.objects.filter(procurement=procurement, process__is_published=True)
        .select_related("process")
        .order_by("-created_at", "-pk")
    )
    consequences = list(
        Consequence.objects.filter(procurement=procurement).order_by("created_at", "pk")
    )
    obligations = [
        ObligationChoice(key=status.obligation.key, text=status.text)
        for status in obligation_statuses(procurement)
    ]
    assessment = latest_rights_assessment(procurement)
    return SourceCandidates(
        responses=responses,
        consequences=consequences,
        obligations=obligations,
        rights_assessment=assessment,
        fria_risks=fria_risk_lines(assessment) if assessment is not None else [],
    )


def review_processes(procurement: Procurement) -> list[Process]:
    """The procurement's processes that can hold the draft tender's review:
    those at a stage that takes document reviews, newest first."""
    from ..services.solicitation import review_stage_takes_documents

    return [
        process
        for process in Process.objects.filter(procurement=procurement).order_by("-opens_at", "-pk")
        if review_stage_takes_documents(process)
    ]


# --- The draft as Markdown ----------------------------------------------------------------


def _source_kind(kind: str) -> str:
    return {
        SourceKind.RESPONSE: _("What people said"),
        SourceKind.CONSEQUENCE: _("Consequence"),
        SourceKind.OBLIGATION: _("Obligation"),
        SourceKind.FRIA_RISK: _("Fundamental rights risk"),
    }.get(kind, kind)


def _one_line(text: str) -> str:
    return " ".join((text or "").split())


def _moment(value) -> str:
    return date_format(timezone.localtime(value), "DATETIME_FORMAT") if value else _("not set")


def tender_markdown(tender: Tender, *, sources: bool = True) -> str:
    """The tender as Markdown, in the active language: outcomes, requirements
    (with where each comes from, unless ``sources`` is false), criteria and
    their weights, contract clauses by theme, and the timeline.

    Each requirement, criterion and clause is one paragraph (its heading and
    its text with no blank line between), so that in a document review people
    comment on each one, and the comments follow it from version to version.
    """
    page_requirements = list(
        Requirement.objects.filter(tender=tender)
        .order_by("position", "pk")
        .prefetch_related(
            Prefetch("sources", queryset=RequirementSource.objects.order_by("kind", "pk"))
        )
    )
    criteria = list(
        Criterion.objects.filter(tender=tender)
        .order_by("position", "pk")
        .prefetch_related(Prefetch("requirements", queryset=Requirement.objects.only("title")))
    )
    clauses = list(TenderClause.objects.filter(tender=tender).order_by("position", "pk"))
    parts: list[str] = []

    parts.append("## " + _("Outcomes sought"))
    parts.append(tender.outcomes.strip() or _("Not written yet."))

    parts.append("## " + _("Requirements"))
    if not page_requirements:
        parts.append(_("No requirement yet."))
    for number, requirement in enumerate(page_requirements, start=1):
        lines = [
            f"### {number}. {_one_line(requirement.title)} ({requirement.get_kind_display()})"
        ]
        if requirement.text.strip():
            lines.append(requirement.text.strip())
        if sources:
            traced = list(requirement.sources.all())
            if traced:
                lines.append(_("Where it comes from:"))
                # The review is public: internal sources show their kind only.
                lines.extend(
                    f"- {_source_kind(source.kind)}: {_one_line(source.public_label)}"
                    if source.public_label
                    else f"- {_source_kind(source.kind)}"
                    for source in traced
                )
        parts.append("\n".join(lines))

    parts.append("## " + _("Evaluation criteria"))
    if not criteria:
        parts.append(_("No criterion yet."))
    else:
        rows = [
            "| " + " | ".join((_("Criterion"), _("Group"), _("Weight"))) + " |",
            "| --- | --- | ---: |",
        ]
        ordered = sorted(
            criteria,
            key=lambda c: (
                (list(CriterionGroup.values).index(c.group), c.position, c.pk)
                if c.group in CriterionGroup.values
                else (len(CriterionGroup.values), c.position, c.pk)
            ),
        )
        for criterion in ordered:
            rows.append(
                f"| {_one_line(criterion.name).replace('|', '/')} | "
                f"{criterion.get_group_display()} | {format_number(criterion.weight)} % |"
            )
        parts.append("\n".join(rows))
        for criterion in ordered:
            lines = [f"### {_one_line(criterion.name)} ({format_number(criterion.weight)} %)"]
            if criterion.description.strip():
                lines.append(criterion.description.strip())
            lines.append(
                _("Scale: 0 to %(top)d. %(method)s.")
                % {"top": criterion.scale_max, "method": criterion.get_method_display()}
            )
            assessed = [r.title for r in criterion.requirements.all()]
            if assessed:
                lines.append(
                    _("Assesses: %(requirements)s.")
                    % {"requirements": "; ".join(_one_line(title) for title in assessed)}
                )
            # The list last: a line after it would continue its last item.
            for row in criterion.descriptors or []:
                lines.append(f"- {row.get('score')}: {_one_line(str(row.get('text', '')))}")
            parts.append("\n".join(lines))

    parts.append("## " + _("Contract clauses"))
    if not clauses:
        parts.append(_("No clause yet."))
    for theme in _themes(clauses):
        parts.append(f"### {theme.title}")
        for clause in theme.clauses:
            parts.append(f"#### {_one_line(clause.title)}\n{clause.text.strip()}")

    parts.append("## " + _("Timeline"))
    timeline = (
        (_("Last day for suppliers’ questions"), tender.clarification_deadline),
        (_("Deadline for bids"), tender.submission_deadline),
        (_("Bids are opened on"), tender.opening_at),
    )
    parts.append("\n".join(f"- {label}: {_moment(moment)}" for label, moment in timeline))
    return "\n\n".join(parts) + "\n"
