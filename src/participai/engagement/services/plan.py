"""Every write to the engagement plan: recommend, accept, add, update, cancel.

Keyword-only, one transaction each: the procurement row is locked first, then
the actor's right is checked (``Action.PLAN_ENGAGEMENT``: the procurement team
and facilitators, while the procurement is active), then the input is
validated (``ValidationError`` keyed by field, nothing saved), then the write
and its audit event.

Statuses move along :data:`TRANSITIONS`. Dismissing a proposal and cancelling
an activity are the same act (:func:`activity_cancel`): the row stays, with the
status ``cancelled``, so the plan keeps its history and the recommender does
not propose the same mechanism at that stage again.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from participai.accounts.models import User
from participai.assessment.evidence import EvidenceContext
from participai.assessment.proportionality import Obligation
from participai.assessment.selectors.obligations import obligation_statuses
from participai.core.audit import audit_record
from participai.core.languages import active_language
from participai.core.text import clean_plain
from participai.core.vocabulary import ACTOR_KINDS
from participai.procurements import lifecycle
from participai.procurements.access import Action, is_member, require
from participai.procurements.models import Procurement

from .. import plan_evidence
from ..models import ActivityOrigin, ActivityStatus, Actor, EngagementActivity
from ..recommender import OBLIGATION_OVERDUE, Proposal, recommend
from ..selectors.plan import activities_of, actor_map_summary, existing_for_recommender
from ..toolbox import default_catalogue

TITLE_MAX = EngagementActivity._meta.get_field("title").max_length
OUTPUTS_MAX = 10_000

# Which status may follow which (a status may always stay as it is).
TRANSITIONS: dict[str, frozenset[str]] = {
    ActivityStatus.PROPOSED: frozenset({ActivityStatus.PLANNED, ActivityStatus.CANCELLED}),
    ActivityStatus.PLANNED: frozenset(
        {ActivityStatus.RUNNING, ActivityStatus.DONE, ActivityStatus.CANCELLED}
    ),
    ActivityStatus.RUNNING: frozenset(
        {ActivityStatus.PLANNED, ActivityStatus.DONE, ActivityStatus.CANCELLED}
    ),
    # Reopened when the outputs turn out to be incomplete.
    ActivityStatus.DONE: frozenset({ActivityStatus.RUNNING}),
    # Restored when it was cancelled or dismissed by mistake.
    ActivityStatus.CANCELLED: frozenset({ActivityStatus.PLANNED}),
}
# Statuses the team may give an activity it adds itself.
ADD_STATUSES = (ActivityStatus.PLANNED, ActivityStatus.RUNNING, ActivityStatus.DONE)

# Why the baseline proposes each of its lines (recommender.BASELINE), worded for people.
BASELINE_REASONS = {
    "announce": gettext_lazy(
        "Every procurement lets people know it is under way, what the system is for "
        "and how to take part."
    ),
    "publish_award": gettext_lazy(
        "Every procurement publishes who was chosen and why, so the public can follow "
        "the decision."
    ),
    "publish_performance": gettext_lazy(
        "Every procurement shows the public how the system performs once it is in use."
    ),
    "publish_lessons": gettext_lazy(
        "Every procurement publishes what was learnt, for the public and for other public bodies."
    ),
    "consult_problem": gettext_lazy(
        "At impact level %(level)s, ask the public and the people affected how they see "
        "the problem before it is fixed."
    ),
    "consult_solicitation": gettext_lazy(
        "At impact level %(level)s, let people comment on the draft requirements and "
        "criteria before the tender goes out."
    ),
    "involve_affected_problem": gettext_lazy(
        "At impact level %(level)s, the people affected help define the problem, not only "
        "hear about it."
    ),
    "community_voice_evaluation": gettext_lazy(
        "At impact level %(level)s, the community has a voice when the bids are evaluated."
    ),
    "participatory_monitoring": gettext_lazy(
        "At impact level %(level)s, the people affected take part in monitoring the system "
        "after the award."
    ),
}


# --- Recommend ---------------------------------------------------------------------------


def reason_text(proposal: Proposal, obligations: dict[str, Obligation]) -> str:
    """The reason for ``proposal``, in the current language."""
    params = proposal.reason_params
    lang = active_language()
    if proposal.obligation_key and proposal.obligation_key in obligations:
        obligation = obligations[proposal.obligation_key]
        parts = [obligation.text[lang], obligation.reason[lang]]
        if proposal.reason_code == OBLIGATION_OVERDUE:
            parts.append(
                _("Its stage has passed: record the work done then, or do it now.")
                if lifecycle.is_before(obligation.gate, params.get("current_stage", ""))
                else _("Its stage has passed, but its gate has not: there is still time.")
            )
    else:
        parts = [str(BASELINE_REASONS[params["slot"]]) % {"level": params.get("level") or ""}]
    weeks = proposal.duration_days // 7
    parts.append(
        ngettext("Allow at least %(weeks)d week.", "Allow at least %(weeks)d weeks.", weeks)
        % {"weeks": weeks}
    )
    return " ".join(parts)


@transaction.atomic
def plan_recommend(*, actor: User, procurement: Procurement) -> list[EngagementActivity]:
    """Store the recommender's proposals as activities (status ``proposed``,
    origin ``recommended``) with their reason and obligation, and return them.

    Idempotent: what the plan already has is never proposed again, so a second
    call right after the first creates nothing. Each proposal targets the
    actors of the map whose kind it names. One audit event lists what was
    proposed; none when nothing was.
    """
    procurement = Procurement.objects.select_for_update().get(pk=procurement.pk)
    require(actor, Action.PLAN_ENGAGEMENT, procurement)
    catalogue = default_catalogue()
    # The plan and the map are read once, for the recommender and the evidence alike.
    activities = list(activities_of(procurement))
    actors = list(Actor.objects.filter(procurement=procurement))
    context = EvidenceContext.of(procurement)
    plan_evidence.prime(context, activities)
    statuses = obligation_statuses(procurement, context=context)
    proposals = recommend(
        current_stage=procurement.stage,
        # Met obligations need nothing more, and an exempted one was decided,
        # publicly, not to be owed: neither gets a proposal.
        obligations=[status.obligation for status in statuses if status.state == "unmet"],
        impact_level=procurement.impact_level,
        actor_map=actor_map_summary(procurement, actors),
        existing=existing_for_recommender(activities),
        catalogue=catalogue,
    )
    if not proposals:
        return []
    by_key = {status.obligation.key: status.obligation for status in statuses}
    lang = active_language()
    created = []
    for proposal in proposals:
        activity = EngagementActivity.objects.create(
            procurement=procurement,
            mechanism_key=proposal.mechanism_key,
            stage=proposal.stage,
            title=catalogue.get(proposal.mechanism_key).text("name", lang)[:TITLE_MAX],
            target_kinds=list(proposal.target_kinds),
            status=ActivityStatus.PROPOSED,
            origin=ActivityOrigin.RECOMMENDED,
            obligation_key=proposal.obligation_key or "",
            reason=reason_text(proposal, by_key),
            created_by=actor,
        )
        activity.target_actors.set([a for a in actors if a.kind in proposal.target_kinds])
        created.append(activity)
    audit_record(
        actor=actor,
        action="engagement.plan_recommended",
        target=procurement,
        organisation_id=procurement.organisation_id,
        data={
            "procurement": procurement.slug,
            "impact_level": procurement.impact_level,
            "proposals": [
                {
                    "id": activity.id,
                    "mechanism": proposal.mechanism_key,
                    "stage": proposal.stage,
                    "obligation": proposal.obligation_key,
                    "reason": proposal.reason_code,
                }
                for activity, proposal in zip(created, proposals, strict=True)
            ],
        },
    )
    return created


# --- Validation helpers ------------------------------------------------------------------


def _locked(actor: User, activity: EngagementActivity) -> EngagementActivity:
    """The activity, re-read under the procurement's lock, after the right is checked."""
    procurement = (
        Procurement.objects.select_for_update()
        .select_related("organisation")
        .get(pk=activity.procurement_id)
    )
    require(actor, Action.PLAN_ENGAGEMENT, procurement)
    locked = EngagementActivity.objects.select_for_update().get(pk=activity.pk)
    locked.procurement = procurement
    return locked


