"""Reads about the actor map: its actors, the pure inputs built from them, the
grid and coverage pictures, gaps worded for people, and suggestions.

The whole map costs a fixed number of queries whatever its size: the actors
(with how many plan activities target each), their involvements (one
prefetch) and the latest fundamental rights assessment.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from participai.assessment.models import RightsAssessment
from participai.assessment.proportionality import LEVEL_NAMES
from participai.core.vocabulary import STAGE_KEYS
from participai.procurements import lifecycle
from participai.procurements.models import Procurement

from .. import actormap
from ..labels import ACTOR_KIND_LABELS, DEPTH_LABELS
from ..models import ActivityStatus, Actor

QUADRANT_LABELS = {
    actormap.MANAGE_CLOSELY: gettext_lazy("Manage closely"),
    actormap.KEEP_SATISFIED: gettext_lazy("Keep satisfied"),
    actormap.KEEP_INFORMED: gettext_lazy("Keep informed"),
    actormap.MONITOR: gettext_lazy("Monitor"),
}
QUADRANT_HINTS = {
    actormap.MANAGE_CLOSELY: gettext_lazy("High influence and high interest: engage deeply."),
    actormap.KEEP_SATISFIED: gettext_lazy("High influence, lower interest: keep them on side."),
    actormap.KEEP_INFORMED: gettext_lazy(
        "Lower influence, high interest: inform them and give them a voice."
    ),
    actormap.MONITOR: gettext_lazy("Lower influence and interest: watch, inform when it matters."),
}
SOURCE_LABELS = {
    actormap.SOURCE_ROLE: gettext_lazy("A role every map should consider"),
    actormap.SOURCE_FRIA: gettext_lazy("Named in the fundamental rights assessment"),
    actormap.SOURCE_AFFECTED_PEOPLE: gettext_lazy("Named as affected in the problem definition"),
}
GAP_MESSAGES = {
    actormap.GAP_NO_AFFECTED_AT_PROBLEM: gettext_lazy(
        "Nobody affected by the system takes part in problem definition (at least “%(depth)s”): "
        "the problem would be fixed without the people who will live with the answer."
    ),
    actormap.GAP_NO_END_USER_IN_EVALUATION: gettext_lazy(
        "No end users, affected people or frontline workers take part in “%(stage)s” (at least "
        "“%(depth)s”): those who will live with the system have no say in judging it."
    ),
    actormap.GAP_NO_INDEPENDENT_EXPERT: gettext_lazy(
        "The system is at impact level %(level)s, yet no independent expert takes part at any "
        "stage (at least “%(depth)s”)."
    ),
    actormap.GAP_NO_OVERSIGHT_AFTER_AWARD: gettext_lazy(
        "No oversight body takes part in contract monitoring or review (at least “%(depth)s”): "
        "nobody independent watches the system once it is bought."
    ),
    actormap.GAP_ONLY_TEAM_VOICES: gettext_lazy(
        "Only the procurement team's own roles are involved (%(names)s): no voice from outside "
        "the public body."
    ),
    actormap.GAP_SAME_FEW_VOICES: gettext_lazy(
        "The same few voices everywhere: %(names)s hold %(share)s%% of all involvements across "
        "%(stages)s stages."
    ),
}


def actors_of(procurement: Procurement) -> QuerySet[Actor]:
    """The procurement's actors by name, with their involvements prefetched and
    ``activity_count`` (how many live plan activities target each: cancelled
    and dismissed ones do not count) annotated."""
    return (
        Actor.objects.filter(procurement=procurement)
        .annotate(
            activity_count=Count(
                "activities", filter=~Q(activities__status=ActivityStatus.CANCELLED)
            )
        )
        .prefetch_related("involvements")
        .order_by("name", "id")
    )


def map_actor(actor: Actor) -> actormap.MapActor:
    """The pure input for one actor (reads ``actor.involvements.all()``: prefetch it)."""
    return actormap.MapActor(
        key=str(actor.pk),
        name=actor.name,
        kind=actor.kind,
        sector=actor.sector,
        is_affected=actor.is_affected,
        influence=actor.influence,
        interest=actor.interest,
        involvements={i.stage: i.depth for i in actor.involvements.all()},
    )


def map_inputs(actors: Sequence[Actor]) -> list[actormap.MapActor]:
    return [map_actor(actor) for actor in actors]


def fria_groups(procurement: Procurement) -> list[str]:
    """The affected groups named in the procurement's latest fundamental rights
    assessment, draft or completed (a draft already says who is being considered)."""
    latest = (
        RightsAssessment.objects.filter(procurement=procurement)
        .only("affected_groups")
        .order_by("-number")
        .first()
    )
    return latest.affected_group_list if latest else []


@dataclass(frozen=True)
class GapView:
    key: str
    stage: str | None
    stage_name: str
    message: str


def gap_message(gap: actormap.Gap) -> str:
    """The gap in words, in the active language."""
    params = gap.params
    values = {
        "depth": DEPTH_LABELS[params.get("min_depth", actormap.VOICE_MIN_DEPTH)],
        "stage": lifecycle.stage(gap.stage).name if gap.stage else "",
        "level": LEVEL_NAMES.get(params.get("level"), params.get("level", "")),
        "names": ", ".join(params.get("names", ())),
        "share": params.get("share", ""),
        "stages": params.get("stages", ""),
    }
    return GAP_MESSAGES[gap.key] % values


def gap_views(gaps: Sequence[actormap.Gap]) -> list[GapView]:
    return [
        GapView(
            key=gap.key,
            stage=gap.stage,
            stage_name=str(lifecycle.stage(gap.stage).name) if gap.stage else "",
            message=gap_message(gap),
        )
        for gap in gaps
    ]


def role_names() -> dict[str, str]:
    return {kind: str(label) for kind, label in ACTOR_KIND_LABELS.items()}


def suggestions_for(
    procurement: Procurement, inputs: Sequence[actormap.MapActor]
) -> list[actormap.Suggestion]:
    """Actors worth adding to the map (see :func:`actormap.suggestions`)."""
    return actormap.suggestions(
        inputs,
        fria_groups=fria_groups(procurement),
        affected_people=procurement.affected_people,
        role_names=role_names(),
    )


def _grid_text(count: int) -> actormap.GridText:
    return actormap.GridText(
        title=_("Power-interest grid"),
        intro=ngettext(
            "%(count)d actor placed by influence (upwards) and interest (to the right).",
            "%(count)d actors placed by influence (upwards) and interest (to the right).",
            count,
        )
        % {"count": count},
        x_axis=_("Interest (1 to 5)"),
        y_axis=_("Influence (1 to 5)"),
        quadrants={key: str(label) for key, label in QUADRANT_LABELS.items()},
        none=_("none"),
        key=_("Key"),
        affected=_("Affected (square)"),
        not_affected=_("Not affected (circle)"),
    )


def _coverage_text(count: int) -> actormap.CoverageText:
    return actormap.CoverageText(
        title=_("Who takes part at each stage"),
        intro=ngettext(
            "%(count)d actor; for each stage, who takes part and how deeply.",
            "%(count)d actors; for each stage, who takes part and how deeply.",
            count,
        )
        % {"count": count},
        stage_names={s.key: str(s.name) for s in lifecycle.STAGES},
        depth_names={key: str(label) for key, label in DEPTH_LABELS.items()},
        nobody=_("nobody"),
        key=_("Key"),
        blank=_("Blank: not involved"),
    )


@dataclass(frozen=True)
class SuggestionRow:
    key: str
    name: str
    kind_label: str
    source_label: str
    influence: int
    interest: int


@dataclass(frozen=True)
class GridRow:
    number: int
    actor: Actor
    quadrant: str
    quadrant_label: str


@dataclass(frozen=True)
class CoverageCell:
    stage: lifecycle.Stage
    depth: str | None
    label: str  # the depth's name, or "" when not involved


@dataclass(frozen=True)
class CoverageTableRow:
    actor: Actor
    cells: tuple[CoverageCell, ...]  # one per stage, in lifecycle order


@dataclass(frozen=True)
class ActorMap:
    """Everything the map page shows."""

    procurement: Procurement
    actors: list[Actor]
    inputs: list[actormap.MapActor]
    layout: actormap.GridLayout
    grid_svg: SafeString
    coverage_svg: SafeString
    coverage: list[CoverageTableRow]
    stage_counts: list[tuple[lifecycle.Stage, int]]
    gaps: list[GapView]
    suggestions: list[actormap.Suggestion]

    @property
    def grid_rows(self) -> list[GridRow]:
        """Each actor with its number and quadrant, for the grid's data table."""
        return [
            GridRow(
                number=point.number,
                actor=actor,
                quadrant=point.quadrant,
                quadrant_label=str(QUADRANT_LABELS[point.quadrant]),
            )
            for point, actor in zip(self.layout.points, self.actors, strict=True)
        ]

    @property
    def suggestion_rows(self) -> list[SuggestionRow]:
        return [
            SuggestionRow(
                key=s.key,
                name=s.name,
                kind_label=str(ACTOR_KIND_LABELS[s.kind]),
                source_label=str(SOURCE_LABELS[s.source]),
                influence=s.influence,
                interest=s.interest,
            )
            for s in self.suggestions
        ]

    @property
    def quadrant_summary(self) -> list[tuple[str, str, int]]:
        """(name, what it means, how many actors) for each quadrant."""
        return [
            (
                str(QUADRANT_LABELS[key]),
                str(QUADRANT_HINTS[key]),
                len(self.layout.in_quadrant(key)),
            )
            for key in actormap.QUADRANTS
        ]


