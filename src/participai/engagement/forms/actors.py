"""Forms of the actor map: an actor, its involvement per stage, a suggestion."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from participai.core.forms import DesignSystemForm
from participai.procurements import lifecycle

from ..models import ACTOR_KIND_CHOICES, DEPTH_CHOICES, SECTOR_CHOICES, Actor

SCALE_CHOICES = [
    (1, _("1: very low")),
    (2, _("2: low")),
    (3, _("3: medium")),
    (4, _("4: high")),
    (5, _("5: very high")),
]
NOT_INVOLVED = ("", _("Not involved"))


class ActorForm(DesignSystemForm):
    name = forms.CharField(
        label=_("Name"),
        max_length=Actor._meta.get_field("name").max_length,
        help_text=_("A person, a group or a body, e.g. “Residents of the east district”."),
    )
    kind = forms.ChoiceField(label=_("Role"), choices=[("", "—"), *ACTOR_KIND_CHOICES])
    sector = forms.ChoiceField(label=_("Sector"), choices=[("", "—"), *SECTOR_CHOICES])
    is_affected = forms.BooleanField(
        label=_("Affected by the system"),
        required=False,
        help_text=_("The system's decisions would touch them, directly or indirectly."),
    )
    influence = forms.TypedChoiceField(
        label=_("Influence"),
        choices=[("", "—"), *SCALE_CHOICES],
        coerce=int,
        help_text=_("How much they can shape or stop the procurement."),
    )
    interest = forms.TypedChoiceField(
        label=_("Interest"),
        choices=[("", "—"), *SCALE_CHOICES],
        coerce=int,
        help_text=_("How much the procurement matters to them."),
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    @classmethod
    def initial_for(cls, actor: Actor) -> dict:
        return {field: getattr(actor, field) for field in cls.base_fields}


class InvolvementForm(DesignSystemForm):
    """One select per lifecycle stage (the field is named by the stage key).

    ``in_table`` sets it for a row of the map's editor, which posts every
    actor's row at once (give each its own ``prefix``): the selects get room to
    be read, and each carries the value the page showed, so that
    :meth:`changed_depths` holds only what the user changed and a save does not
    undo what someone else changed meanwhile in other cells.
    """

    def __init__(self, *args, in_table: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        for stage in lifecycle.STAGES:
            field = forms.ChoiceField(
                label=stage.name,
                choices=[NOT_INVOLVED, *DEPTH_CHOICES],
                required=False,
                show_hidden_initial=in_table,
            )
            field.widget.attrs["class"] = "usa-select"
            if in_table:
                # In a table row: wide enough to read the choice.
                field.widget.attrs["style"] = "min-width: 8.5rem"
            self.fields[stage.key] = field

    @staticmethod
    def initial_for(actor: Actor) -> dict[str, str]:
        """The actor's depths by stage (reads ``actor.involvements.all()``)."""
        return {i.stage: i.depth for i in actor.involvements.all()}

    def depths(self) -> dict[str, str]:
        return {stage.key: self.cleaned_data.get(stage.key, "") for stage in lifecycle.STAGES}

    def changed_depths(self) -> dict[str, str]:
        """The depths at the stages the user changed (on a valid form)."""
        return {stage: self.cleaned_data[stage] for stage in self.changed_data}


class SuggestionForm(forms.Form):
    key = forms.CharField(max_length=200)


class ConfirmForm(DesignSystemForm):
    """No fields: carries a refusal's message to the page."""
