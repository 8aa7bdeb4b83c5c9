"""The engagement-plan recommender: a proportionate plan from the stakes (pure).

Given where a procurement stands (its current stage), what its stakes demand
(the proportionality obligations), its impact level, who is on its actor map,
and the activities its plan already has, :func:`recommend` proposes the
activities that are missing, each with a mechanism from the toolbox, a stage,
the kinds of actor it should reach, the obligation it answers (if any), a reason
(a code and parameters, worded and translated by the caller) and a suggested
duration. Staff then accept, adjust or dismiss the proposals.

Two sources of proposals, in this order:

1. **Obligations.** Every obligation of kind ``"mechanism"`` that no
   non-cancelled activity covers gets the best-fitting mechanism (see
   :func:`best_mechanism`): one that suits the stage, serves one of the
   required democratic functions, reaches at least the required depth, and
   serves the decision stage and has the institutionalisation the requirement
   names, if it names them. An obligation whose stage has passed is still owed:
   it is proposed at its stage (or at the current stage, when that is still
   before its gate) with the code ``"obligation_overdue"``. A dismissed
   (cancelled) proposal does not cover the obligation, so the next-best
   mechanism is proposed instead.
2. **A proportionate baseline** (:data:`BASELINE`), for the stages from the
   current one onwards: every procurement (impact level I, or not assessed yet)
   lets people know at the key moments; level II adds consultation at problem
   definition and solicitation; level III and above add the affected people's
   involvement in defining the problem, a community voice in vendor evaluation
   and participatory monitoring after award (level IV has no line of its own:
   what it adds are reviews and approvals, and for a high-risk system the
   standing oversight obligation). A baseline slot is answered by any activity
   at its stage that serves it, whatever that activity's status: a dismissed
   baseline proposal is the team's proportionality judgment and is not
   proposed again.

The recommender never proposes a mechanism at a stage where the plan already
has that mechanism (in any status), and never the same thing twice in one run.
Activities naming a mechanism the catalogue does not know are ignored. The
output is deterministic: ties between mechanisms are broken by lower cost, then
wider reach, then catalogue order; proposals are ordered by stage, obligations
before the baseline.

Pure: no Django import.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from participai.assessment.proportionality.vocabulary import LEVEL_NAMES
from participai.core.vocabulary import ACTOR_KINDS, DEPTHS, STAGE_KEYS

from .toolbox import Catalogue, Mechanism

CANCELLED = "cancelled"
OBLIGATION = "obligation"
OBLIGATION_OVERDUE = "obligation_overdue"
BASELINE_CODE = "baseline"
REASON_CODES: tuple[str, ...] = (OBLIGATION, OBLIGATION_OVERDUE, BASELINE_CODE)


class ObligationLike(Protocol):
    """What the recommender reads of a proportionality ``Obligation``."""

    key: str
    stage: str
    kind: str
    gate: str
    requirement: Mapping[str, Any]
    blocking: bool


@dataclass(frozen=True)
class BaselineSlot:
    """One line of the proportionate baseline.

    Applies from impact level ``min_level`` (1 also covers "not assessed yet")
    at ``stage``. An activity serves it when its mechanism has one of
    ``functions`` and reaches at least ``min_depth`` (and has the
    ``institutionalisation``, if given). A proposed mechanism must also stay
    within ``max_depth``, if given. ``actors`` are the kinds of actor it must
    reach (named as missing when absent from the map); ``also`` are kinds it
    reaches too when they are on the map; ``affected`` adds the kinds of every
    actor marked as affected. ``prefer`` lists mechanisms to try first, in
    order, when they fit.
    """

    key: str
    min_level: int
    stage: str
    functions: tuple[str, ...]
    min_depth: str
    max_depth: str | None = None
    institutionalisation: str | None = None
    actors: tuple[str, ...] = ()
    also: tuple[str, ...] = ()
    affected: bool = False
    prefer: tuple[str, ...] = ()


# The proportionate baseline (DOMAIN.md sections 5 and 6). Cumulative: a level
# gets its own lines and those of every level below it.
BASELINE: tuple[BaselineSlot, ...] = (
    # Every procurement (level I, or not assessed yet): let people know, at the
    # moments that matter: when engagement starts, at the award, while the system
    # runs, and when it is reviewed. Transparency at the "inform" rung only.
    BaselineSlot(
        key="announce",
        min_level=1,
        stage="engagement_planning",
        functions=("transparency",),
        min_depth="inform",
        max_depth="inform",
        prefer=("public_notice",),
    ),
    BaselineSlot(
        key="publish_award",
        min_level=1,
        stage="vendor_evaluation",
        functions=("transparency",),
        min_depth="inform",
        max_depth="inform",
        prefer=("open_data_publication", "public_notice"),
    ),
    BaselineSlot(
        key="publish_performance",
        min_level=1,
        stage="contract_monitoring",
        functions=("transparency",),
        min_depth="inform",
        max_depth="inform",
        prefer=("public_performance_dashboard",),
    ),
    BaselineSlot(
        key="publish_lessons",
        min_level=1,
        stage="review",
        functions=("transparency",),
        min_depth="inform",
        max_depth="inform",
        prefer=("lessons_learned_publication",),
    ),
    # Level II: consult on the problem and on the draft tender.
    BaselineSlot(
        key="consult_problem",
        min_level=2,
        stage="problem_definition",
        functions=("participation",),
        min_depth="consult",
        max_depth="consult",
        also=("affected_community", "end_user_representative", "frontline_worker"),
        affected=True,
        prefer=("open_consultation", "survey"),
    ),
    BaselineSlot(
        key="consult_solicitation",
        min_level=2,
        stage="solicitation_preparation",
        functions=("participation",),
        min_depth="consult",
        max_depth="consult",
        also=("affected_community", "end_user_representative", "civil_society"),
        prefer=("draft_tender_review", "open_consultation"),
    ),
    # Level III and above: the affected people involved in defining the problem,
    # a community voice when bids are evaluated, participatory monitoring.
    BaselineSlot(
        key="involve_affected_problem",
        min_level=3,
        stage="problem_definition",
        functions=("participation", "collaboration"),
        min_depth="involve",
        actors=("affected_community",),
        also=("end_user_representative", "frontline_worker"),
        affected=True,
        prefer=("focus_groups", "co_design_workshop"),
    ),
    BaselineSlot(
        key="community_voice_evaluation",
        min_level=3,
        stage="vendor_evaluation",
        functions=("participation", "collaboration"),
        min_depth="involve",
        actors=("affected_community",),
        also=("end_user_representative",),
        affected=True,
        prefer=("community_evaluation_panel",),
    ),
    BaselineSlot(
        key="participatory_monitoring",
        min_level=3,
        stage="contract_monitoring",
        functions=("collaboration",),
        min_depth="collaborate",
        actors=("affected_community",),
        also=("end_user_representative", "frontline_worker", "civil_society"),
        affected=True,
        prefer=("participatory_audit",),
    ),
)
BASELINE_KEYS: tuple[str, ...] = tuple(slot.key for slot in BASELINE)

# Mechanisms designed for particular kinds of actor. When a requirement names
# the actors it must reach, a mechanism listed here fits only if it is designed
# for one of them; mechanisms not listed are open to anyone.
AUDIENCES: Mapping[str, frozenset[str]] = {
    "civil_society_roundtable": frozenset({"civil_society", "academia"}),
    "frontline_staff_interviews": frozenset({"frontline_worker"}),
    "union_consultation": frozenset({"frontline_worker"}),
    "expert_panel_review": frozenset({"independent_expert", "academia"}),
    "open_market_dialogue": frozenset({"supplier"}),
    "red_teaming": frozenset({"independent_expert", "academia", "civil_society"}),
    "oversight_board": frozenset({"oversight_body", "independent_expert", "affected_community"}),
}


@dataclass(frozen=True)
class ExistingActivity:
    """What the recommender needs to know of an activity already in the plan.

    ``target_kinds`` holds the kinds it targets, both those named directly and
    those of its target actors.
    """

    mechanism_key: str
    stage: str
    status: str
    obligation_key: str = ""
    target_kinds: frozenset[str] = frozenset()


@dataclass(frozen=True)
class ActorMapSummary:
    """Who is on the actor map: the kinds present, and the kinds of the actors
    marked as affected by the system."""

    kinds: frozenset[str] = frozenset()
    affected_kinds: frozenset[str] = frozenset()

    @property
    def has_affected(self) -> bool:
        return bool(self.affected_kinds)


@dataclass(frozen=True)
class Proposal:
    """One proposed activity.

    ``target_kinds`` lists the kinds it must reach (those on the map first),
    then the optional ones present on the map; ``missing_kinds`` are the kinds
    it must reach that the map lacks. ``reason_code`` is one of
    :data:`REASON_CODES`; ``reason_params`` holds what its wording needs
    (``obligation``, ``gate`` and ``current_stage`` for obligations; ``slot``,
    ``level`` (a numeral or ``None``) for the baseline; ``missing_kinds`` and
    ``no_affected_actor`` for both).
    """

    mechanism_key: str
    stage: str
    target_kinds: tuple[str, ...]
    missing_kinds: tuple[str, ...]
    obligation_key: str | None
    reason_code: str
    reason_params: Mapping[str, Any] = field(default_factory=dict)
    duration_days: int = 7


# --- Fitting a mechanism to a need -------------------------------------------------------


def _stage_index(stage: str) -> int:
    return STAGE_KEYS.index(stage)


def satisfies(mechanism: Mechanism, requirement: Mapping[str, Any]) -> bool:
    """Whether ``mechanism`` meets a mechanism requirement: it serves one of the
    required ``functions``, reaches at least ``min_depth``, and serves the
    ``decision_stage`` and has the ``institutionalisation`` when they are named."""
    functions = requirement.get("functions") or ()
    if functions and not set(functions) & set(mechanism.democratic_function):
        return False
    min_depth = requirement.get("min_depth")
    if min_depth and mechanism.depth_rank < DEPTHS.index(min_depth):
        return False
    decision_stage = requirement.get("decision_stage")
    if decision_stage and decision_stage not in mechanism.decision_stages:
        return False
    institutionalisation = requirement.get("institutionalisation")
    return not (institutionalisation and mechanism.institutionalisation != institutionalisation)


def in_time(stage: str, gate: str) -> bool:
    """Whether work at ``stage`` counts for an obligation checked at the gate of
    ``gate``: it is not after that stage."""
    return _stage_index(stage) <= _stage_index(gate)


def reaches(target_kinds: Collection[str], requirement: Mapping[str, Any]) -> bool:
    """Whether an activity targeting ``target_kinds`` reaches the kinds of actor
    the requirement names (any of them; always, when it names none)."""
    actors = requirement.get("actors") or ()
    return not actors or not set(actors).isdisjoint(target_kinds)


def answers(
    obligation: ObligationLike, mechanism: Mechanism, *, stage: str, target_kinds: Collection[str]
) -> bool:
    """Whether an activity running ``mechanism`` at ``stage`` for ``target_kinds``
    answers a mechanism ``obligation``: the mechanism :func:`satisfies` its
    requirement, the stage is :func:`in_time` for its gate, and it
    :func:`reaches` the actors it names. (Its status is the caller's concern:
    the recommender counts any activity not cancelled, the evidence only a
    done one.)"""
    requirement = obligation.requirement
    return (
        satisfies(mechanism, requirement)
        and in_time(stage, obligation.gate)
        and reaches(target_kinds, requirement)
    )


def _serves_actors(mechanism: Mechanism, actors: Collection[str]) -> bool:
    audience = AUDIENCES.get(mechanism.key)
    return not actors or audience is None or bool(audience & set(actors))


def _slot_requirement(slot: BaselineSlot) -> dict[str, Any]:
    requirement: dict[str, Any] = {"functions": slot.functions, "min_depth": slot.min_depth}
    if slot.institutionalisation:
        requirement["institutionalisation"] = slot.institutionalisation
    return requirement


def best_mechanism(
    catalogue: Catalogue,
    *,
    stage: str,
    requirement: Mapping[str, Any],
    actors: Collection[str] = (),
    max_depth: str | None = None,
    prefer: Sequence[str] = (),
    exclude: Collection[str] = (),
) -> Mechanism | None:
    """The best-fitting mechanism for ``requirement`` at ``stage``, or ``None``.

    Fits: suits ``stage``, :func:`satisfies` the requirement, is not deeper than
    ``max_depth`` (if given), is open to ``actors`` (:data:`AUDIENCES`) and is
    not in ``exclude``. Among those, the first of ``prefer`` that fits wins;
    otherwise lower cost, then wider reach, then catalogue order.
    """
    max_rank = DEPTHS.index(max_depth) if max_depth else len(DEPTHS)
    fitting = [
        m
        for m in catalogue
        if stage in m.stages
        and m.key not in exclude
        and m.depth_rank <= max_rank
        and satisfies(m, requirement)
        and _serves_actors(m, actors)
    ]
    by_key = {m.key: m for m in fitting}
    for key in prefer:
        if key in by_key:
            return by_key[key]
    order = {key: i for i, key in enumerate(catalogue.keys())}
    fitting.sort(key=lambda m: (m.cost_rank, -m.reach_rank, order[m.key]))
    return fitting[0] if fitting else None


def _targets(
    required: Sequence[str],
    optional: Sequence[str],
    actor_map: ActorMapSummary,
    *,
    affected: bool,
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(target kinds, missing kinds): the required kinds, those on the map first,
    then optional kinds on the map (and the affected actors' kinds when asked),
    each once, in ACTOR_KINDS order within each group."""
    rank = {kind: i for i, kind in enumerate(ACTOR_KINDS)}

    def order(kind: str) -> tuple[int, str]:
        return rank.get(kind, len(rank)), kind

    required = list(dict.fromkeys(required))
    present = sorted((k for k in required if k in actor_map.kinds), key=order)
    missing = sorted((k for k in required if k not in actor_map.kinds), key=order)
    extras = [k for k in optional if k in actor_map.kinds]
    if affected:
        extras += list(actor_map.affected_kinds)
    extras = sorted({k for k in extras if k in rank and k not in required}, key=order)
    return tuple(present + missing + extras), tuple(missing)


