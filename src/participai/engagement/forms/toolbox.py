"""The toolbox's filter form."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from participai.core.forms import DesignSystemForm
from participai.procurements import lifecycle

from .. import labels


def _choices(all_label, mapping):
    return [("", all_label), *mapping.items()]


class ToolboxFilterForm(DesignSystemForm):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    stage = forms.ChoiceField(
        label=_("Stage"), required=False, choices=[("", _("All stages")), *lifecycle.STAGE_CHOICES]
    )
    function = forms.ChoiceField(
        label=_("Democratic function"),
        required=False,
        choices=_choices(_("All functions"), labels.FUNCTION_LABELS),
    )
    institutionalisation = forms.ChoiceField(
        label=_("Institutionalisation"),
        required=False,
        choices=_choices(_("Any"), labels.INSTITUTIONALISATION_LABELS),
    )
    decision_stage = forms.ChoiceField(
        label=_("Decision stage"),
        required=False,
        choices=_choices(_("Any"), labels.DECISION_STAGE_LABELS),
    )
    min_depth = forms.ChoiceField(
        label=_("At least this deep"),
        required=False,
        choices=_choices(_("Any depth"), labels.DEPTH_LABELS),
    )
    max_cost = forms.ChoiceField(
        label=_("At most this cost"),
        required=False,
        choices=_choices(_("Any cost"), labels.COST_LABELS),
    )
    assisted = forms.BooleanField(
        label=_("Open to assisted participation (people who are offline)"), required=False
    )

    def filters(self) -> dict[str, object]:
        """The catalogue filters the valid fields ask for, named as
        ``Catalogue.filter`` names them (blank fields, and an unticked
        ``assisted``, left off)."""
        data = self.cleaned_data if self.is_valid() else {}
        return {name: value for name, value in data.items() if value}