def _check_title(title: str, errors: dict[str, str]) -> str:
    title = clean_plain(title).replace("\n", " ")
    if not title:
        errors["title"] = _("Give the activity a title.")
    elif len(title) > TITLE_MAX:
        errors["title"] = _("Keep the title under %(n)d characters.") % {"n": TITLE_MAX}
    return title


def _check_dates(
    starts_on: datetime.date | None, ends_on: datetime.date | None, errors: dict[str, str]
) -> None:
    if starts_on and ends_on and ends_on < starts_on:
        errors["ends_on"] = _("The end date cannot be before the start date.")


def _check_owner(procurement: Procurement, owner: User | None, errors: dict[str, str]) -> None:
    if owner is not None and not (
        owner.is_active and is_member(owner, procurement.organisation_id)
    ):
        errors["owner"] = _("The owner must be a member of %(org)s.") % {
            "org": procurement.organisation.name
        }


def _check_actors(
    procurement: Procurement, target_actors: Iterable[Actor], errors: dict[str, str]
) -> list[Actor]:
    target_actors = list(dict.fromkeys(target_actors))
    if any(a.procurement_id != procurement.pk for a in target_actors):
        errors["target_actors"] = _("Only actors on this procurement's actor map can be targeted.")
    return target_actors


def _check_kinds(target_kinds: Sequence[str], errors: dict[str, str]) -> list[str]:
    unknown = [kind for kind in target_kinds if kind not in ACTOR_KINDS]
    if unknown:
        errors["target_kinds"] = _("Unknown kinds of actor: %(kinds)s.") % {
            "kinds": ", ".join(unknown)
        }
    return list(dict.fromkeys(target_kinds))


