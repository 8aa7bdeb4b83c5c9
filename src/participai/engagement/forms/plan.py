"""Forms of the engagement plan: add an activity, edit one.

The choices (mechanisms, stages, the procurement's actors, the organisation's
members, the statuses an activity may move to) narrow what can be picked; the
services check everything again.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from participai.accounts.models import User
from participai.core.forms import DesignSystemForm
from participai.procurements import lifecycle
from participai.procurements.models import Procurement

from ..models import ActivityStatus, Actor, EngagementActivity
from ..services.plan import ADD_STATUSES, TRANSITIONS
from ..toolbox import default_catalogue

DATE_WIDGET = {"widget": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}


class ActorChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Actor) -> str:
        return f"{obj.name} ({obj.get_kind_display()})"


class _ActivityForm(DesignSystemForm):
    """The fields an activity shares whether added or edited."""

    title = forms.CharField(label=_("Title"), max_length=200)
    target_actors = ActorChoiceField(
        label=_("Actors it reaches"),
        queryset=Actor.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Actors of this procurement's actor map."),
    )
    starts_on = forms.DateField(label=_("Starts on"), required=False, **DATE_WIDGET)
    ends_on = forms.DateField(label=_("Ends on"), required=False, **DATE_WIDGET)
    owner = forms.ModelChoiceField(
        label=_("Owner"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("No owner yet"),
        help_text=_("A member of the organisation who answers for the activity."),
    )
    status = forms.ChoiceField(label=_("Status"), choices=())
    outputs = forms.CharField(
        label=_("Outputs"),
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "What the activity produced: a report, minutes, what changed because of it. "
            "Needed to mark it done."
        ),
    )

    def __init__(self, *args: Any, procurement: Procurement, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["target_actors"].queryset = Actor.objects.filter(
            procurement=procurement
        ).order_by("name")
        self.fields["owner"].queryset = (
            User.objects.filter(
                is_active=True, memberships__organisation_id=procurement.organisation_id
            )
            .distinct()
            .order_by("last_name", "username")
        )

    def values(self) -> dict[str, Any]:
        """The cleaned values under the services' argument names."""
        return {
            "title": self.cleaned_data["title"],
            "target_actors": list(self.cleaned_data["target_actors"]),
            "starts_on": self.cleaned_data["starts_on"],
            "ends_on": self.cleaned_data["ends_on"],
            "owner": self.cleaned_data["owner"],
            "status": self.cleaned_data["status"],
            "outputs": self.cleaned_data["outputs"],
        }


class ActivityAddForm(_ActivityForm):
    """The team's own activity: a mechanism of the toolbox at a stage."""

    field_order = ["mechanism_key", "stage", "title"]

    mechanism_key = forms.ChoiceField(label=_("Mechanism"), choices=())
    stage = forms.ChoiceField(label=_("Stage"), choices=lifecycle.STAGE_CHOICES)

    def __init__(self, *args: Any, procurement: Procurement, **kwargs: Any) -> None:
        super().__init__(*args, procurement=procurement, **kwargs)
        lang = get_language()
        mechanisms = sorted(default_catalogue(), key=lambda m: m.text("name", lang).lower())
        self.fields["mechanism_key"].choices = [("", _("Choose a mechanism"))] + [
            (m.key, m.text("name", lang)) for m in mechanisms
        ]
        self.fields["stage"].initial = procurement.stage
        self.fields["title"].required = False
        self.fields["title"].help_text = _("Leave blank to use the mechanism's name.")
        self.fields["status"].choices = [
            (status, ActivityStatus(status).label) for status in ADD_STATUSES
        ]
        self.fields["status"].initial = ActivityStatus.PLANNED

    def values(self) -> dict[str, Any]:
        return {
            **super().values(),
            "mechanism_key": self.cleaned_data["mechanism_key"],
            "stage": self.cleaned_data["stage"],
        }


class ActivityEditForm(_ActivityForm):
    """An activity already in the plan; its mechanism and stage stay."""

    def __init__(
        self, *args: Any, procurement: Procurement, activity: EngagementActivity, **kwargs: Any
    ) -> None:
        kwargs.setdefault(
            "initial",
            {
                "title": activity.title,
                "target_actors": list(activity.target_actors.all()),
                "starts_on": activity.starts_on,
                "ends_on": activity.ends_on,
                "owner": activity.owner,
                "status": activity.status,
                "outputs": activity.outputs,
            },
        )
        super().__init__(*args, procurement=procurement, **kwargs)
        reachable = {activity.status, *TRANSITIONS[activity.status]}
        self.fields["status"].choices = [
            (value, label) for value, label in ActivityStatus.choices if value in reachable
        ]
