"""Every write to the actor map: add, change and remove actors, set how deeply
each takes part at each stage (one actor, or several at once), and accept a
suggested actor.

Keyword-only, one transaction each. Each service first locks the procurement
row (so two editors cannot, say, add the same name at once), then checks the
user's right (``Action.PLAN_ENGAGEMENT``: the procurement team and
facilitators, while the procurement is active), validates, writes, and
records an audit event in the same transaction. Bad input raises
``ValidationError`` keyed by field and changes nothing. ``actor`` is always the
user acting; the actor on the map is the ``stakeholder``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from participai.accounts.models import User
from participai.core.audit import audit_record
from participai.core.folding import fold
from participai.core.text import clean_plain
from participai.core.vocabulary import ACTOR_KINDS, DEPTHS, SECTORS, STAGE_KEYS
from participai.procurements.access import Action, require
from participai.procurements.models import Procurement

from .. import actormap
from ..models import ActivityStatus, Actor, Involvement
from ..selectors import actors as selectors

NAME_MAX = Actor._meta.get_field("name").max_length
NOTES_MAX = 4000
EDITABLE_FIELDS: tuple[str, ...] = (
    "name",
    "kind",
    "sector",
    "is_affected",
    "influence",
    "interest",
    "notes",
)


def _locked_procurement(actor: User, procurement: Procurement) -> Procurement:
    procurement = Procurement.objects.select_for_update().get(pk=procurement.pk)
    require(actor, Action.PLAN_ENGAGEMENT, procurement)
    return procurement


def _locked_stakeholder(actor: User, stakeholder: Actor) -> tuple[Procurement, Actor]:
    procurement = _locked_procurement(actor, stakeholder.procurement)
    locked = Actor.objects.select_for_update().get(pk=stakeholder.pk, procurement=procurement)
    return procurement, locked


def _scale(value: Any) -> int | None:
    """``value`` as a score from 1 to 5, or ``None`` if it is not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    return value if isinstance(value, int) and value in actormap.SCALE else None


def _clean(
    values: Mapping[str, Any], *, procurement: Procurement, exclude_pk: int | None = None
) -> dict[str, Any]:
    """Validate and normalise the given fields (only those present); raise
    ``ValidationError`` keyed by field for every problem at once."""
    errors: dict[str, str] = {}
    cleaned: dict[str, Any] = {}
    if "name" in values:
        name = " ".join(clean_plain(str(values["name"] or "")).split())
        if not name:
            errors["name"] = _("Give the actor a name.")
        elif len(name) > NAME_MAX:
            errors["name"] = _("Keep the name to %(max)d characters.") % {"max": NAME_MAX}
        else:
            others = Actor.objects.filter(procurement=procurement)
            if exclude_pk is not None:
                others = others.exclude(pk=exclude_pk)
            if any(fold(other) == fold(name) for other in others.values_list("name", flat=True)):
                errors["name"] = _(
                    "“%(name)s” is already on this map; give this actor another name."
                ) % {"name": name}
        cleaned["name"] = name
    if "kind" in values:
        if values["kind"] not in ACTOR_KINDS:
            errors["kind"] = _("Choose a role from the list.")
        cleaned["kind"] = values["kind"]
    if "sector" in values:
        if values["sector"] not in SECTORS:
            errors["sector"] = _("Choose a sector from the list.")
        cleaned["sector"] = values["sector"]
    for field in ("influence", "interest"):
        if field in values:
            score = _scale(values[field])
            if score is None:
                errors[field] = _("Give a whole number from 1 to 5.")
            cleaned[field] = score
    if "is_affected" in values:
        if not isinstance(values["is_affected"], bool):
            errors["is_affected"] = _("Say whether the actor is affected (yes or no).")
        cleaned["is_affected"] = values["is_affected"]
    if "notes" in values:
        notes = clean_plain(str(values["notes"] or ""))
        if len(notes) > NOTES_MAX:
            errors["notes"] = _("Keep the notes to %(max)d characters.") % {"max": NOTES_MAX}
        cleaned["notes"] = notes
    if "source" in values:
        if values["source"] not in ("", *actormap.SOURCES):
            errors["source"] = _("Unknown source.")
        cleaned["source"] = values["source"]
    if errors:
        raise ValidationError(errors)
    return cleaned


def _create(
    actor: User, procurement: Procurement, values: Mapping[str, Any], *, suggestion: str = ""
) -> Actor:
    cleaned = _clean(values, procurement=procurement)
    stakeholder = Actor.objects.create(procurement=procurement, created_by=actor, **cleaned)
    data = {
        "procurement": procurement.slug,
        **{k: cleaned[k] for k in EDITABLE_FIELDS if k != "notes"},
        "source": cleaned.get("source", ""),
    }
    if suggestion:
        data["suggestion"] = suggestion
    audit_record(
        actor=actor,
        action="actor.added",
        target=stakeholder,
        organisation_id=procurement.organisation_id,
        data=data,
    )
    return stakeholder


