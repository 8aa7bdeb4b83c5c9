"""Forms of the contract record: start it, edit its terms, sign it; a KPI; a milestone.

They narrow what can be typed and picked; the services check everything again.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from participai.core.forms import DesignSystemForm
from participai.tendering.models import Award, TenderClause

from .models import Contract, Kpi, KpiDirection, KpiFrequency, PaymentMilestone

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _money(label: str, **kwargs: Any) -> forms.DecimalField:
    return forms.DecimalField(
        label=label, max_digits=14, decimal_places=2, min_value=Decimal(0), **kwargs
    )


class ContractStartForm(DesignSystemForm):
    """The contract's first terms; from the award, when there is one."""

    supplier_name = forms.CharField(label=_("Supplier"), max_length=200)
    value = _money(_("Value"))
    currency = forms.CharField(
        label=_("Currency"),
        max_length=3,
        min_length=3,
        initial="EUR",
        help_text=_("Three-letter code, e.g. EUR."),
    )
    start_date = forms.DateField(label=_("Starts on"), widget=DATE_WIDGET)
    end_date = forms.DateField(label=_("Ends on"), widget=DATE_WIDGET)

    def __init__(self, *args: Any, award: Award | None = None, **kwargs: Any) -> None:
        if award is not None:
            kwargs.setdefault(
                "initial",
                {
                    "supplier_name": award.bid.supplier_name,
                    "value": award.bid.price,
                    "currency": award.bid.currency,
                },
            )
        super().__init__(*args, **kwargs)
        if award is not None:
            self.fields["supplier_name"].help_text = _("From the award.")
            self.fields["value"].help_text = _("The winning bid's price.")

    def values(self) -> dict[str, Any]:
        return {
            field: self.cleaned_data[field]
            for field in ("supplier_name", "value", "currency", "start_date", "end_date")
        }


class ClauseChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: TenderClause) -> str:
        return obj.title


class ContractForm(ContractStartForm):
    """The terms of a draft contract."""

    exit_plan = forms.CharField(
        label=_("Exit plan"),
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=Contract._meta.get_field("exit_plan").help_text,
    )
    clauses = ClauseChoiceField(
        label=_("Clauses"),
        queryset=TenderClause.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The tender's clauses that are part of the contract."),
    )

    def __init__(self, *args: Any, contract: Contract, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {
                "supplier_name": contract.supplier_name,
                "value": contract.value,
                "currency": contract.currency,
                "start_date": contract.start_date,
                "end_date": contract.end_date,
                "exit_plan": contract.exit_plan,
                "clauses": [c.pk for c in contract.clauses.all()],
            },
        )
        super().__init__(*args, **kwargs)
        self.fields["clauses"].queryset = TenderClause.objects.filter(
            tender__procurement_id=contract.procurement_id
        ).order_by("position", "id")

    def values(self) -> dict[str, Any]:
        return {
            **super().values(),
            "exit_plan": self.cleaned_data["exit_plan"],
            "clause_ids": [clause.pk for clause in self.cleaned_data["clauses"]],
        }


class SignForm(DesignSystemForm):
    signed_on = forms.DateField(label=_("Signed on"), widget=DATE_WIDGET)

    def values(self) -> dict[str, Any]:
        return {"signed_on": self.cleaned_data["signed_on"]}


class KpiForm(DesignSystemForm):
    """A KPI; ``fria_groups`` hints the groups a fairness KPI is reported for."""

    name = forms.CharField(label=_("Indicator"), max_length=200)
    measure = forms.CharField(
        label=_("What is measured and how"),
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    unit = forms.CharField(label=_("Unit"), max_length=40, help_text=_("e.g. %, days."))
    direction = forms.ChoiceField(label=_("Direction"), choices=KpiDirection.choices)
    target = forms.DecimalField(
        label=_("Target"),
        max_digits=14,
        decimal_places=4,
        help_text=_("What is aimed at."),
    )
    threshold = forms.DecimalField(
        label=_("Threshold"),
        max_digits=14,
        decimal_places=4,
        help_text=_(
            "The level that must never be crossed: below it when higher is better, "
            "above it when lower is."
        ),
    )
    frequency = forms.ChoiceField(
        label=_("How often"), choices=KpiFrequency.choices, initial=KpiFrequency.MONTHLY
    )
    data_source = forms.CharField(label=_("Data source"), max_length=200)
    owner = forms.CharField(
        label=_("Owner"), max_length=200, help_text=_("Who answers for the indicator.")
    )
    is_public = forms.BooleanField(
        label=_("Public"),
        required=False,
        initial=True,
        help_text=_("Its measurements may be shown on the procurement's public page."),
    )
    disaggregate_by = forms.CharField(
        label=_("Groups it is reported for"),
        required=False,
        max_length=5_000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    FIELDS = (
        "name",
        "measure",
        "unit",
        "direction",
        "target",
        "threshold",
        "frequency",
        "data_source",
        "owner",
        "is_public",
        "disaggregate_by",
    )

    def __init__(
        self,
        *args: Any,
        kpi: Kpi | None = None,
        fria_groups: list[str] | None = None,
        **kwargs: Any,
    ) -> None:
        if kpi is not None:
            kwargs.setdefault("initial", {field: getattr(kpi, field) for field in self.FIELDS})
        super().__init__(*args, **kwargs)
        help_text = _(
            "For a fairness KPI: one group per line; it is then reported for each group. "
            "Leave empty for a KPI measured as a whole."
        )
        if fria_groups:
            help_text = _(
                "%(base)s The fundamental rights assessment names these affected groups: "
                "%(groups)s."
            ) % {"base": help_text, "groups": "; ".join(fria_groups)}
        self.fields["disaggregate_by"].help_text = help_text

    def values(self) -> dict[str, Any]:
        return {field: self.cleaned_data[field] for field in self.FIELDS}


class KpiChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Kpi) -> str:
        return obj.name


class MilestoneForm(DesignSystemForm):
    title = forms.CharField(label=_("Milestone"), max_length=200)
    amount = _money(_("Amount"))
    due_on = forms.DateField(
        label=_("Due on"), widget=DATE_WIDGET, help_text=_("Within the contract's dates.")
    )
    condition = forms.CharField(
        label=_("Condition for payment"),
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What must be shown before it is paid: a deliverable, a KPI met, an audit."),
    )
    kpi = KpiChoiceField(
        label=_("KPI it depends on"),
        queryset=Kpi.objects.none(),
        required=False,
        empty_label=_("None"),
    )

    def __init__(
        self,
        *args: Any,
        contract: Contract,
        milestone: PaymentMilestone | None = None,
        **kwargs: Any,
    ) -> None:
        if milestone is not None:
            kwargs.setdefault(
                "initial",
                {
                    "title": milestone.title,
                    "amount": milestone.amount,
                    "due_on": milestone.due_on,
                    "condition": milestone.condition,
                    "kpi": milestone.kpi_id,
                },
            )
        super().__init__(*args, **kwargs)
        self.fields["kpi"].queryset = Kpi.objects.filter(contract=contract)

    def values(self) -> dict[str, Any]:
        return {
            field: self.cleaned_data[field]
            for field in ("title", "amount", "due_on", "condition", "kpi")
        }
