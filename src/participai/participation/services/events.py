"""Writing down an in-person meeting so it counts: the record of an event module.

Both the staff who set up participation (``Action.MANAGE_PARTICIPATION``)
and the facilitators who ran the meeting (``Action.ASSIST_PARTICIPATION``)
may write it. One record per module, created on the first save and updated
after; the minutes and outputs are Markdown, rendered and sanitised once on
save. What people said at the meeting is entered as contributions of the
module through assisted entry (``contributions.contribution_add``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from participai.accounts.models import User
from participai.core.audit import audit_record
from participai.core.text import clean_plain, render_markdown
from participai.procurements.access import Action, can, require

from ..models import EventKind, EventRecord, Module, ModuleKind

# The fields of a record the form sets, in the order they are audited.
RECORD_FIELDS = (
    "kind",
    "starts_at",
    "ends_at",
    "place",
    "accessibility",
    "attendance",
    "attendance_note",
    "minutes",
    "outputs",
)
PLACE_MAX = 300
NOTE_MAX = 2_000
MINUTES_MAX = 50_000
OUTPUTS_MAX = 20_000
ATTENDANCE_MAX = 1_000_000


def may_record(actor: User, module: Module) -> bool:
    """May ``actor`` write the record of ``module`` (``module.process.procurement`` loaded)?"""
    procurement = module.process.procurement
    return can(actor, Action.MANAGE_PARTICIPATION, procurement) or can(
        actor, Action.ASSIST_PARTICIPATION, procurement
    )


def _check(values: dict[str, Any]) -> None:
    errors: dict[str, str] = {}
    if values["kind"] not in EventKind.values:
        errors["kind"] = _("Choose the kind of meeting.")
    starts, ends = values["starts_at"], values["ends_at"]
    if not isinstance(starts, datetime):
        errors["starts_at"] = _("Give the date and time it started.")
    if not isinstance(ends, datetime):
        errors["ends_at"] = _("Give the date and time it ended.")
    elif isinstance(starts, datetime) and ends <= starts:
        errors["ends_at"] = _("It must end after it starts.")
    if not values["place"]:
        errors["place"] = _("Say where it took place.")
    elif len(values["place"]) > PLACE_MAX:
        errors["place"] = _("At most %(limit)d characters.") % {"limit": PLACE_MAX}
    attendance = values["attendance"]
    if attendance is not None and (
        not isinstance(attendance, int)
        or isinstance(attendance, bool)
        or not 0 <= attendance <= ATTENDANCE_MAX
    ):
        errors["attendance"] = _("Give the number of people, or leave it empty.")
    for name, limit in (
        ("accessibility", NOTE_MAX),
        ("attendance_note", NOTE_MAX),
        ("minutes", MINUTES_MAX),
        ("outputs", OUTPUTS_MAX),
    ):
        if len(values[name]) > limit:
            errors[name] = _("At most %(limit)d characters; this text has %(length)d.") % {
                "limit": limit,
                "length": len(values[name]),
            }
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def event_record_save(
    *,
    actor: User,
    module: Module,
    kind: str,
    starts_at: datetime,
    ends_at: datetime,
    place: str,
    accessibility: str = "",
    attendance: int | None = None,
    attendance_note: str = "",
    minutes: str = "",
    outputs: str = "",
) -> EventRecord:
    """Create or update the record of the meeting ``module`` stands for.

    ``attendance`` is the number of people who took part (``None``: not
    counted); ``attendance_note`` says who came (groups, not names).
    Raises ``PermissionDenied`` without either right, ``ValidationError``
    keyed by field on bad input (saving nothing). Saving the same values
    again changes nothing and writes no audit event.
    """
    module = (
        Module.objects.select_for_update(of=("self",))
        .select_related("process__procurement")
        .get(pk=module.pk)
    )
    procurement = module.process.procurement
    if not can(actor, Action.MANAGE_PARTICIPATION, procurement):
        require(actor, Action.ASSIST_PARTICIPATION, procurement)
    if module.kind != ModuleKind.EVENT:
        raise ValidationError(_("Only an event module has a meeting record."))
    values: dict[str, Any] = {
        "kind": kind,
        "starts_at": starts_at,
        "ends_at": ends_at,
        "place": clean_plain(place),
        "accessibility": (accessibility or "").strip(),
        "attendance": attendance,
        "attendance_note": (attendance_note or "").strip(),
        "minutes": (minutes or "").strip(),
        "outputs": (outputs or "").strip(),
    }
    _check(values)
    record = EventRecord.objects.filter(module=module).first()
    created = record is None
    if created:
        record = EventRecord(module=module, recorded_by=actor)
        changed = list(RECORD_FIELDS)
    else:
        changed = [name for name in RECORD_FIELDS if getattr(record, name) != values[name]]
        if not changed:
            return record
    for name, value in values.items():
        setattr(record, name, value)
    record.minutes_html = render_markdown(record.minutes)
    record.outputs_html = render_markdown(record.outputs)
    record.save()
    audit_record(
        actor=actor,
        action="event.recorded" if created else "event.updated",
        target=record,
        organisation_id=procurement.organisation_id,
        data={
            "process": module.process.slug,
            "module": module.pk,
            "kind": record.kind,
            "starts_at": record.starts_at,
            "ends_at": record.ends_at,
            "attendance": record.attendance,
            "fields": changed,
        },
    )
    return record