@transaction.atomic
def actor_add(
    *,
    actor: User,
    procurement: Procurement,
    name: str,
    kind: str,
    sector: str,
    influence: int,
    interest: int,
    is_affected: bool = False,
    notes: str = "",
    source: str = "",
) -> Actor:
    """Put a new actor on the procurement's map.

    The name must be new on this map (case and accents aside); ``kind`` and
    ``sector`` come from the shared vocabulary; ``influence`` and
    ``interest`` are whole numbers from 1 to 5; ``source`` is empty or one of
    ``actormap.SOURCES``.
    """
    procurement = _locked_procurement(actor, procurement)
    return _create(
        actor,
        procurement,
        {
            "name": name,
            "kind": kind,
            "sector": sector,
            "is_affected": is_affected,
            "influence": influence,
            "interest": interest,
            "notes": notes,
            "source": source,
        },
    )


@transaction.atomic
def actor_update(*, actor: User, stakeholder: Actor, **changes: Any) -> Actor:
    """Change some of an actor's fields (``EDITABLE_FIELDS``; any other name is
    a ``TypeError``). Same rules as :func:`actor_add`. Writes nothing, and
    records nothing, when no value actually changes."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"actor_update() cannot change {', '.join(sorted(unknown))}")
    procurement, stakeholder = _locked_stakeholder(actor, stakeholder)
    cleaned = _clean(changes, procurement=procurement, exclude_pk=stakeholder.pk)
    before = {field: getattr(stakeholder, field) for field in cleaned}
    changed = [field for field, value in cleaned.items() if before[field] != value]
    if not changed:
        return stakeholder
    for field in changed:
        setattr(stakeholder, field, cleaned[field])
    stakeholder.save(update_fields=[*changed, "updated_at"])
    audit_record(
        actor=actor,
        action="actor.updated",
        target=stakeholder,
        organisation_id=procurement.organisation_id,
        data={
            "procurement": procurement.slug,
            # Notes can be long: the trail says they changed, not how.
            "changes": {
                field: ([before[field], cleaned[field]] if field != "notes" else None)
                for field in sorted(changed)
            },
        },
    )
    return stakeholder


@transaction.atomic
def actor_remove(*, actor: User, stakeholder: Actor) -> None:
    """Take an actor off the map, with its involvements.

    Refused (``ValidationError`` naming the activities) while a live activity
    of the engagement plan targets the actor: the plan must let go of it first.
    Cancelled and dismissed activities do not hold an actor on the map.
    """
    procurement, stakeholder = _locked_stakeholder(actor, stakeholder)
    titles = list(
        stakeholder.activities.exclude(status=ActivityStatus.CANCELLED)
        .order_by("id")
        .values_list("title", flat=True)
    )
    if titles:
        shown = ", ".join(f"“{title}”" for title in titles[:3])
        if len(titles) > 3:
            shown += ", …"
        raise ValidationError(
            ngettext(
                "“%(name)s” cannot be removed: %(count)d activity of the engagement plan "
                "targets it (%(titles)s). Take it off that activity first.",
                "“%(name)s” cannot be removed: %(count)d activities of the engagement plan "
                "target it (%(titles)s). Take it off those activities first.",
                len(titles),
            )
            % {"name": stakeholder.name, "count": len(titles), "titles": shown}
        )
    involvements = dict(stakeholder.involvements.values_list("stage", "depth"))
    audit_record(
        actor=actor,
        action="actor.removed",
        target=stakeholder,
        organisation_id=procurement.organisation_id,
        data={
            "procurement": procurement.slug,
            "name": stakeholder.name,
            "kind": stakeholder.kind,
            "involvements": involvements,
        },
    )
    stakeholder.delete()


def _normalised_depths(depths: Mapping[str, str | None]) -> dict[str, str | None]:
    errors: dict[str, str] = {}
    cleaned: dict[str, str | None] = {}
    for stage, depth in depths.items():
        if stage not in STAGE_KEYS:
            errors[stage] = _("Unknown stage.")
            continue
        depth = (depth or "").strip() or None
        if depth is not None and depth not in DEPTHS:
            errors[stage] = _("Choose a level of involvement from the list, or none.")
            continue
        cleaned[stage] = depth
    if errors:
        raise ValidationError(errors)
    return cleaned


def _apply_depths(
    actor: User, procurement: Procurement, stakeholder: Actor, depths: Mapping[str, str | None]
) -> bool:
    """Write the depths that differ from the stored ones, and their audit event;
    whether anything changed. (Reads ``stakeholder.involvements.all()``.)"""
    current = {i.stage: i for i in stakeholder.involvements.all()}
    changes: dict[str, list[str | None]] = {}
    for stage in STAGE_KEYS:
        if stage not in depths:
            continue
        new = depths[stage]
        row = current.get(stage)
        old = row.depth if row else None
        if new == old:
            continue
        changes[stage] = [old, new]
        if new is None:
            row.delete()
        elif row is None:
            Involvement.objects.create(actor=stakeholder, stage=stage, depth=new)
        else:
            row.depth = new
            row.save(update_fields=["depth"])
    if changes:
        audit_record(
            actor=actor,
            action="actor.involvements_set",
            target=stakeholder,
            organisation_id=procurement.organisation_id,
            data={"procurement": procurement.slug, "name": stakeholder.name, "changes": changes},
        )
    return bool(changes)


@transaction.atomic
def involvements_set(
    *, actor: User, stakeholder: Actor, depths: Mapping[str, str | None]
) -> dict[str, str]:
    """Set how deeply ``stakeholder`` takes part at several stages at once.

    ``depths`` maps stage keys to a depth of ``DEPTHS``, or to ``""``/``None``
    to clear that stage; stages not named are left alone. Errors are keyed by
    stage and nothing is saved. One audit event lists every change (none if
    nothing changed). Returns the actor's involvements afterwards.
    """
    procurement, stakeholder = _locked_stakeholder(actor, stakeholder)
    cleaned = _normalised_depths(depths)
    _apply_depths(actor, procurement, stakeholder, cleaned)
    return dict(stakeholder.involvements.values_list("stage", "depth"))


@transaction.atomic
def map_involvements_set(
    *, actor: User, procurement: Procurement, depths: Mapping[int, Mapping[str, str | None]]
) -> int:
    """Set how deeply several actors of one map take part, at once (the map's
    involvement editor saves every row it changed together).

    ``depths`` maps the ids of actors on ``procurement``'s map to what
    :func:`involvements_set` takes (stages not named are left alone). All or
    nothing: errors are keyed ``"<actor id>.<stage>"``, or ``"<actor id>"`` for
    an actor no longer on this map, and nothing is saved. One audit event per
    actor whose involvement changed. Returns how many actors changed.
    """
    procurement = _locked_procurement(actor, procurement)
    stakeholders = {
        a.pk: a
        for a in Actor.objects.select_for_update()
        .filter(procurement=procurement, pk__in=list(depths))
        .prefetch_related("involvements")
        .order_by("pk")
    }
    errors: dict[str, list[str]] = {}
    cleaned: dict[int, dict[str, str | None]] = {}
    for pk, row in depths.items():
        if pk not in stakeholders:
            errors[str(pk)] = [_("This actor is no longer on the map; reload the page.")]
            continue
        try:
            cleaned[pk] = _normalised_depths(row)
        except ValidationError as error:
            for stage, messages in error.message_dict.items():
                errors[f"{pk}.{stage}"] = messages
    if errors:
        raise ValidationError(errors)
    return sum(
        _apply_depths(actor, procurement, stakeholders[pk], row) for pk, row in cleaned.items()
    )


@transaction.atomic
def involvement_set(
    *, actor: User, stakeholder: Actor, stage: str, depth: str | None
) -> Involvement | None:
    """Set ``stakeholder``'s depth at one ``stage`` (``""`` or ``None`` clears
    it). Errors are keyed ``stage`` or ``depth``. Returns the involvement, or
    ``None`` once cleared."""
    procurement, stakeholder = _locked_stakeholder(actor, stakeholder)
    if stage not in STAGE_KEYS:
        raise ValidationError({"stage": _("Unknown stage.")})
    try:
        cleaned = _normalised_depths({stage: depth})
    except ValidationError as error:
        raise ValidationError({"depth": error.message_dict[stage]}) from None
    _apply_depths(actor, procurement, stakeholder, cleaned)
    return Involvement.objects.filter(actor=stakeholder, stage=stage).first()


@transaction.atomic
def suggestion_accept(*, actor: User, procurement: Procurement, key: str) -> Actor:
    """Add the suggested actor ``key`` (see ``selectors.actors.suggestions_for``)
    to the map, with the suggestion's name, role, sector and scores, and its
    source recorded. ``ValidationError`` keyed ``key`` when the suggestion is
    no longer offered (the map or the assessment changed meanwhile)."""
    procurement = _locked_procurement(actor, procurement)
    inputs = selectors.map_inputs(
        list(Actor.objects.filter(procurement=procurement).prefetch_related("involvements"))
    )
    offered = {s.key: s for s in selectors.suggestions_for(procurement, inputs)}
    suggestion = offered.get(key)
    if suggestion is None:
        raise ValidationError(
            {"key": _("This suggestion is no longer offered; the map may have changed.")}
        )
    return _create(
        actor,
        procurement,
        {
            "name": suggestion.name,
            "kind": suggestion.kind,
            "sector": suggestion.sector,
            "is_affected": suggestion.is_affected,
            "influence": suggestion.influence,
            "interest": suggestion.interest,
            "notes": "",
            "source": suggestion.source,
        },
        suggestion=key,
    )
