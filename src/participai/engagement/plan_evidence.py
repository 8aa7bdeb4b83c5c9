"""Evidence that mechanism obligations are met: activities of the engagement plan.

A mechanism obligation (for example "deliberation with the affected people
before the problem is fixed") is met by an activity of the plan that is
**done**, at a stage not after the obligation's gate, whose mechanism meets the
requirement (one of the democratic functions, at least the depth, and the
decision stage and institutionalisation when named) and, when the requirement
names kinds of actor, that targets at least one of them (a target actor of that
kind, or the kind itself among its target kinds): ``recommender.answers``, the
rule the recommender uses too.

When it is not met, the detail says what is closest: an activity that fits but
is not done yet, one that does not target the required actors, one placed after
the gate, or what kind of activity is missing. The plan's rows are loaded once
per evidence context (``"engagement.activities"``); a page that has loaded
them already hands them over with :func:`prime`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from participai.assessment.evidence import Evidence, EvidenceContext, obligation_evidence
from participai.assessment.proportionality import Obligation
from participai.assessment.selectors.obligations import ObligationStatus, obligation_statuses
from participai.procurements import lifecycle
from participai.procurements.checks import prefetch_for_checks
from participai.procurements.models import Procurement

from .labels import (
    ACTOR_KIND_LABELS,
    DECISION_STAGE_LABELS,
    DEPTH_LABELS,
    FUNCTION_LABELS,
    INSTITUTIONALISATION_LABELS,
)
from .models import ActivityStatus, Actor, EngagementActivity
from .recommender import in_time, reaches, satisfies
from .selectors.plan import activity_target_kinds
from .toolbox import Mechanism, default_catalogue

CACHE_KEY = "engagement.activities"
# Most advanced first: the detail names the activity closest to being done.
OPEN_STATUSES = (ActivityStatus.RUNNING, ActivityStatus.PLANNED, ActivityStatus.PROPOSED)


@dataclass(frozen=True)
class _Row:
    title: str
    mechanism: Mechanism | None
    stage: str
    status: str
    target_kinds: frozenset[str]


prefetch_for_checks("engagement_activities__target_actors")


def _rows(activities: Iterable[EngagementActivity]) -> list[_Row]:
    """The rows the evidence reads, in the order the activities were added
    (reads ``target_actors.all()``: prefetch it)."""
    catalogue = default_catalogue()
    return [
        _Row(
            title=a.title,
            mechanism=catalogue.get(a.mechanism_key) if a.mechanism_key in catalogue else None,
            stage=a.stage,
            status=a.status,
            target_kinds=frozenset(activity_target_kinds(a)),
        )
        for a in sorted(activities, key=lambda a: a.pk)
    ]


def _load(context: EvidenceContext) -> list[_Row]:
    procurement = context.procurement
    if "engagement_activities" in getattr(procurement, "_prefetched_objects_cache", {}):
        # A list of procurements (the dashboard) prefetched the plans: no query.
        return _rows(procurement.engagement_activities.all())
    return _rows(
        EngagementActivity.objects.filter(procurement=procurement).prefetch_related(
            # Only the kinds are needed; keep the rows light.
            Prefetch("target_actors", queryset=Actor.objects.only("id", "kind"))
        )
    )


def prime(context: EvidenceContext, activities: Iterable[EngagementActivity]) -> None:
    """Hand ``context`` the plan's activities already loaded (every one of the
    procurement's, with ``target_actors`` prefetched), so that checking
    mechanism obligations runs no query of its own."""
    context.cache[CACHE_KEY] = _rows(activities)


def mechanism_obligations(
    procurement: Procurement, activities: Iterable[EngagementActivity]
) -> list[ObligationStatus]:
    """The obligations the plan answers (kind ``"mechanism"``) with their state,
    read from ``activities``: the procurement's whole plan, already loaded (as
    :func:`prime` takes it)."""
    context = EvidenceContext.of(procurement)
    prime(context, activities)
    return [
        status
        for status in obligation_statuses(procurement, context=context)
        if status.obligation.kind == "mechanism"
    ]


def _labels(mapping, keys, *, quoted: bool = False) -> str:
    """The labels of ``keys`` as "a, b or c" (each in quotes when ``quoted``)."""
    names = [str(mapping.get(key, key)) for key in keys]
    if quoted:
        names = [f"“{name}”" for name in names]
    if len(names) < 2:
        return "".join(names)
    return _("%(list)s or %(last)s") % {"list": ", ".join(names[:-1]), "last": names[-1]}


def _what_is_needed(obligation: Obligation) -> str:
    requirement = obligation.requirement
    parts = [
        _("an activity for %(functions)s reaching at least “%(depth)s”")
        % {
            "functions": _labels(FUNCTION_LABELS, requirement.get("functions") or (), quoted=True),
            "depth": DEPTH_LABELS.get(requirement.get("min_depth"), requirement.get("min_depth")),
        }
    ]
    if requirement.get("decision_stage"):
        parts.append(
            _("serving the decision stage %(stage)s")
            % {
                "stage": _labels(
                    DECISION_STAGE_LABELS, [requirement["decision_stage"]], quoted=True
                )
            }
        )
    if requirement.get("institutionalisation"):
        parts.append(
            _("run as %(kind)s")
            % {
                "kind": _labels(
                    INSTITUTIONALISATION_LABELS, [requirement["institutionalisation"]], quoted=True
                )
            }
        )
    if requirement.get("actors"):
        parts.append(
            _("with %(actors)s") % {"actors": _labels(ACTOR_KIND_LABELS, requirement["actors"])}
        )
    return ", ".join(parts)


@obligation_evidence("mechanism")
def activities_of_the_plan(context: EvidenceContext, obligation: Obligation) -> Evidence:
    """Met by a done activity of the plan that answers the mechanism requirement."""
    rows = context.cached(CACHE_KEY, lambda: _load(context))
    requirement = obligation.requirement
    actors = set(requirement.get("actors") or ())
    gate = lifecycle.stage(obligation.gate)
    # Closer and closer to answering it (recommender.answers is all three).
    fitting = [
        row
        for row in rows
        if row.mechanism is not None
        and row.status != ActivityStatus.CANCELLED
        and satisfies(row.mechanism, requirement)
    ]
    timely = [row for row in fitting if in_time(row.stage, obligation.gate)]
    reaching = [row for row in timely if reaches(row.target_kinds, requirement)]

    done = [row for row in reaching if row.status == ActivityStatus.DONE]
    if done:
        return Evidence(
            True,
            _("Done: “%(title)s” (%(stage)s).")
            % {"title": done[-1].title, "stage": lifecycle.stage(done[-1].stage).name},
        )
    for status in OPEN_STATUSES:
        open_rows = [row for row in reaching if row.status == status]
        if open_rows:
            return Evidence(
                False,
                _("“%(title)s” answers this but is %(status)s, not done yet.")
                % {
                    "title": open_rows[0].title,
                    "status": ActivityStatus(status).label.lower(),
                },
            )
    if timely:
        return Evidence(
            False,
            _("“%(title)s” does not reach %(actors)s yet: add them as its targets.")
            % {"title": timely[0].title, "actors": _labels(ACTOR_KIND_LABELS, sorted(actors))},
        )
    if fitting:
        return Evidence(
            False,
            _("“%(title)s” is planned at “%(stage)s”, after the gate of “%(gate)s”.")
            % {
                "title": fitting[0].title,
                "stage": lifecycle.stage(fitting[0].stage).name,
                "gate": gate.name,
            },
        )
    return Evidence(
        False,
        _("The engagement plan needs %(what)s, done by the gate of “%(gate)s”.")
        % {"what": _what_is_needed(obligation), "gate": gate.name},
    )
