"""Every write to a consequence scan: add a consequence, update it.

Keyword-only, one transaction each, the actor's right checked through the
procurement's access rules (``Action.ASSESS``, so only the procurement team and
only while the procurement is active), an audit event in the same transaction.
Bad values raise ``ValidationError`` keyed by field, and nothing is saved.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from participai.accounts.models import User
from participai.core.audit import audit_record
from participai.core.text import clean_plain
from participai.procurements.access import Action, require
from participai.procurements.models import Procurement

from ..consequence_prompts import load_prompts
from ..models import (
    Consequence,
    ConsequenceEffect,
    ConsequenceIntention,
    ConsequenceResponse,
    ConsequenceSource,
    ConsequenceStatus,
)

# What ``consequence_update`` may change.
EDITABLE_FIELDS: tuple[str, ...] = (
    "description",
    "intention",
    "effect",
    "affected_group",
    "response",
    "owner",
    "status",
    "status_note",
    "prompt_key",
)

# Statuses that close a consequence: each needs a note saying what was done, or why not.
CLOSING_STATUSES = frozenset({ConsequenceStatus.ADDRESSED, ConsequenceStatus.DISMISSED})

DESCRIPTION_MAX_LENGTH = 2000
NOTE_MAX_LENGTH = 2000
_TEXT_FIELDS = ("description", "affected_group", "owner", "status_note", "prompt_key")


def _cleaned(values: Mapping[str, Any]) -> dict[str, Any]:
    """Text fields stripped of control characters and surrounding space; ``None`` is empty."""
    cleaned = dict(values)
    for name in _TEXT_FIELDS:
        if name in cleaned:
            cleaned[name] = clean_plain(cleaned[name] or "")
    return cleaned


def _validate(values: Mapping[str, Any]) -> None:
    """Check a whole consequence; raise ``ValidationError`` keyed by field."""
    errors: dict[str, str] = {}
    description = values["description"]
    if not description:
        errors["description"] = _("Describe the consequence.")
    elif len(description) > DESCRIPTION_MAX_LENGTH:
        errors["description"] = _("Keep the description under %(n)d characters.") % {
            "n": DESCRIPTION_MAX_LENGTH
        }
    if values["intention"] not in ConsequenceIntention.values:
        errors["intention"] = _("Say whether the consequence is intended or unintended.")
    if values["effect"] not in ConsequenceEffect.values:
        errors["effect"] = _("Say whether the consequence is positive or negative.")
    affected_group = values["affected_group"]
    if not affected_group:
        errors["affected_group"] = _("Say who the consequence affects.")
    elif len(affected_group) > 200:
        errors["affected_group"] = _("Keep this under %(n)d characters.") % {"n": 200}
    if values["response"] not in ConsequenceResponse.values:
        errors["response"] = _("Choose a response: act, influence or monitor.")
    if len(values["owner"]) > 200:
        errors["owner"] = _("Keep this under %(n)d characters.") % {"n": 200}
    status = values["status"]
    if status not in ConsequenceStatus.values:
        errors["status"] = _("Choose a status from the list.")
    elif status in CLOSING_STATUSES and not values["status_note"]:
        errors["status_note"] = (
            _("Say what was done to address it.")
            if status == ConsequenceStatus.ADDRESSED
            else _("Say why it was dismissed.")
        )
    if len(values["status_note"]) > NOTE_MAX_LENGTH:
        errors["status_note"] = _("Keep the note under %(n)d characters.") % {"n": NOTE_MAX_LENGTH}
    prompt_key = values["prompt_key"]
    if prompt_key and prompt_key not in load_prompts():
        errors["prompt_key"] = _("There is no scanning prompt “%(key)s”.") % {"key": prompt_key}
    if values.get("source", ConsequenceSource.STAFF) not in ConsequenceSource.values:
        errors["source"] = _("Unknown source of the consequence.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def consequence_add(
    *,
    actor: User,
    procurement: Procurement,
    description: str,
    intention: str,
    effect: str,
    affected_group: str,
    response: str,
    owner: str = "",
    prompt_key: str = "",
    status: str = ConsequenceStatus.OPEN,
    status_note: str = "",
    source: str = ConsequenceSource.STAFF,
) -> Consequence:
    """Record a consequence found for ``procurement``, at its current stage.

    Precondition: ``actor`` may ``Action.ASSESS`` the procurement
    (``PermissionDenied`` otherwise). ``prompt_key`` is empty or the key of a
    shipped scanning prompt; a closing ``status`` (addressed, dismissed) needs
    a ``status_note``. ``ValidationError`` keyed by field for any bad value,
    and nothing is saved. Writes the ``consequence.added`` audit event.
    """
    procurement = Procurement.objects.select_for_update().get(pk=procurement.pk)
    require(actor, Action.ASSESS, procurement)
    values = _cleaned(
        {
            "description": description,
            "intention": intention,
            "effect": effect,
            "affected_group": affected_group,
            "response": response,
            "owner": owner,
            "prompt_key": prompt_key,
            "status": status,
            "status_note": status_note,
            "source": source,
        }
    )
    _validate(values)
    consequence = Consequence.objects.create(
        procurement=procurement, stage=procurement.stage, created_by=actor, **values
    )
    audit_record(
        actor=actor,
        action="consequence.added",
        target=consequence,
        organisation_id=procurement.organisation_id,
        data={
            "procurement": procurement.slug,
            "stage": consequence.stage,
            "intention": consequence.intention,
            "effect": consequence.effect,
            "response": consequence.response,
            "status": consequence.status,
            "prompt_key": consequence.prompt_key,
            "source": consequence.source,
        },
    )
    return consequence


@transaction.atomic
def consequence_update(*, actor: User, consequence: Consequence, **changes: Any) -> Consequence:
    """Change some of :data:`EDITABLE_FIELDS` of a consequence, its status included.

    Precondition: ``actor`` may ``Action.ASSESS`` the consequence's procurement
    (``PermissionDenied`` otherwise). The consequence as it would be after the
    change is checked whole: moving it to *addressed* or *dismissed* needs a
    ``status_note``, whether given now or already there. ``ValidationError``
    keyed by field for a bad value or a field that cannot be changed, and
    nothing is saved. When something changed, writes ``consequence.updated``
    naming each changed field with its previous and new value; changing
    nothing writes nothing.
    """
    unknown = sorted(set(changes) - set(EDITABLE_FIELDS))
    if unknown:
        raise ValidationError({name: _("This field cannot be changed here.") for name in unknown})
    consequence = (
        Consequence.objects.select_for_update()
        .select_related("procurement")
        .get(pk=consequence.pk)
    )
    procurement = consequence.procurement
    require(actor, Action.ASSESS, procurement)
    changes = _cleaned(changes)
    merged = {name: getattr(consequence, name) for name in EDITABLE_FIELDS} | changes
    _validate(merged)
    diff = {
        name: {"from": getattr(consequence, name), "to": value}
        for name, value in changes.items()
        if getattr(consequence, name) != value
    }
    if not diff:
        return consequence
    for name in diff:
        setattr(consequence, name, changes[name])
    consequence.save(update_fields=[*diff, "updated_at"])
    audit_record(
        actor=actor,
        action="consequence.updated",
        target=consequence,
        organisation_id=procurement.organisation_id,
        data={"procurement": procurement.slug, "fields": sorted(diff), "changes": diff},
    )
    return consequence
