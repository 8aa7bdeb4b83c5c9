"""The contract record: who delivers what, for how much, against which KPIs.

Negotiated at the contract-negotiation stage from the award: the supplier,
value and dates, the clauses chosen from the tender, the KPIs to be monitored
(defined here; measured during contract monitoring), the payment schedule
with milestones tied to KPIs or deliverables, and the exit plan.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from participai.core.models import TimeStampedModel
from participai.procurements.models import Procurement


class ContractStatus(models.TextChoices):
    DRAFT = "draft", _("Being negotiated")
    SIGNED = "signed", _("Signed")


class Contract(TimeStampedModel):
    """The contract of one procurement. ``signed_on`` is set exactly when signed."""

    procurement = models.OneToOneField(
        Procurement, on_delete=models.PROTECT, related_name="contract"
    )
    award = models.ForeignKey(
        "tendering.Award", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    supplier_name = models.CharField(_("supplier"), max_length=200)
    value = models.DecimalField(
        _("value"), max_digits=14, decimal_places=2, validators=[MinValueValidator(Decimal(0))]
    )
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    start_date = models.DateField(_("starts on"))
    end_date = models.DateField(_("ends on"))
    status = models.CharField(
        max_length=20, choices=ContractStatus.choices, default=ContractStatus.DRAFT
    )
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    clauses = models.ManyToManyField(
        "tendering.TenderClause", blank=True, related_name="contracts", verbose_name=_("clauses")
    )
    exit_plan = models.TextField(
        _("exit plan"),
        blank=True,
        help_text=_(
            "How the body can leave: data returned or destroyed, handover to a new "
            "supplier or back in-house, notice periods, who does what. Markdown allowed."
        ),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("contract")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")),
                name="contract_ends_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(status="draft", signed_on__isnull=True)
                | models.Q(status="signed", signed_on__isnull=False),
                name="contract_signed_on_iff_signed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.procurement} · {self.supplier_name}"


class KpiDirection(models.TextChoices):
    HIGHER = "higher", _("Higher is better")
    LOWER = "lower", _("Lower is better")


class KpiFrequency(models.TextChoices):
    WEEKLY = "weekly", _("Weekly")
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")
    YEARLY = "yearly", _("Yearly")


class Kpi(TimeStampedModel):
    """A key performance indicator of the contract.

    ``target`` is what is aimed at and ``threshold`` the level that must never
    be crossed (below it when higher is better, above it when lower is).
    ``disaggregate_by`` lists the groups a fairness KPI is reported for, one
    per line (empty for a KPI measured as a whole).
    """

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="kpis")
    name = models.CharField(_("indicator"), max_length=200)
    measure = models.TextField(_("what is measured and how"))
    unit = models.CharField(_("unit"), max_length=40)
    direction = models.CharField(
        _("direction"), max_length=10, choices=KpiDirection.choices, default=KpiDirection.HIGHER
    )
    target = models.DecimalField(_("target"), max_digits=14, decimal_places=4)
    threshold = models.DecimalField(_("threshold"), max_digits=14, decimal_places=4)
    frequency = models.CharField(
        _("how often"), max_length=20, choices=KpiFrequency.choices, default=KpiFrequency.MONTHLY
    )
    data_source = models.CharField(_("data source"), max_length=200)
    owner = models.CharField(_("owner"), max_length=200)
    alert_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("who is alerted"),
        help_text=_("Told when the threshold is breached or a measurement is overdue."),
    )
    is_public = models.BooleanField(_("public"), default=True)
    disaggregate_by = models.TextField(_("groups it is reported for"), blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["contract", "position", "id"]
        verbose_name = _("KPI")
        verbose_name_plural = _("KPIs")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(direction="higher", target__gte=models.F("threshold"))
                | models.Q(direction="lower", target__lte=models.F("threshold")),
                name="kpi_target_on_the_good_side_of_threshold",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def groups(self) -> list[str]:
        return [line.strip() for line in self.disaggregate_by.splitlines() if line.strip()]


class PaymentMilestone(TimeStampedModel):
    """A staggered payment: an amount paid only once its condition is shown to be met."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("milestone"), max_length=200)
    amount = models.DecimalField(
        _("amount"), max_digits=14, decimal_places=2, validators=[MinValueValidator(Decimal(0))]
    )
    due_on = models.DateField(_("due on"))
    condition = models.TextField(_("condition for payment"))
    kpi = models.ForeignKey(
        Kpi,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="milestones",
        verbose_name=_("KPI it depends on"),
    )
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["contract", "due_on", "position", "id"]
        verbose_name = _("payment milestone")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gte=0), name="milestone_amount_not_negative"
            )
        ]

    def __str__(self) -> str:
        return self.title
