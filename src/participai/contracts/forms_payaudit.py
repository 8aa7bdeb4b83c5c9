"""Forms of payment decisions, audits and their findings.

They narrow what can be typed and picked; the services check everything again.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from participai.core.forms import DesignSystemForm

from .forms import DATE_WIDGET
from .models import (
    Audit,
    AuditKind,
    Finding,
    FindingSeverity,
    FindingStatus,
    Measurement,
    PaymentMilestone,
)

REASON_HELP = _("At least 20 characters. It is part of the public payment ledger.")


class MeasurementChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Measurement) -> str:
        label = f"{obj.measured_on.isoformat()}: {obj.value.normalize()} {obj.kpi.unit}"
        return f"{label} ({obj.group})" if obj.group else label


class ReleaseForm(DesignSystemForm):
    """Release (part of) a milestone; a KPI-tied one names the measurement
    showing the KPI met (latest first)."""

    amount = forms.DecimalField(
        label=_("Amount released"), max_digits=14, decimal_places=2, min_value=Decimal("0.01")
    )
    decided_on = forms.DateField(label=_("Decided on"), widget=DATE_WIDGET)
    measurement = MeasurementChoiceField(
        label=_("Measurement showing the KPI met"),
        queryset=Measurement.objects.none(),
        required=False,
    )
    reason = forms.CharField(
        label=_("What shows the condition is met"),
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=REASON_HELP,
    )

    def __init__(self, *args: Any, milestone: PaymentMilestone, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if milestone.kpi_id:
            self.fields["measurement"].required = True
            self.fields["measurement"].queryset = (
                Measurement.objects.filter(kpi_id=milestone.kpi_id)
                .select_related("kpi")
                .order_by("-measured_on", "group", "-id")
            )
            self.fields["measurement"].help_text = _(
                "This payment depends on the KPI “%(kpi)s” (target %(target)s %(unit)s)."
            ) % {
                "kpi": milestone.kpi.name,
                "target": milestone.kpi.target.normalize(),
                "unit": milestone.kpi.unit,
            }
        else:
            del self.fields["measurement"]

    def values(self) -> dict[str, Any]:
        return {
            "amount": self.cleaned_data["amount"],
            "decided_on": self.cleaned_data["decided_on"],
            "reason": self.cleaned_data["reason"],
            "measurement": self.cleaned_data.get("measurement"),
        }


class WithholdForm(DesignSystemForm):
    decided_on = forms.DateField(label=_("Decided on"), widget=DATE_WIDGET)
    reason = forms.CharField(
        label=_("Why the payment is withheld"),
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=REASON_HELP,
    )

    def values(self) -> dict[str, Any]:
        return {
            "decided_on": self.cleaned_data["decided_on"],
            "reason": self.cleaned_data["reason"],
        }


class AuditForm(DesignSystemForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=AuditKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    scope = forms.CharField(
        label=_("What was looked at"),
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    auditor = forms.CharField(label=_("Carried out by"), max_length=200)
    participants = forms.CharField(
        label=_("Community members and advocates taking part"),
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required for a participatory audit: who took part, and whom they speak for."),
    )
    started_on = forms.DateField(label=_("Started on"), widget=DATE_WIDGET)
    reported_on = forms.DateField(label=_("Reported on"), widget=DATE_WIDGET, required=False)
    summary = forms.CharField(
        label=_("Summary of the report"),
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    is_public = forms.BooleanField(
        label=_("Public"),
        required=False,
        initial=True,
        help_text=_("Shown, with its findings' status, on the public monitoring page."),
    )

    FIELDS = (
        "kind",
        "title",
        "scope",
        "auditor",
        "participants",
        "started_on",
        "reported_on",
        "summary",
        "is_public",
    )

    def __init__(self, *args: Any, audit: Audit | None = None, **kwargs: Any) -> None:
        if audit is not None:
            kwargs.setdefault("initial", {field: getattr(audit, field) for field in self.FIELDS})
        super().__init__(*args, **kwargs)

    def values(self) -> dict[str, Any]:
        return {field: self.cleaned_data[field] for field in self.FIELDS}


class FindingForm(DesignSystemForm):
    title = forms.CharField(label=_("Finding"), max_length=200)
    description = forms.CharField(
        label=_("Details"), max_length=20_000, widget=forms.Textarea(attrs={"rows": 4})
    )
    severity = forms.ChoiceField(label=_("Severity"), choices=FindingSeverity.choices)
    owner = forms.CharField(
        label=_("Owner"), max_length=200, help_text=_("Who answers for the follow-up.")
    )
    due_on = forms.DateField(label=_("Due on"), widget=DATE_WIDGET)

    def values(self) -> dict[str, Any]:
        return {
            field: self.cleaned_data[field]
            for field in ("title", "description", "severity", "owner", "due_on")
        }


class FindingUpdateForm(DesignSystemForm):
    note = forms.CharField(
        label=_("What was done"), max_length=20_000, widget=forms.Textarea(attrs={"rows": 4})
    )
    status = forms.ChoiceField(label=_("Status after this step"), choices=FindingStatus.choices)

    def __init__(self, *args: Any, finding: Finding, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"status": finding.status})
        super().__init__(*args, **kwargs)

    def values(self) -> dict[str, Any]:
        return {"note": self.cleaned_data["note"], "status": self.cleaned_data["status"]}