def _check_outputs(outputs: str, status: str, errors: dict[str, str]) -> str:
    outputs = clean_plain(outputs)
    if len(outputs) > OUTPUTS_MAX:
        errors["outputs"] = _("Keep the outputs under %(n)d characters.") % {"n": OUTPUTS_MAX}
    elif status == ActivityStatus.DONE and not outputs:
        errors["outputs"] = _(
            "Say what the activity produced (a report, minutes, what changed) before "
            "marking it done."
        )
    return outputs


def _raise(errors: dict[str, str]) -> None:
    if errors:
        raise ValidationError(errors)


def _snapshot(activity: EngagementActivity) -> dict[str, Any]:
    return {
        "title": activity.title,
        "starts_on": activity.starts_on.isoformat() if activity.starts_on else None,
        "ends_on": activity.ends_on.isoformat() if activity.ends_on else None,
        "owner": activity.owner_id,
        "status": activity.status,
        "outputs": activity.outputs,
        "target_actors": sorted(a.pk for a in activity.target_actors.all()),
    }


# --- Accept, add, update, cancel ---------------------------------------------------------


@transaction.atomic
def activity_accept(*, actor: User, activity: EngagementActivity) -> EngagementActivity:
    """Take a proposal into the plan: ``proposed`` becomes ``planned``.
    ``ValidationError`` on ``status`` for an activity that is not a proposal."""
    activity = _locked(actor, activity)
    if activity.status != ActivityStatus.PROPOSED:
        raise ValidationError(
            {"status": _("Only a proposal can be accepted; this activity is already in the plan.")}
        )
    activity.status = ActivityStatus.PLANNED
    activity.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor,
        action="engagement.activity_accepted",
        target=activity,
        organisation_id=activity.procurement.organisation_id,
        data={
            "procurement": activity.procurement.slug,
            "mechanism": activity.mechanism_key,
            "stage": activity.stage,
            "obligation": activity.obligation_key or None,
        },
    )
    return activity


@transaction.atomic
def activity_add(
    *,
    actor: User,
    procurement: Procurement,
    mechanism_key: str,
    stage: str,
    title: str = "",
    target_actors: Iterable[Actor] = (),
    target_kinds: Sequence[str] = (),
    starts_on: datetime.date | None = None,
    ends_on: datetime.date | None = None,
    owner: User | None = None,
    status: str = ActivityStatus.PLANNED,
    outputs: str = "",
) -> EngagementActivity:
    """Add the team's own activity (origin ``added``) to the plan.

    ``mechanism_key`` must name a mechanism of the toolbox; a blank ``title``
    takes the mechanism's name. ``status`` is planned, running or done (done
    needs ``outputs``). Dates, owner and target actors are checked as in
    :func:`activity_update`.
    """
    procurement = (
        Procurement.objects.select_for_update()
        .select_related("organisation")
        .get(pk=procurement.pk)
    )
    require(actor, Action.PLAN_ENGAGEMENT, procurement)
    catalogue = default_catalogue()
    errors: dict[str, str] = {}
    if mechanism_key not in catalogue:
        errors["mechanism_key"] = _("Choose a mechanism from the toolbox.")
    if stage not in lifecycle.STAGE_KEYS:
        errors["stage"] = _("Choose a stage of the lifecycle.")
    if not (title or "").strip() and mechanism_key in catalogue:
        title = catalogue.get(mechanism_key).text("name", active_language())[:TITLE_MAX]
    title = _check_title(title, errors)
    _check_dates(starts_on, ends_on, errors)
    _check_owner(procurement, owner, errors)
    target_actors = _check_actors(procurement, target_actors, errors)
    kinds = _check_kinds(target_kinds, errors)
    if status not in ADD_STATUSES:
        errors["status"] = _("A new activity is planned, running or done.")
    outputs = _check_outputs(outputs, status, errors)
    _raise(errors)
    activity = EngagementActivity.objects.create(
        procurement=procurement,
        mechanism_key=mechanism_key,
        stage=stage,
        title=title,
        target_kinds=kinds,
        starts_on=starts_on,
        ends_on=ends_on,
        owner=owner,
        status=status,
        outputs=outputs,
        origin=ActivityOrigin.ADDED,
        created_by=actor,
    )
    activity.target_actors.set(target_actors)
    audit_record(
        actor=actor,
        action="engagement.activity_added",
        target=activity,
        organisation_id=procurement.organisation_id,
        data={
            "procurement": procurement.slug,
            "mechanism": mechanism_key,
            "stage": stage,
            **_snapshot(activity),
        },
    )
    return activity


