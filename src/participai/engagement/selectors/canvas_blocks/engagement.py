"""Blocks of the canvas about who takes part and what was decided: actors,
engagement per phase, gate decisions, consequence scanning and obligations."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from django.utils.translation import gettext as _

from participai.assessment.evidence import EvidenceContext
from participai.assessment.models import (
    Consequence,
    ConsequenceEffect,
    ConsequenceIntention,
    ConsequenceResponse,
    ConsequenceStatus,
)
from participai.assessment.selectors.obligations import obligation_statuses
from participai.procurements import lifecycle
from participai.procurements.models import (
    Document,
    GateDecision,
    GateOutcome,
    Procurement,
)

from ... import evidence as role_evidence
from ... import plan_evidence
from ...canvas import Block, Column, Fact, Table
from ...labels import ACTOR_KIND_LABELS, DEPTH_LABELS, SECTOR_LABELS
from ...models import ActivityStatus, Actor, EngagementActivity
from ...toolbox import default_catalogue
from .common import (
    OBLIGATION_STATES,
    iso_date,
    pending_note,
    stage_name,
    yes_no,
)


def actors_block(actors: Sequence[Actor], *, public: bool) -> Block:
    columns = [
        Column("name", _("Actor")),
        Column("role", _("Role")),
        Column("sector", _("Sector")),
        Column("affected", _("Affected")),
    ]
    if not public:
        # The team's ratings of named people and groups stay with the team, as
        # the actor map does.
        columns += [
            Column("influence", _("Influence (1–5)")),
            Column("interest", _("Interest (1–5)")),
            Column("notes", _("Notes")),
        ]
    rows = []
    for actor in actors:
        row = [
            actor.name,
            str(ACTOR_KIND_LABELS.get(actor.kind, actor.kind)),
            str(SECTOR_LABELS.get(actor.sector, actor.sector)),
            yes_no(actor.is_affected),
        ]
        if not public:
            row += [str(actor.influence), str(actor.interest), actor.notes]
        rows.append(tuple(row))
    pending = ()
    if not actors:
        pending = (
            pending_note(
                _("The actor map is drawn at the stage “%(stage)s”."),
                "engagement_planning",
            ),
        )
    table = Table("actors", _("Actor map"), tuple(columns), tuple(rows), _("No actor yet."))
    return Block("actors", _("Actors"), tables=(table,), pending=pending, wide=True)


def phase_block(
    phase: lifecycle.Phase,
    actors: Sequence[Actor],
    activities: Sequence[EngagementActivity],
    *,
    public: bool,
    lang: str,
) -> Block:
    """Engagement in one phase: each actor's depth at each of its stages, and
    the plan's activities at those stages (owner and outputs for staff only)."""
    stages = lifecycle.stages_in_phase(phase)
    keys = {s.key for s in stages}
    involvement_rows = []
    for actor in actors:
        depths = {i.stage: i.depth for i in actor.involvements.all() if i.stage in keys}
        if depths:
            involvement_rows.append(
                (
                    actor.name,
                    *(
                        str(DEPTH_LABELS.get(depths[s.key], depths[s.key]))
                        if s.key in depths
                        else "–"
                        for s in stages
                    ),
                )
            )
    involvement = Table(
        "involvement",
        _("How deeply each actor takes part, by stage"),
        (Column("actor", _("Actor")), *(Column(s.key, str(s.name)) for s in stages)),
        tuple(involvement_rows),
        _("No actor takes part in this phase yet."),
    )
    catalogue = default_catalogue()
    columns = [
        Column("title", _("Activity")),
        Column("mechanism", _("Mechanism")),
        Column("stage", _("Stage")),
        Column("status", _("Status")),
        Column("dates", _("Dates")),
        Column("with", _("With")),
    ]
    if not public:
        columns += [Column("owner", _("Owner")), Column("outputs", _("Outputs"))]
    rows = []
    for activity in activities:
        if activity.stage not in keys or activity.status == ActivityStatus.PROPOSED:
            # Proposals are the recommender's, not the team's plan until accepted.
            continue
        if public and activity.status == ActivityStatus.CANCELLED:
            continue
        mechanism = (
            catalogue.get(activity.mechanism_key).text("name", lang)
            if activity.mechanism_key in catalogue
            else activity.mechanism_key
        )
        with_whom = [a.name for a in activity.target_actors.all()]
        with_whom += [str(ACTOR_KIND_LABELS.get(k, k)) for k in activity.target_kinds or []]
        dates = " – ".join(
            d for d in (iso_date(activity.starts_on), iso_date(activity.ends_on)) if d
        )
        row = [
            activity.title,
            mechanism,
            stage_name(activity.stage),
            str(activity.get_status_display()),
            dates,
            ", ".join(with_whom),
        ]
        if not public:
            owner = activity.owner
            row += [str(owner) if owner else "", activity.outputs]
        rows.append(tuple(row))
    plan = Table(
        "activities",
        _("Engagement activities"),
        tuple(columns),
        tuple(rows),
        _("No activity planned for this phase yet."),
    )
    pending = ()
    if not rows and not involvement_rows:
        pending = (
            pending_note(
                _("Engagement in this phase is planned at the stage “%(stage)s”."),
                "engagement_planning",
            ),
        )
    return Block(
        f"engagement_{phase.value}",
        _("Engagement in the %(phase)s phase") % {"phase": phase.label},
        tables=(involvement, plan),
        pending=pending,
        wide=True,
    )