def _duration_days(mechanism: Mechanism) -> int:
    return mechanism.duration_weeks[0] * 7


# --- The plan so far ---------------------------------------------------------------------


class _Plan:
    """The activities already in the plan that name a known mechanism, plus the
    proposals of this run, to check coverage against."""

    def __init__(self, catalogue: Catalogue, existing: Iterable[ExistingActivity]) -> None:
        self.catalogue = catalogue
        self.rows: list[tuple[ExistingActivity, Mechanism]] = [
            (a, catalogue.get(a.mechanism_key))
            for a in existing
            if a.mechanism_key in catalogue and a.stage in STAGE_KEYS
        ]

    def add(self, proposal: Proposal) -> None:
        activity = ExistingActivity(
            mechanism_key=proposal.mechanism_key,
            stage=proposal.stage,
            status="proposed",
            obligation_key=proposal.obligation_key or "",
            target_kinds=frozenset(proposal.target_kinds),
        )
        self.rows.append((activity, self.catalogue.get(proposal.mechanism_key)))

    def mechanisms_at(self, stage: str) -> set[str]:
        """Mechanisms the plan has at ``stage``, in any status."""
        return {a.mechanism_key for a, _m in self.rows if a.stage == stage}

    def covers(self, obligation: ObligationLike) -> bool:
        """Whether a non-cancelled activity was proposed for ``obligation`` or
        :func:`answers` it."""
        return any(
            activity.status != CANCELLED
            and (
                activity.obligation_key == obligation.key
                or answers(
                    obligation, mechanism, stage=activity.stage, target_kinds=activity.target_kinds
                )
            )
            for activity, mechanism in self.rows
        )

    def answers(self, slot: BaselineSlot) -> bool:
        """Whether an activity at the slot's stage, in any status, serves the slot."""
        requirement = _slot_requirement(slot)
        return any(
            activity.stage == slot.stage and satisfies(mechanism, requirement)
            for activity, mechanism in self.rows
        )


