"""Blocks of the canvas about why and for whom: mission and problem, public
value, affected people, and the stakes (impact level and AI Act class)."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from participai.assessment.models import (
    AiActClass,
    AiActScreening,
    Consequence,
    ConsequenceEffect,
    ImpactAssessment,
    RightsAssessment,
)
from participai.core.languages import in_language
from participai.procurements.models import (
    EntryRoute,
    ImpactLevel,
    Procurement,
)

from ...canvas import Block, Fact
from ...models import Actor
from .common import (
    AFFECTED_QUESTIONS,
    VALUE_QUESTIONS,
    Answers,
    iso_date,
    pending_note,
    yes_no,
)


def mission_block(p: Procurement) -> Block:
    facts = [
        Fact("mission", _("Mission"), p.mission),
        Fact("problem", _("The problem"), p.problem_statement, format="markdown"),
        Fact(
            "entry_route",
            _("How the AI would enter"),
            str(EntryRoute(p.entry_route).label),
            p.entry_route,
        ),
    ]
    if p.non_ai_alternatives:
        facts.append(
            Fact("non_ai_alternatives", _("Alternatives without AI"), p.non_ai_alternatives)
        )
    if p.estimated_value is not None:
        facts.append(
            Fact(
                "estimated_value",
                _("Estimated value"),
                f"{number_format(p.estimated_value, 0, force_grouping=True)} {p.currency}",
                str(p.estimated_value),
            )
        )
    return Block("mission", _("Mission and problem"), facts=tuple(facts), wide=True)


def value_block(
    answers: Answers, consequences: Sequence[Consequence], *, public: bool, note: str
) -> Block:
    answered = answers.facts(VALUE_QUESTIONS)
    facts = list(answered)
    positive = [c for c in consequences if c.effect == ConsequenceEffect.POSITIVE]
    if positive and public:
        facts.append(
            Fact(
                "positive_consequences",
                _("Positive consequences found by the consequence scan"),
                str(len(positive)),
                len(positive),
            )
        )
    elif positive:
        facts.append(
            Fact(
                "positive_consequences",
                _("Positive consequences to focus on"),
                tuple(f"{c.description} ({c.affected_group})" for c in positive),
                len(positive),
            )
        )
    pending = ()
    if not facts:
        pending = (
            pending_note(
                _(
                    "The reasons for automating and the positive consequences to focus on "
                    "come from the impact questionnaire and the consequence scan at the stage "
                    "“%(stage)s”."
                ),
                "impact_assessment",
            ),
        )
    return Block(
        "public_value",
        _("Public value"),
        facts=tuple(facts),
        pending=pending,
        note=note if answered else "",
    )


def affected_block(
    p: Procurement,
    answers: Answers,
    rights: RightsAssessment | None,
    actors: Sequence[Actor],
    *,
    note: str,
) -> Block:
    facts = []
    if p.affected_people:
        facts.append(Fact("affected_people", _("People likely to be affected"), p.affected_people))
    if rights is not None and rights.affected_group_list:
        facts.append(
            Fact(
                "rights_groups",
                _("Categories of people named by the fundamental rights assessment"),
                tuple(rights.affected_group_list),
            )
        )
    affected = [a.name for a in actors if a.is_affected]
    if affected:
        facts.append(
            Fact("affected_actors", _("Affected people on the actor map"), tuple(affected))
        )
    answered = answers.facts(AFFECTED_QUESTIONS)
    facts += answered
    pending = ()
    if not facts:
        pending = (
            pending_note(
                _("Who is affected is written down at the stage “%(stage)s”."),
                "problem_definition",
            ),
        )
    return Block(
        "affected",
        _("Affected people"),
        facts=tuple(facts),
        pending=pending,
        note=note if answered else "",
    )


def stakes_block(
    p: Procurement,
    impact: ImpactAssessment | None,
    screening: AiActScreening | None,
    lang: str,
) -> Block:
    facts, pending = [], []
    if p.impact_level:
        facts.append(
            Fact(
                "impact_level",
                _("Impact level"),
                str(ImpactLevel(p.impact_level).label),
                p.impact_level,
            )
        )
        if impact is not None and impact.result:
            facts.append(
                Fact(
                    "impact_score",
                    _("Impact assessment"),
                    _("Assessment %(number)s, completed %(date)s: %(total)s of %(max)s points.")
                    % {
                        "number": impact.number,
                        "date": iso_date(
                            timezone.localdate(impact.completed_at)
                            if impact.completed_at
                            else None
                        ),
                        "total": impact.result.get("total", "?"),
                        "max": impact.result.get("raw_impact_max", "?"),
                    },
                    impact.number,
                )
            )
    else:
        pending.append(
            pending_note(
                _(
                    "The impact level comes from the impact questionnaire at the stage "
                    "“%(stage)s”."
                ),
                "impact_assessment",
            )
        )
    if screening is not None:
        result = screening.result or {}
        facts.append(
            Fact(
                "ai_act_class",
                _("EU AI Act class"),
                str(AiActClass(screening.classification).label),
                screening.classification,
            )
        )
        reasons = tuple(in_language(r.get("text"), lang) for r in result.get("reasons", []))
        if reasons:
            facts.append(Fact("ai_act_reasons", _("Why"), reasons))
        if result.get("annex_iii"):
            facts.append(
                Fact(
                    "annex_iii",
                    _("AI Act Annex III points"),
                    ", ".join(result["annex_iii"]),
                    ",".join(result["annex_iii"]),
                )
            )
        facts += [
            Fact(
                "fria_required",
                _("Fundamental rights impact assessment required"),
                yes_no(screening.fria_required),
                screening.fria_required,
            ),
            Fact(
                "eu_registration_required",
                _("Registration in the EU database required"),
                yes_no(screening.eu_registration_required),
                screening.eu_registration_required,
            ),
        ]
    else:
        pending.append(
            pending_note(
                _("The AI Act class comes from the AI Act screening at the stage “%(stage)s”."),
                "impact_assessment",
            )
        )
    return Block(
        "stakes", _("Impact level and AI Act class"), facts=tuple(facts), pending=tuple(pending)
    )