_UNCHANGED: Any = object()


@transaction.atomic
def activity_update(
    *,
    actor: User,
    activity: EngagementActivity,
    title: str = _UNCHANGED,
    starts_on: datetime.date | None = _UNCHANGED,
    ends_on: datetime.date | None = _UNCHANGED,
    owner: User | None = _UNCHANGED,
    target_actors: Iterable[Actor] = _UNCHANGED,
    status: str = _UNCHANGED,
    outputs: str = _UNCHANGED,
) -> EngagementActivity:
    """Change what is given of an activity; what is not given stays as it is.

    Checks: a title; ``ends_on`` not before ``starts_on`` (the dates as they will
    be); the owner a member of the procurement's organisation; target actors on
    this procurement's map; a status reachable from the current one
    (:data:`TRANSITIONS`); ``done`` only with outputs. One audit event with the
    fields changed, before and after; none when nothing changed.
    """
    activity = _locked(actor, activity)
    procurement = activity.procurement
    before = _snapshot(activity)
    errors: dict[str, str] = {}
    new_title = activity.title if title is _UNCHANGED else _check_title(title, errors)
    new_starts = activity.starts_on if starts_on is _UNCHANGED else starts_on
    new_ends = activity.ends_on if ends_on is _UNCHANGED else ends_on
    _check_dates(new_starts, new_ends, errors)
    new_owner = activity.owner if owner is _UNCHANGED else owner
    if owner is not _UNCHANGED:
        _check_owner(procurement, owner, errors)
    new_actors = None
    if target_actors is not _UNCHANGED:
        new_actors = _check_actors(procurement, target_actors, errors)
    new_status = activity.status if status is _UNCHANGED else status
    if new_status not in ActivityStatus.values:
        errors["status"] = _("Choose a status from the list.")
    elif new_status != activity.status and new_status not in TRANSITIONS[activity.status]:
        errors["status"] = _("An activity that is %(old)s cannot become %(new)s.") % {
            "old": ActivityStatus(activity.status).label.lower(),
            "new": ActivityStatus(new_status).label.lower(),
        }
    new_outputs = _check_outputs(
        activity.outputs if outputs is _UNCHANGED else outputs, new_status, errors
    )
    _raise(errors)
    activity.title = new_title
    activity.starts_on = new_starts
    activity.ends_on = new_ends
    activity.owner = new_owner
    activity.status = new_status
    activity.outputs = new_outputs
    activity.save()
    if new_actors is not None:
        activity.target_actors.set(new_actors)
    after = _snapshot(activity)
    changed = sorted(key for key in after if after[key] != before[key])
    if changed:
        audit_record(
            actor=actor,
            action="engagement.activity_updated",
            target=activity,
            organisation_id=procurement.organisation_id,
            data={
                "procurement": procurement.slug,
                "changed": changed,
                "before": {key: before[key] for key in changed},
                "after": {key: after[key] for key in changed},
            },
        )
    return activity


@transaction.atomic
def activity_cancel(*, actor: User, activity: EngagementActivity) -> EngagementActivity:
    """Cancel an activity, or dismiss a proposal: the status becomes ``cancelled``
    and the row stays. A done activity cannot be cancelled (reopen it first), a
    cancelled one not twice (``ValidationError`` on ``status``). The audit
    action says which it was: ``engagement.activity_dismissed`` for a proposal,
    ``engagement.activity_cancelled`` otherwise."""
    activity = _locked(actor, activity)
    previous = activity.status
    if previous == ActivityStatus.CANCELLED:
        raise ValidationError({"status": _("This activity is already cancelled.")})
    if ActivityStatus.CANCELLED not in TRANSITIONS[previous]:
        raise ValidationError(
            {"status": _("A done activity cannot be cancelled; its outputs stay on the record.")}
        )
    activity.status = ActivityStatus.CANCELLED
    activity.save(update_fields=["status", "updated_at"])
    dismissed = previous == ActivityStatus.PROPOSED
    audit_record(
        actor=actor,
        action="engagement.activity_dismissed" if dismissed else "engagement.activity_cancelled",
        target=activity,
        organisation_id=activity.procurement.organisation_id,
        data={
            "procurement": activity.procurement.slug,
            "mechanism": activity.mechanism_key,
            "stage": activity.stage,
            "previous_status": previous,
        },
    )
    return activity