# --- The recommender ---------------------------------------------------------------------


def _obligation_stage(obligation: ObligationLike, current_stage: str) -> tuple[str, bool]:
    """Where to propose work for ``obligation``, and whether it is overdue."""
    work, gate, now = (_stage_index(s) for s in (obligation.stage, obligation.gate, current_stage))
    if work >= now:
        return obligation.stage, False
    if now <= gate:
        return current_stage, True
    return obligation.stage, True


def recommend(
    *,
    current_stage: str,
    obligations: Iterable[ObligationLike],
    impact_level: int | None,
    actor_map: ActorMapSummary,
    existing: Iterable[ExistingActivity],
    catalogue: Catalogue,
) -> list[Proposal]:
    """The activities to propose, in stage order (obligations first within a stage).

    ``current_stage`` is a lifecycle stage key (``ValueError`` otherwise);
    ``impact_level`` is 1 to 4 or ``None`` (not assessed yet, treated as level I
    for the baseline). Only obligations of kind ``"mechanism"`` that are not
    blocking are considered. See the module docstring for the rules.
    """
    if current_stage not in STAGE_KEYS:
        raise ValueError(f"unknown stage {current_stage!r}; expected one of {STAGE_KEYS}")
    if impact_level is not None and impact_level not in LEVEL_NAMES:
        raise ValueError(f"impact_level must be 1, 2, 3, 4 or None, not {impact_level!r}")
    plan = _Plan(catalogue, existing)
    found: list[tuple[tuple[int, int, int], Proposal]] = []
    no_affected = not actor_map.has_affected

    for position, obligation in enumerate(obligations):
        if obligation.kind != "mechanism" or obligation.blocking or plan.covers(obligation):
            continue
        stage, overdue = _obligation_stage(obligation, current_stage)
        actors = tuple(obligation.requirement.get("actors") or ())
        mechanism = best_mechanism(
            catalogue,
            stage=stage,
            requirement=obligation.requirement,
            actors=actors,
            exclude=plan.mechanisms_at(stage),
        )
        if mechanism is None:
            continue
        targets, missing = _targets(actors, (), actor_map, affected="affected_community" in actors)
        proposal = Proposal(
            mechanism_key=mechanism.key,
            stage=stage,
            target_kinds=targets,
            missing_kinds=missing,
            obligation_key=obligation.key,
            reason_code=OBLIGATION_OVERDUE if overdue else OBLIGATION,
            reason_params={
                "obligation": obligation.key,
                "gate": obligation.gate,
                "current_stage": current_stage,
                "missing_kinds": list(missing),
                "no_affected_actor": no_affected and "affected_community" in actors,
            },
            duration_days=_duration_days(mechanism),
        )
        plan.add(proposal)
        found.append(((_stage_index(stage), 0, position), proposal))

    level = impact_level or 1
    now = _stage_index(current_stage)
    for position, slot in enumerate(BASELINE):
        if slot.min_level > level or _stage_index(slot.stage) < now or plan.answers(slot):
            continue
        mechanism = best_mechanism(
            catalogue,
            stage=slot.stage,
            requirement=_slot_requirement(slot),
            actors=slot.actors,
            max_depth=slot.max_depth,
            prefer=slot.prefer,
            exclude=plan.mechanisms_at(slot.stage),
        )
        if mechanism is None:
            continue
        targets, missing = _targets(slot.actors, slot.also, actor_map, affected=slot.affected)
        proposal = Proposal(
            mechanism_key=mechanism.key,
            stage=slot.stage,
            target_kinds=targets,
            missing_kinds=missing,
            obligation_key=None,
            reason_code=BASELINE_CODE,
            reason_params={
                "slot": slot.key,
                "level": LEVEL_NAMES.get(impact_level or 0),
                "missing_kinds": list(missing),
                "no_affected_actor": no_affected and slot.affected,
            },
            duration_days=_duration_days(mechanism),
        )
        plan.add(proposal)
        found.append(((_stage_index(slot.stage), 1, position), proposal))

    found.sort(key=lambda item: item[0])
    return [proposal for _key, proposal in found]
