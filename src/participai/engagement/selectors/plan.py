"""Reads of the engagement plan: proposals, the plan by stage, the timeline, and
what the recommender and the evidence need to know of the plan and the map.

Every function runs a fixed number of queries whatever the number of
activities (target actors and owners are fetched with the activities).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from participai.procurements import lifecycle
from participai.procurements.models import Procurement

from ..labels import ACTOR_KIND_LABELS
from ..models import ActivityStatus, Actor, EngagementActivity
from ..recommender import ActorMapSummary, ExistingActivity
from ..timeline import TimelineItem, TimelineLabels, ordered, render_svg, summarise
from ..toolbox import default_catalogue


def activities_of(procurement: Procurement) -> QuerySet[EngagementActivity]:
    """Every activity of the plan, proposals and cancelled ones included, with
    owner and target actors loaded."""
    return (
        EngagementActivity.objects.filter(procurement=procurement)
        .select_related("owner")
        .prefetch_related(Prefetch("target_actors", queryset=Actor.objects.order_by("name")))
        .order_by("starts_on", "id")
    )


def activity_target_kinds(activity: EngagementActivity) -> tuple[str, ...]:
    """The kinds an activity targets, each once: those named, then those of its
    target actors (reads ``target_actors.all()``: prefetch it)."""
    named = activity.target_kinds or ()
    return tuple(dict.fromkeys([*named, *(a.kind for a in activity.target_actors.all())]))


def mechanism_name(key: str, lang: str | None = None) -> str:
    """The mechanism's name in ``lang`` (the current language by default), or the
    key itself for a mechanism the catalogue no longer has."""
    catalogue = default_catalogue()
    if key not in catalogue:
        return key
    return catalogue.get(key).text("name", lang or get_language())


def kind_names(kinds: Iterable[str]) -> list[str]:
    return [str(ACTOR_KIND_LABELS.get(kind, kind)) for kind in kinds]


# --- What the recommender and the evidence read ---------------------------------------


def actor_map_summary(
    procurement: Procurement, actors: Iterable[Actor] | None = None
) -> ActorMapSummary:
    """The kinds of actor on the map, and those of the actors marked affected
    (read from ``actors``, the whole map, when it is loaded already)."""
    if actors is None:
        rows = list(
            Actor.objects.filter(procurement=procurement).values_list("kind", "is_affected")
        )
    else:
        rows = [(actor.kind, actor.is_affected) for actor in actors]
    return ActorMapSummary(
        kinds=frozenset(kind for kind, _affected in rows),
        affected_kinds=frozenset(kind for kind, affected in rows if affected),
    )


def existing_for_recommender(activities: Iterable[EngagementActivity]) -> list[ExistingActivity]:
    """What the recommender reads of ``activities`` (from :func:`activities_of`)."""
    return [
        ExistingActivity(
            mechanism_key=activity.mechanism_key,
            stage=activity.stage,
            status=activity.status,
            obligation_key=activity.obligation_key,
            target_kinds=frozenset(activity_target_kinds(activity)),
        )
        for activity in activities
    ]


# --- The plan page -----------------------------------------------------------------------


@dataclass(frozen=True)
class PlannedActivity:
    """An activity with what the page shows of it."""

    activity: EngagementActivity
    mechanism_name: str
    target_kind_names: list[str]
    missing_kind_names: list[str]

    @property
    def stage(self) -> lifecycle.Stage:
        return lifecycle.stage(self.activity.stage)


@dataclass(frozen=True)
class StageGroup:
    stage: lifecycle.Stage
    activities: list[PlannedActivity]


@dataclass(frozen=True)
class PlanPage:
    activities: list[EngagementActivity]  # every one, as activities_of gives them
    proposals: list[PlannedActivity]
    by_stage: list[StageGroup]
    timeline_rows: list[PlannedActivity]
    timeline_svg: SafeString
    actor_map: ActorMapSummary


def _planned(activity: EngagementActivity, actor_map: ActorMapSummary) -> PlannedActivity:
    return PlannedActivity(
        activity=activity,
        mechanism_name=mechanism_name(activity.mechanism_key),
        target_kind_names=kind_names(activity_target_kinds(activity)),
        missing_kind_names=kind_names(
            k for k in activity.target_kinds if k not in actor_map.kinds
        ),
    )


def _stage_order(activity: EngagementActivity) -> int:
    return lifecycle.STAGE_KEYS.index(activity.stage)


def plan_page(procurement: Procurement) -> PlanPage:
    """Everything the plan page shows, in three queries: proposals (status
    proposed) in lifecycle order; the other activities grouped by stage; the
    timeline of those other activities and its data-table rows."""
    actor_map = actor_map_summary(procurement)
    loaded = list(activities_of(procurement))
    activities = [_planned(a, actor_map) for a in loaded]
    proposals = sorted(
        (p for p in activities if p.activity.status == ActivityStatus.PROPOSED),
        key=lambda p: (_stage_order(p.activity), p.activity.id),
    )
    plan = [p for p in activities if p.activity.status != ActivityStatus.PROPOSED]
    groups: dict[str, list[PlannedActivity]] = {}
    for item in sorted(plan, key=lambda p: _stage_order(p.activity)):
        groups.setdefault(item.activity.stage, []).append(item)
    svg, rows = timeline(plan)
    return PlanPage(
        activities=loaded,
        proposals=proposals,
        by_stage=[StageGroup(lifecycle.stage(key), items) for key, items in groups.items()],
        timeline_rows=rows,
        timeline_svg=svg,
        actor_map=actor_map,
    )


def _timeline_description(items: Sequence[TimelineItem]) -> str:
    summary = summarise(items)
    if not summary.count:
        return _("The plan has no activity yet.")
    parts = [
        ngettext(
            "The plan has %(count)d activity.", "The plan has %(count)d activities.", summary.count
        )
        % {"count": summary.count},
        ngettext(
            "They are at %(stages)d stage of the lifecycle.",
            "They are at %(stages)d stages of the lifecycle.",
            summary.stages,
        )
        % {"stages": summary.stages},
    ]
    if summary.first_day and summary.last_day:
        parts.append(
            _("Dated activities run from %(first)s to %(last)s.")
            % {
                "first": date_format(summary.first_day, "DATE_FORMAT"),
                "last": date_format(summary.last_day, "DATE_FORMAT"),
            }
        )
    if summary.undated:
        parts.append(
            ngettext(
                "%(count)d activity has no dates yet.",
                "%(count)d activities have no dates yet.",
                summary.undated,
            )
            % {"count": summary.undated}
        )
    parts.append(_("The table that follows lists every activity with its dates and status."))
    return " ".join(parts)


def timeline(
    activities: Sequence[PlannedActivity], *, today: datetime.date | None = None
) -> tuple[SafeString, list[PlannedActivity]]:
    """The timeline SVG of ``activities`` and the rows of its data table, in the
    picture's order."""
    pairs = [
        (
            TimelineItem(
                title=p.activity.title,
                stage=p.activity.stage,
                status=p.activity.status,
                starts_on=p.activity.starts_on,
                ends_on=p.activity.ends_on,
            ),
            p,
        )
        for p in activities
    ]
    items = [item for item, _p in pairs]
    labels = TimelineLabels(
        title=_("Timeline of the engagement plan"),
        description=_timeline_description(items),
        stages={stage.key: str(stage.name) for stage in lifecycle.STAGES},
        statuses={key: str(label) for key, label in ActivityStatus.choices},
        undated=_("not dated"),
        legend=_("Status"),
        today=_("today"),
        month=lambda day: date_format(day, "M Y"),
    )
    svg = render_svg(items, labels, id_prefix="plan-timeline", today=today or timezone.localdate())
    position = {id(item): n for n, item in enumerate(ordered(items))}
    rows = [p for item, p in sorted(pairs, key=lambda pair: position[id(pair[0])])]
    # render_svg escapes every text it writes.
    return mark_safe(svg), rows
