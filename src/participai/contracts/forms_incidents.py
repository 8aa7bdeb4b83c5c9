"""Forms of incident reports: the public report form; staff triage, update,
close and authority notification.

They narrow what can be typed and picked; the services check everything again.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from participai.core.forms import DesignSystemForm

from .models import IncidentStatus, Severity
from .services.incidents import DESCRIPTION_MAX, DESCRIPTION_MIN, NOTE_MAX

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ReportForm(DesignSystemForm):
    description = forms.CharField(
        label=_("What happened?"),
        min_length=DESCRIPTION_MIN,
        max_length=DESCRIPTION_MAX,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "Describe the problem or the harm: what the system did, and what it meant for "
            "you or for someone else. Please do not include other people's names."
        ),
    )
    occurred_on = forms.DateField(
        label=_("When did it happen? (optional)"),
        required=False,
        widget=DATE_WIDGET,
    )
    affected_someone = forms.BooleanField(
        label=_("Someone was harmed or treated unfairly"), required=False
    )
    contact_name = forms.CharField(
        label=_("Your name (optional)"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    contact_email = forms.EmailField(
        label=_("Your email (optional)"),
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text=_(
            "Only if you agree to be contacted about this report. Your name and email are "
            "seen only by the staff who handle it and are never published."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["description"].error_messages["min_length"] = _(
            "Describe what happened in at least %(limit_value)d characters."
        )

    def values(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class TriageForm(DesignSystemForm):
    severity = forms.ChoiceField(
        label=_("Severity"),
        choices=[("", _("Choose…")), *Severity.choices],
        help_text=_(
            "A serious incident (AI Act, Art. 73: death or serious harm to health, serious "
            "and irreversible disruption of critical infrastructure, breach of fundamental "
            "rights, serious harm to property or the environment) must be notified to the "
            "market-surveillance authority."
        ),
    )
    respond_by = forms.DateField(
        label=_("Answer the reporter by"),
        widget=DATE_WIDGET,
    )
    note = forms.CharField(
        label=_("What you found (staff only)"),
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    public_note = forms.CharField(
        label=_("Message to the reporter (optional)"),
        max_length=NOTE_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown on the report's status page."),
    )

    def values(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class UpdateForm(DesignSystemForm):
    note = forms.CharField(
        label=_("Update"),
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    is_public = forms.BooleanField(
        label=_("Show this update to the reporter"),
        required=False,
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            ("", _("Keep the current status")),
            (IncidentStatus.RECEIVED, IncidentStatus.RECEIVED.label),
            (IncidentStatus.TRIAGED, IncidentStatus.TRIAGED.label),
        ],
        help_text=_("Choosing a status reopens a closed report."),
    )

    def values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["status"] = data["status"] or None
        return data


class ResolveForm(DesignSystemForm):
    status = forms.ChoiceField(
        label=_("Outcome"),
        choices=[
            (IncidentStatus.RESOLVED, IncidentStatus.RESOLVED.label),
            (IncidentStatus.DISMISSED, IncidentStatus.DISMISSED.label),
        ],
        initial=IncidentStatus.RESOLVED,
        widget=forms.RadioSelect,
    )
    public_response = forms.CharField(
        label=_("Answer to the reporter"),
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Shown on the report's status page: say what was done, or why not."),
    )

    def values(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class NotifyForm(DesignSystemForm):
    notified_on = forms.DateField(
        label=_("Notified on"),
        widget=DATE_WIDGET,
    )

    def values(self) -> dict[str, Any]:
        return dict(self.cleaned_data)