def _depth_label(depth: str | None) -> str:
    return str(DEPTH_LABELS[depth]) if depth else ""


def actor_map(procurement: Procurement) -> ActorMap:
    """The procurement's actor map, computed (three queries)."""
    actors = list(actors_of(procurement))
    inputs = map_inputs(actors)
    layout = actormap.grid_layout(inputs)
    rows = actormap.coverage_rows(inputs, STAGE_KEYS)
    counts = actormap.stage_counts(inputs, STAGE_KEYS)
    return ActorMap(
        procurement=procurement,
        actors=actors,
        inputs=inputs,
        layout=layout,
        # The renderer escapes every text it writes (see actormap.xml_text).
        grid_svg=mark_safe(actormap.render_grid_svg(layout, text=_grid_text(len(inputs)))),
        coverage_svg=mark_safe(
            actormap.render_coverage_svg(inputs, text=_coverage_text(len(inputs)))
        ),
        coverage=[
            CoverageTableRow(
                actor=actor,
                cells=tuple(
                    CoverageCell(stage=stage, depth=depth, label=_depth_label(depth))
                    for stage, depth in zip(lifecycle.STAGES, row.depths, strict=True)
                ),
            )
            for actor, row in zip(actors, rows, strict=True)
        ],
        stage_counts=list(zip(lifecycle.STAGES, counts, strict=True)),
        gaps=gap_views(actormap.find_gaps(inputs, impact_level=procurement.impact_level)),
        suggestions=suggestions_for(procurement, inputs),
    )
