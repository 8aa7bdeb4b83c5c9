"""Forms of KPI monitoring: a measurement, a CSV import, a supplier's access.

They narrow what can be typed and picked; the services check everything again.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from participai.accounts.models import User
from participai.core.forms import DesignSystemForm

from .forms import DATE_WIDGET
from .models import Kpi


class MeasurementForm(DesignSystemForm):
    """One value of one KPI; the group is asked only for a KPI reported by group."""

    measured_on = forms.DateField(
        label=_("Period ending on"),
        widget=DATE_WIDGET,
        help_text=_("The last day of the period the value is for."),
    )
    value = forms.DecimalField(label=_("Value"), max_digits=14, decimal_places=4)
    group = forms.ChoiceField(label=_("Group"), required=False)
    cases = forms.IntegerField(
        label=_("Cases"),
        required=False,
        min_value=0,
        help_text=_("How many cases the value rests on, if it is a rate."),
    )
    note = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    evidence = forms.FileField(
        label=_("Evidence"),
        required=False,
        help_text=_("A report or extract the value comes from (PDF, spreadsheet, image, CSV)."),
    )

    def __init__(self, *args: Any, kpi: Kpi, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"id_kpi{kpi.pk}_%s")
        super().__init__(*args, **kwargs)
        self.kpi = kpi
        self.fields["value"].label = _("Value (%(unit)s)") % {"unit": kpi.unit}
        if kpi.groups:
            self.fields["group"].required = True
            self.fields["group"].choices = [("", "—")] + [(g, g) for g in kpi.groups]
        else:
            del self.fields["group"]

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        evidence = data.get("evidence")
        return {
            "measured_on": data["measured_on"],
            "value": data["value"],
            "group": data.get("group", ""),
            "cases": data.get("cases"),
            "note": data.get("note", ""),
            "evidence": evidence,
            "evidence_name": evidence.name if evidence else "",
        }


class CsvImportForm(DesignSystemForm):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "Columns: kpi, measured_on, value, and optionally group, cases, note. "
            "The first line names the columns. Nothing is imported if any line is wrong."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )


class SupplierAccessForm(DesignSystemForm):
    """Who to let in, by user name or email address of an existing account."""

    user = forms.CharField(
        label=_("User name or email of the supplier's person"),
        max_length=254,
        help_text=_("They need an account on the platform first."),
    )

    def clean_user(self) -> User:
        name = self.cleaned_data["user"].strip()
        user = (
            User.objects.filter(username__iexact=name).first()
            or User.objects.filter(email__iexact=name).order_by("pk").first()
        )
        if user is None:
            raise forms.ValidationError(_("No account has this user name or email."))
        return user