def decisions_block(p: Procurement, decisions: Sequence[GateDecision]) -> Block:
    rows = []
    for d in decisions:
        # str(user) is the name a person chose to be shown by (display name).
        taken_by = [str(u) for u in d.deciders.all()]
        if d.other_deciders:
            taken_by.append(d.other_deciders)
        outcome = str(GateOutcome(d.outcome).label)
        if d.return_to_stage and d.return_to_stage != d.stage:
            outcome = _("%(outcome)s, back to “%(stage)s”") % {
                "outcome": outcome,
                "stage": stage_name(d.return_to_stage),
            }
        rows.append(
            (
                stage_name(d.stage),
                outcome,
                iso_date(d.decided_on),
                d.rationale,
                "; ".join(taken_by),
            )
        )
    columns = (
        Column("stage", _("Gate of the stage")),
        Column("outcome", _("Decision")),
        Column("date", _("Date")),
        Column("rationale", _("Rationale")),
        Column("taken_by", _("Taken by")),
    )
    pending = ()
    if not decisions and p.is_active:
        pending = (
            pending_note(
                _("No gate decision yet; the first closes the stage “%(stage)s”."), p.stage
            ),
        )
    table = Table("decisions", _("Gate decisions"), columns, tuple(rows), _("No decision yet."))
    return Block("decisions", _("Decisions taken"), tables=(table,), pending=pending, wide=True)


def _kind(intention: str, effect: str) -> str:
    return _("%(intention)s, %(effect)s") % {
        "intention": ConsequenceIntention(intention).label,
        "effect": str(ConsequenceEffect(effect).label).lower(),
    }


