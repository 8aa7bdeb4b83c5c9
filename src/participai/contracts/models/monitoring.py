"""Contract monitoring: KPI measurements, alerts, and the supplier's access.

A measurement is one value of one KPI for one period, for the whole service
or for one group of a fairness KPI (``group``). ``cases`` is how many cases
the value rests on: public figures resting on fewer than five are shown as
"fewer than 5". An alert is raised once per breach or overdue period and
kept, with when its owner was told and when it was resolved.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from .contract import Contract, Kpi


class SupplierAccess(models.Model):
    """A supplier's person who may see their own contract and enter its measurements.

    Suppliers are not members of the public body: this row, not a role, is
    what lets them in, and only to this contract.
    """

    contract = models.ForeignKey(
        Contract, on_delete=models.CASCADE, related_name="supplier_access"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="supplier_contracts"
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("supplier access")
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "user"], name="one_access_per_supplier_user"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.contract}"


class MeasurementSource(models.TextChoices):
    STAFF = "staff", _("Entered by staff")
    SUPPLIER = "supplier", _("Entered by the supplier")
    CSV = "csv", _("Imported from a CSV file")


def evidence_upload_to(instance: Measurement, filename: str) -> str:
    # Content hash as the name: no user-chosen path reaches the file system.
    return (
        f"measurements/{instance.kpi_id}/{instance.evidence_sha256}{instance.evidence_extension}"
    )


class Measurement(models.Model):
    """One value of a KPI for the period ending ``measured_on``."""

    kpi = models.ForeignKey(Kpi, on_delete=models.PROTECT, related_name="measurements")
    measured_on = models.DateField(_("period ending on"))
    group = models.CharField(
        _("group"),
        max_length=200,
        blank=True,
        help_text=_("For a fairness KPI: the group this value is for. Empty for the whole."),
    )
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=4)
    cases = models.PositiveIntegerField(
        _("cases"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("How many cases the value rests on, if it is a rate."),
    )
    note = models.TextField(_("note"), blank=True)
    evidence = models.FileField(upload_to=evidence_upload_to, blank=True, max_length=255)
    evidence_name = models.CharField(max_length=255, blank=True)
    evidence_extension = models.CharField(max_length=10, blank=True)
    evidence_content_type = models.CharField(max_length=100, blank=True)
    evidence_sha256 = models.CharField(max_length=64, blank=True)
    source = models.CharField(max_length=20, choices=MeasurementSource.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kpi", "measured_on", "group", "id"]
        verbose_name = _("measurement")
        constraints = [
            models.UniqueConstraint(
                fields=["kpi", "measured_on", "group"], name="one_measurement_per_kpi_period_group"
            )
        ]
        indexes = [models.Index(fields=["kpi", "-measured_on"])]

    def __str__(self) -> str:
        return f"{self.kpi}: {self.value} ({self.measured_on})"


class AlertKind(models.TextChoices):
    BREACH = "breach", _("Threshold breached")
    OVERDUE = "overdue", _("Measurement overdue")


class KpiAlert(models.Model):
    """A breach of a KPI's threshold, or a measurement not entered in time.

    ``period`` is the date the alert is about: the breaching measurement's
    period, or the date the missing measurement was due. One alert per KPI,
    kind, period and group, however often the check runs.
    """

    kpi = models.ForeignKey(Kpi, on_delete=models.CASCADE, related_name="alerts")
    kind = models.CharField(max_length=20, choices=AlertKind.choices)
    period = models.DateField()
    group = models.CharField(max_length=200, blank=True)
    measurement = models.ForeignKey(
        Measurement, on_delete=models.CASCADE, null=True, blank=True, related_name="alerts"
    )
    detail = models.TextField(blank=True)
    raised_at = models.DateTimeField(auto_now_add=True)
    notified_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-raised_at", "-id"]
        verbose_name = _("KPI alert")
        constraints = [
            models.UniqueConstraint(
                fields=["kpi", "kind", "period", "group"], name="one_alert_per_kpi_kind_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.kpi} ({self.period})"
