"""Forms of the staff side of participation: a process, a module, and a
contribution entered by a facilitator.

They parse what staff type (dates in the site's time zone, choices among
this procurement's activities and this process's modules); the services
check everything again and decide.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from participai.core.forms import DesignSystemForm
from participai.engagement.models import EngagementActivity
from participai.procurements.models import Procurement

from ..models import (
    Channel,
    ContributionKind,
    DecisionStage,
    Module,
    ModuleKind,
    PrioritisationMethod,
    ReadRequires,
    WriteRequires,
)
from ..services.participants import PSEUDONYM_LENGTH
from ..services.processes import DOT_BUDGET_RANGE, RESERVED_SLUGS


class DateTimeLocalInput(forms.DateTimeInput):
    """The browser's date-and-time picker; the value is read in the site's
    time zone (Django's ``DateTimeField`` makes it aware)."""

    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs={"class": "usa-input", **(attrs or {})}, format="%Y-%m-%dT%H:%M")


def _when(label: str, *, required: bool = True) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        required=required,
        widget=DateTimeLocalInput(),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"],
    )


class ActivityChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: EngagementActivity) -> str:
        return f"{obj.title} ({obj.get_stage_display()})"


class ProcessForm(DesignSystemForm):
    """A participation process: what it asks, what is open to influence,
    when it runs and who may read, write and vote."""

    title = forms.CharField(label=_("Title"), max_length=200)
    slug = forms.SlugField(
        label=_("Short name"),
        max_length=80,
        help_text=_("Used in the web address, e.g. “waiting-times”. Letters, digits and dashes."),
    )
    question = forms.CharField(
        label=_("Question"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The question put to the public, in plain words."),
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Background people need to answer."),
    )
    negotiable = forms.CharField(
        label=_("Open to your influence"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What the answers can still change."),
    )
    not_negotiable = forms.CharField(
        label=_("Already decided"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What is settled and why, so nobody spends effort on it."),
    )
    decision_stage = forms.ChoiceField(
        label=_("Decision stage"),
        choices=DecisionStage.choices,
        widget=forms.RadioSelect,
        help_text=_("Where this process sits in the decision."),
    )
    opens_at = _when(_("Opens"))
    closes_at = _when(_("Closes"))
    activity = ActivityChoiceField(
        label=_("Activity of the engagement plan"),
        queryset=EngagementActivity.objects.none(),
        required=False,
        empty_label=_("None"),
        help_text=_("Optional: the planned activity this process carries out."),
    )
    read_requires = forms.ChoiceField(
        label=_("Who may read"), choices=ReadRequires.choices, widget=forms.RadioSelect
    )
    contribute_requires = forms.ChoiceField(
        label=_("Who may contribute"), choices=WriteRequires.choices, widget=forms.RadioSelect
    )
    vote_requires = forms.ChoiceField(
        label=_("Who may support and vote"),
        choices=WriteRequires.choices,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, procurement: Procurement, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {
                "read_requires": ReadRequires.NONE,
                "contribute_requires": WriteRequires.GUEST,
                "vote_requires": WriteRequires.GUEST,
            },
        )
        super().__init__(*args, **kwargs)
        zone = timezone.get_current_timezone_name()
        for name in ("opens_at", "closes_at"):
            self.fields[name].help_text = _("Date and time in the %(zone)s time zone.") % {
                "zone": zone
            }
        self.fields["activity"].queryset = procurement.engagement_activities.order_by(
            "starts_on", "pk"
        )

    def clean_slug(self) -> str:
        # The service refuses it too; here it shows with the form's other errors.
        slug = self.cleaned_data["slug"]
        if slug in RESERVED_SLUGS:
            raise forms.ValidationError(
                _("This short name is taken by the workspace; pick another.")
            )
        return slug


class ModuleForm(DesignSystemForm):
    """A module to add to a process; ``kinds`` are those its stage takes."""

    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=(),
        widget=forms.RadioSelect,
        error_messages={
            "invalid_choice": _(
                "This process's stage does not take this kind of module, or it is not "
                "available yet; choose one of those listed."
            )
        },
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What to write about here."),
    )
    opens_at = _when(_("Opens (if not when the process opens)"), required=False)
    closes_at = _when(_("Closes (if not when the process closes)"), required=False)
    # Prioritisation only (dropped when the stage does not take it); they
    # become the module's ``config`` in ``clean``.
    method = forms.ChoiceField(
        label=_("How people prioritise (prioritisation only)"),
        choices=PrioritisationMethod.choices,
        initial=PrioritisationMethod.DOTS,
        required=False,
        widget=forms.RadioSelect,
    )
    budget = forms.IntegerField(
        label=_("Points each person spreads (dot voting only)"),
        min_value=DOT_BUDGET_RANGE[0],
        max_value=DOT_BUDGET_RANGE[1],
        initial=10,
        required=False,
    )

    def __init__(self, *args: Any, kinds: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = kinds
        if ModuleKind.PRIORITISATION not in dict(kinds):
            del self.fields["method"], self.fields["budget"]
        zone = timezone.get_current_timezone_name()
        for name in ("opens_at", "closes_at"):
            self.fields[name].help_text = _(
                "Optional. Date and time in the %(zone)s time zone."
            ) % {"zone": zone}
        if len(kinds) == 1 and not self.is_bound:
            self.initial.setdefault("kind", kinds[0][0])

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        method = cleaned.pop("method", "") or PrioritisationMethod.DOTS
        budget = cleaned.pop("budget", None)
        if cleaned.get("kind") == ModuleKind.PRIORITISATION:
            config: dict[str, Any] = {"method": method}
            if method == PrioritisationMethod.DOTS:
                if budget is None and "budget" not in self.errors:
                    self.add_error("budget", _("Give the number of points for a dot vote."))
                config["budget"] = budget
            cleaned["config"] = config
        return cleaned


class ModuleChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Module) -> str:
        kind = obj.get_kind_display()
        return obj.title if obj.title == kind else f"{obj.title} ({kind})"


# A facilitator enters what was said elsewhere; "online" is the participant's own.
ASSISTED_CHANNELS = [(value, label) for value, label in Channel.choices if value != Channel.ONLINE]


class AssistedEntryForm(DesignSystemForm):
    """What every assisted entry asks besides what the person said or chose:
    how they took part (an offline channel only: "online" is the
    participant's own, and the form refuses it) and the pseudonym they chose,
    for which a new guest participant is made.

    A form for one kind of entry extends it, names the channel for what it
    enters (``channel_label``), and adds its own fields; these two come
    first unless it sets ``field_order``. It may be mixed in before another
    form (``class SurveyAssistForm(AssistedEntryForm, SurveyForm)``)."""

    channel_label = _("How it was made")

    channel = forms.ChoiceField(
        label=channel_label,
        choices=ASSISTED_CHANNELS,
        widget=forms.RadioSelect,
        error_messages={
            "invalid_choice": _(
                "Choose how the person took part: in person, by phone, on paper or "
                "online with help (what they write online themselves is not entered here)."
            )
        },
    )
    pseudonym = forms.CharField(
        label=_("Name shown"),
        min_length=PSEUDONYM_LENGTH[0],
        max_length=PSEUDONYM_LENGTH[1],
        help_text=_("The pseudonym the person chose; a new guest participant is made for it."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["channel"].label = self.channel_label


class AssistForm(AssistedEntryForm):
    """One contribution a facilitator types in for someone: from a paper
    form, a phone call or a conversation."""

    field_order = ["module", "channel", "pseudonym", "kind", "body"]

    module = ModuleChoiceField(label=_("Part of the process"), queryset=Module.objects.none())
    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=[
            ("", _("As the part takes (a comment, or a statement)")),
            (ContributionKind.IDEA.value, _("An idea (parts with comments and ideas)")),
        ],
    )
    body = forms.CharField(
        label=_("What they said"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Type it as written or said; do not correct or summarise it."),
    )

    def __init__(self, *args: Any, modules: list[Module], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["module"]
        field.queryset = Module.objects.filter(pk__in=[m.pk for m in modules]).order_by(
            "position", "pk"
        )
        # Render the choices from the list already loaded, not a second query.
        field.choices = [(m.pk, field.label_from_instance(m)) for m in modules]
        if len(modules) == 1 and not self.is_bound:
            self.initial.setdefault("module", modules[0].pk)
