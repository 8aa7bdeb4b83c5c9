"""Event records in the JSON API: the record of a meeting. The points
raised there are contributions of the module, read through
``GET /api/processes/{id}/contributions?module=…``."""

from __future__ import annotations

import datetime

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from participai.procurements.api import ErrorOut

from ..models import ModuleKind
from ..selectors import events as selectors
from .common import RefusalOut, readable_module

router = Router(tags=["participation"])


class EventOut(Schema):
    module: int
    kind: str = Field(description="workshop, hearing, jury, meeting or other")
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    place: str
    accessibility: str = Field(description="Access and support offered (plain text)")
    attendance: int | None = Field(description="People who took part; null when not counted")
    attendance_note: str = Field(description="Who came, by group (plain text)")
    minutes_html: str = Field(description="Sanitised HTML")
    outputs_html: str = Field(description="Sanitised HTML")
    points_raised: int = Field(description="Contributions entered for the meeting")
    updated_at: datetime.datetime


@router.get(
    "/modules/{module_id}/event",
    response={200: EventOut, 403: RefusalOut, 404: ErrorOut, 422: ErrorOut},
    summary="The record of the meeting an event module stands for",
    description="404 until the record is written.",
)
def read_event(request: HttpRequest, module_id: int):
    module = readable_module(request, module_id, ModuleKind.EVENT)
    if isinstance(module, Status):
        return module
    record = selectors.event_of(module)
    if record is None:
        raise Http404(_("The record of this meeting is not written yet."))
    return {
        "module": module.pk,
        "kind": record.kind,
        "starts_at": record.starts_at,
        "ends_at": record.ends_at,
        "place": record.place,
        "accessibility": record.accessibility,
        "attendance": record.attendance,
        "attendance_note": record.attendance_note,
        "minutes_html": record.minutes_html,
        "outputs_html": record.outputs_html,
        "points_raised": module.contribution_count,
        "updated_at": record.updated_at,
    }
