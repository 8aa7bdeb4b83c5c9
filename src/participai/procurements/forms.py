"""Forms: parse and check what people type; the services decide the rest."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from participai.accounts.models import Organisation, User
from participai.core.forms import DesignSystemForm

from . import lifecycle
from .models import DocumentType, EntryRoute, GateOutcome, Procurement
from .uploads import ALLOWED_EXTENSIONS


class ProcurementForm(DesignSystemForm, forms.ModelForm):
    class Meta:
        model = Procurement
        fields = [
            "title",
            "mission",
            "problem_statement",
            "affected_people",
            "non_ai_alternatives",
            "entry_route",
            "estimated_value",
            "currency",
        ]
        widgets = {
            "mission": forms.Textarea(attrs={"rows": 3}),
            "problem_statement": forms.Textarea(attrs={"rows": 8}),
            "affected_people": forms.Textarea(attrs={"rows": 3}),
            "non_ai_alternatives": forms.Textarea(attrs={"rows": 3}),
        }


class ProcurementCreateForm(ProcurementForm):
    organisation = forms.ModelChoiceField(
        label=_("Public body"), queryset=Organisation.objects.none(), empty_label=None
    )

    class Meta(ProcurementForm.Meta):
        fields = ["organisation", *ProcurementForm.Meta.fields]

    def __init__(self, *args, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        self.fields["entry_route"].initial = EntryRoute.FORMAL_TENDER


class GateDecisionForm(DesignSystemForm):
    outcome = forms.ChoiceField(
        label=_("Decision"), choices=GateOutcome.choices, widget=forms.RadioSelect
    )
    rationale = forms.CharField(
        label=_("Rationale"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Why this decision? It is published with the procurement."),
    )
    decided_on = forms.DateField(
        label=_("Date of the decision"),
        # A date input only understands ISO dates, whatever the page's language.
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    deciders = forms.ModelMultipleChoiceField(
        label=_("Taken by"),
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    other_deciders = forms.CharField(
        label=_("Also taken by"),
        required=False,
        max_length=300,
        help_text=_("People or bodies without an account, e.g. a community panel."),
    )
    return_to_stage = forms.ChoiceField(
        label=_("Return to stage (only when revising)"), required=False, choices=()
    )

    def __init__(self, *args, procurement: Procurement, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["deciders"].queryset = (
            User.objects.filter(memberships__organisation_id=procurement.organisation_id)
            .distinct()
            .order_by("last_name", "username")
        )
        index = lifecycle.STAGE_KEYS.index(procurement.stage)
        self.fields["return_to_stage"].choices = [("", _("Stay at this stage"))] + [
            (stage.key, stage.name) for stage in lifecycle.STAGES[: index + 1]
        ]
        self.fields["decided_on"].initial = timezone.localdate()


class DocumentForm(DesignSystemForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    document_type = forms.ChoiceField(label=_("Type"), choices=DocumentType.choices)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    file = forms.FileField(
        label=_("File"),
        required=False,
        help_text=format_lazy(
            _("Accepted: {types}. The file keeps its name for downloads."),
            types=", ".join(ALLOWED_EXTENSIONS),
        ),
    )
    body = forms.CharField(
        label=_("Or write the text"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Markdown allowed."),
    )
    is_public = forms.BooleanField(
        label=_("Public"),
        required=False,
        initial=True,
        help_text=_("Shown on the public page once the procurement is published."),
    )

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("file") and not (cleaned.get("body") or "").strip():
            raise ValidationError(_("Upload a file or write the text."))
        return cleaned


class PortalFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    organisation = forms.ChoiceField(label=_("Public body"), required=False)
    phase = forms.ChoiceField(
        label=_("Phase"),
        required=False,
        choices=[("", _("All phases")), *lifecycle.Phase.choices],
    )
    stage = forms.ChoiceField(
        label=_("Stage"),
        required=False,
        choices=[("", _("All stages")), *lifecycle.STAGE_CHOICES],
    )

    def __init__(self, *args, organisations: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = [("", _("All public bodies")), *organisations]
