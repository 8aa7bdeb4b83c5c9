"""The form of a meeting's record (staff and facilitators); the service
checks it again and decides."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from participai.core.forms import DesignSystemForm

from ..models import EventKind
from ..services.events import ATTENDANCE_MAX, PLACE_MAX
from .workspace import DateTimeLocalInput

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]


class EventRecordForm(DesignSystemForm):
    """When and where the meeting was, who came, what was said and what came of it."""

    kind = forms.ChoiceField(
        label=_("Kind of meeting"), choices=EventKind.choices, widget=forms.RadioSelect
    )
    starts_at = forms.DateTimeField(
        label=_("Started"), widget=DateTimeLocalInput(), input_formats=DATETIME_FORMATS
    )
    ends_at = forms.DateTimeField(
        label=_("Ended"), widget=DateTimeLocalInput(), input_formats=DATETIME_FORMATS
    )
    place = forms.CharField(label=_("Place"), max_length=PLACE_MAX)
    accessibility = forms.CharField(
        label=_("Access and support"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Step-free access, hearing loop, interpreters, childcare, travel costs paid…"),
    )
    attendance = forms.IntegerField(
        label=_("People who took part"),
        required=False,
        min_value=0,
        max_value=ATTENDANCE_MAX,
        help_text=_("A number; leave empty if nobody counted."),
    )
    attendance_note = forms.CharField(
        label=_("Who came"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Which groups were there and which were missing; never names."),
    )
    minutes = forms.CharField(
        label=_("Minutes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("Markdown. What was presented and discussed."),
    )
    outputs = forms.CharField(
        label=_("Outputs"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Markdown. What the meeting produced: recommendations, votes, priorities."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        zone = timezone.get_current_timezone_name()
        for name in ("starts_at", "ends_at"):
            self.fields[name].help_text = _("Date and time in the %(zone)s time zone.") % {
                "zone": zone
            }
