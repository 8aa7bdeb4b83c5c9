"""Evidence that role obligations are met: actors on the actor map.

A *role* obligation names an actor kind and a minimum count, e.g.
``{"actor": "independent_expert", "min_count": 1, "responsibility":
"team_member"}`` at the stage ``engagement_planning``. It is met when at least
``min_count`` actors of that kind take part at the obligation's stage at the
depth :data:`ROLE_MIN_DEPTH` ("involve") or deeper: being informed or
consulted does not give someone a role. The map does not record the
responsibility itself (team member, panel member, approver); the depth stands
for it, and the detail names who holds it.

The map is loaded once per evidence context (``"engagement.actors"``), however
many role obligations are checked; a page that has loaded it already hands it
over with :func:`prime`.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from participai.assessment.evidence import Evidence, EvidenceContext, obligation_evidence
from participai.assessment.proportionality import Obligation
from participai.core.vocabulary import STAGE_KEYS
from participai.procurements import lifecycle
from participai.procurements.checks import prefetch_for_checks

from . import actormap
from .labels import ACTOR_KIND_LABELS, DEPTH_LABELS
from .models import Actor
from .selectors.actors import actors_of, map_inputs

ROLE_MIN_DEPTH = "involve"
CACHE_KEY = "engagement.actors"


prefetch_for_checks("actors__involvements")


def _map(actors: Iterable[Actor]) -> list[actormap.MapActor]:
    """The map's inputs by name (reads ``involvements.all()``: prefetch it)."""
    return map_inputs(sorted(actors, key=lambda a: (a.name, a.pk)))


def _load_map(context: EvidenceContext) -> list[actormap.MapActor]:
    procurement = context.procurement
    if "actors" in getattr(procurement, "_prefetched_objects_cache", {}):
        # A list of procurements (the dashboard) prefetched the maps: no query.
        return _map(procurement.actors.all())
    return _map(actors_of(procurement))


def prime(context: EvidenceContext, actors: Iterable[Actor]) -> None:
    """Hand ``context`` the actor map already loaded (every actor of the
    procurement, with ``involvements`` prefetched), so that checking role
    obligations runs no query of its own."""
    context.cache[CACHE_KEY] = _map(actors)


def _names(actors: list[actormap.MapActor]) -> str:
    return ", ".join(f"“{a.name}”" for a in actors)


@obligation_evidence("role")
def actors_in_role(context: EvidenceContext, obligation: Obligation) -> Evidence:
    """Met when enough actors of the required kind take part, deeply enough,
    at the obligation's stage (the procurement's current stage for a rule
    checked at whatever gate comes next)."""
    requirement = obligation.requirement
    kind = requirement["actor"]
    needed = max(1, int(requirement.get("min_count", 1)))
    stage = obligation.stage if obligation.stage in STAGE_KEYS else context.procurement.stage
    actors = context.cached(CACHE_KEY, lambda: _load_map(context))
    of_kind = [a for a in actors if a.kind == kind]
    holding = [a for a in of_kind if a.takes_part(stage, ROLE_MIN_DEPTH)]
    values = {
        "kind": ACTOR_KIND_LABELS.get(kind, kind),
        "stage": lifecycle.stage(stage).name,
        "depth": DEPTH_LABELS[ROLE_MIN_DEPTH],
        "names": _names(holding),
        "count": len(holding),
        "missing": needed - len(holding),
    }
    if len(holding) >= needed:
        return Evidence(
            True,
            _("On the actor map as “%(kind)s”, taking part in “%(stage)s”: %(names)s.") % values,
        )
    detail = (
        ngettext(
            "%(missing)d more actor of the role “%(kind)s” must take part in “%(stage)s” "
            "(at least “%(depth)s”) on the actor map.",
            "%(missing)d more actors of the role “%(kind)s” must take part in “%(stage)s” "
            "(at least “%(depth)s”) on the actor map.",
            values["missing"],
        )
        % values
    )
    if holding:
        detail += " " + _("Taking part already: %(names)s.") % values
    shallow = [a for a in of_kind if a not in holding]
    if shallow:
        detail += " " + _(
            "On the map but not involved deeply enough at this stage: %(names)s."
        ) % {"names": _names(shallow)}
    return Evidence(False, detail)