def consequences_block(consequences: Sequence[Consequence], *, public: bool) -> Block:
    """Staff: every consequence. Public: how many of each kind were found and
    addressed, and how many get each response; no description, no owner."""
    pending = ()
    if not consequences:
        pending = (
            pending_note(
                _("Consequences are scanned at the stage “%(stage)s”."),
                "impact_assessment",
            ),
        )
    if public:
        kinds = Counter((c.intention, c.effect) for c in consequences)
        addressed = Counter(
            (c.intention, c.effect)
            for c in consequences
            if c.status == ConsequenceStatus.ADDRESSED
        )
        rows = tuple(
            (
                _kind(i, e),
                str(kinds[(i, e)]),
                str(addressed[(i, e)]),
            )
            for i in ConsequenceIntention.values
            for e in ConsequenceEffect.values
            if kinds[(i, e)]
        )
        counts = Table(
            "counts",
            _("Consequences found, by kind"),
            (
                Column("kind", _("Kind")),
                Column("count", _("Found")),
                Column("addressed", _("Addressed")),
            ),
            rows,
            _("No consequence recorded yet."),
        )
        responses = Counter(c.response for c in consequences)
        facts = tuple(
            Fact(
                f"response_{r}", str(ConsequenceResponse(r).label), str(responses[r]), responses[r]
            )
            for r in ConsequenceResponse.values
            if responses[r]
        )
        return Block(
            "consequences",
            _("Consequence scanning"),
            facts=facts,
            tables=(counts,),
            pending=pending,
            note=_("The public edition gives counts only."),
        )
    rows = tuple(
        (
            c.description,
            _kind(c.intention, c.effect),
            c.affected_group,
            str(c.get_response_display()),
            c.owner,
            str(c.get_status_display()),
        )
        for c in consequences
    )
    table = Table(
        "consequences",
        _("Consequences found"),
        (
            Column("description", _("Consequence")),
            Column("kind", _("Kind")),
            Column("affected_group", _("Who it affects")),
            Column("response", _("Response")),
            Column("owner", _("Owner")),
            Column("status", _("Status")),
        ),
        rows,
        _("No consequence recorded yet."),
    )
    return Block(
        "consequences", _("Consequence scanning"), tables=(table,), pending=pending, wide=True
    )


def obligations_block(
    p: Procurement,
    all_documents: Sequence[Document],
    actors: Sequence[Actor],
    activities: Sequence[EngagementActivity],
    *,
    assessed: bool,
    public: bool,
) -> Block:
    """What the stakes demand (``obligation_statuses``) and the state of each;
    ``assessed`` says whether the AI Act screening is done. The evidence reads
    the rows the canvas has loaded: all the documents, the whole actor map
    (involvements prefetched) and the whole plan (target actors prefetched)."""
    # All the documents: an internal document can be evidence; the public
    # edition then leaves out the evidence sentences, which may name one.
    context = EvidenceContext(procurement=p, documents=tuple(all_documents))
    role_evidence.prime(context, actors)
    plan_evidence.prime(context, activities)
    statuses = obligation_statuses(p, context=context)
    state_labels = {
        "met": _("Met"),
        "exempt": _("Exempted"),
        "unmet": _("Not met yet"),
        "blocking": _("Blocking: cannot be met"),
    }
    columns = [
        Column("obligation", _("What the stakes demand")),
        Column("gate", _("Checked at the gate of")),
        Column("state", _("State")),
    ]
    if not public:
        columns.append(Column("evidence", _("Evidence")))
    columns.append(Column("exemption", _("Exemption")))
    rows = []
    for status in statuses:
        row = [status.text, str(status.gate_stage.name), str(state_labels[status.state])]
        if not public:
            row.append(status.evidence.detail)
        row.append(status.exemption.justification if status.exemption else "")
        rows.append(tuple(row))
    counts = Counter(status.state for status in statuses)
    facts = tuple(
        Fact(f"count_{state}", str(state_labels[state]), str(counts[state]), counts[state])
        for state in OBLIGATION_STATES
        if counts[state]
    )
    pending = ()
    if not p.impact_level or not assessed:
        pending = (
            pending_note(
                _(
                    "The full list of what the stakes demand is known once the impact level "
                    "and the AI Act class are assessed, at the stage “%(stage)s”."
                ),
                "impact_assessment",
            ),
        )
    table = Table(
        "obligations",
        _("Obligations and their state"),
        tuple(columns),
        tuple(rows),
        _("No obligation."),
    )
    return Block(
        "obligations",
        _("What the stakes demand"),
        facts=facts,
        tables=(table,),
        pending=pending,
        wide=True,
    )
