"""Forms of "you said, we did": the staff's answer to some contributions,
the filters staff pick contributions with, and how often a participant
hears from us.

They parse what people send (choices among this procurement's decisions,
actors and public documents, and this process's contributions); the
services check everything again and decide.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Model
from django.utils.translation import gettext_lazy as _

from participai.accounts.models import EmailFrequency
from participai.core.forms import DesignSystemForm
from participai.engagement.models import Actor
from participai.procurements.models import Document, GateDecision, Procurement

from ..models import ChangeKind, Contribution, Module, Process, ResponseStatus
from ..services.responses import CHANGE_MAX, LABEL_MAX, LABELLED_KINDS, REASON_MAX


class DecisionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: GateDecision) -> str:
        return (
            f"{obj.get_stage_display()}: {obj.get_outcome_display()} ({obj.decided_on:%Y-%m-%d})"
        )


class ResponseForm(DesignSystemForm):
    """An answer to one or many contributions: what became of them, what it
    changed and why, and the decision it fed. The contributions are
    checkboxes the template lists (only those shown, never the whole process)."""

    contributions = forms.ModelMultipleChoiceField(
        label=_("Contributions answered"),
        queryset=Contribution.objects.none(),
        error_messages={
            "required": _("Choose at least one contribution to answer."),
            "invalid_choice": _("Answer only contributions made in this process."),
            "invalid_pk_value": _("Answer only contributions made in this process."),
        },
    )
    status = forms.ChoiceField(
        label=_("What became of it"), choices=ResponseStatus.choices, widget=forms.RadioSelect
    )
    change_kind = forms.ChoiceField(
        label=_("What it changed"), choices=ChangeKind.choices, widget=forms.RadioSelect
    )
    change = forms.CharField(
        label=_("What we did"),
        required=False,
        max_length=CHANGE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "In plain words, e.g. “Urgent referrals now reach a person the same day.” "
            "Needed unless nothing changed."
        ),
    )
    reason = forms.CharField(
        label=_("Why"),
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "Markdown allowed. People read this first: say why, also when the answer is no."
        ),
    )
    decision = DecisionChoiceField(
        label=_("The gate decision it fed"),
        queryset=GateDecision.objects.none(),
        required=False,
        empty_label=_("None yet"),
    )
    actor = forms.ModelChoiceField(
        label=_("Who is involved"),
        queryset=Actor.objects.none(),
        required=False,
        empty_label=_("—"),
        help_text=_("When it changed who is involved: the actor, from the actor map."),
    )
    document = forms.ModelChoiceField(
        label=_("Document"),
        queryset=Document.objects.none(),
        required=False,
        empty_label=_("—"),
        help_text=_("When it changed a document: one of the procurement's public documents."),
    )
    target_label = forms.CharField(
        label=_("Requirement, criterion, indicator or clause"),
        required=False,
        max_length=LABEL_MAX,
        help_text=_("When it changed one of these: its name or number, as published."),
    )

    def __init__(self, *args: Any, procurement: Procurement, process: Process, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["contributions"].queryset = Contribution.objects.filter(
            module__process=process
        )
        self.fields["decision"].queryset = GateDecision.objects.filter(
            procurement=procurement
        ).order_by("created_at", "pk")
        self.fields["actor"].queryset = Actor.objects.filter(procurement=procurement).order_by(
            "name"
        )
        self.fields["document"].queryset = Document.objects.filter(
            procurement=procurement, is_public=True
        ).order_by("title", "pk")

    def chosen_ids(self) -> set[int]:
        """The contribution ids ticked in the data sent (or the initial ones)."""
        if self.is_bound:
            values = self.data.getlist(self.add_prefix("contributions"))
        else:
            values = self.initial.get("contributions") or []
        return {int(v) for v in values if str(v).isdigit()}

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        kind = data.get("change_kind")
        if kind == ChangeKind.ACTOR and not data.get("actor"):
            self.add_error("actor", _("Choose who is involved."))
        if kind == ChangeKind.DOCUMENT and not data.get("document"):
            self.add_error("document", _("Choose the document."))
        return data

    def target(self) -> Model | None:
        """The record the change points to, by its kind (valid forms only)."""
        return {
            ChangeKind.ACTOR: self.cleaned_data.get("actor"),
            ChangeKind.DOCUMENT: self.cleaned_data.get("document"),
        }.get(self.cleaned_data["change_kind"])

    def service_values(self) -> dict[str, Any]:
        """What ``response_create`` / ``response_update`` take (valid forms only)."""
        data = self.cleaned_data
        return {
            "contributions": list(data["contributions"]),
            "status": data["status"],
            "change_kind": data["change_kind"],
            "change": data["change"],
            "reason": data["reason"],
            "decision": data["decision"],
            "target": self.target(),
            "target_label": data["target_label"] if data["change_kind"] in LABELLED_KINDS else "",
        }


class PickForm(DesignSystemForm):
    """The filters of the staff's list of contributions to answer (GET)."""

    module = forms.TypedChoiceField(label=_("Part of the process"), required=False, coerce=int)
    unanswered = forms.BooleanField(label=_("Only those not answered yet"), required=False)
    q = forms.CharField(label=_("Containing the words"), required=False, max_length=200)

    def __init__(self, *args: Any, modules: list[Module], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["module"].choices = [("", _("All parts")), *((m.pk, m.title) for m in modules)]
        self.fields["module"].empty_value = None


class EmailFrequencyForm(DesignSystemForm):
    """How often a participant hears from us about answers."""

    email_frequency = forms.ChoiceField(
        label=_("Email me about answers"),
        choices=EmailFrequency.choices,
        widget=forms.RadioSelect,
    )
