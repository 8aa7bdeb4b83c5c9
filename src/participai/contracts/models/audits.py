"""Audits of a deployed system: internal, independent, or participatory, and their findings."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from participai.core.models import TimeStampedModel

from .contract import Contract


class AuditKind(models.TextChoices):
    INTERNAL = "internal", _("Internal")
    INDEPENDENT = "independent", _("Independent")
    PARTICIPATORY = "participatory", _("Participatory (community members and advocates)")


class Audit(TimeStampedModel):
    """An audit: who looked at what, and what they found (``findings``).

    A participatory audit names the community members and advocates who
    reviewed the system's outputs and cases (``participants``).
    """

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="audits")
    kind = models.CharField(_("kind"), max_length=20, choices=AuditKind.choices)
    title = models.CharField(_("title"), max_length=200)
    scope = models.TextField(_("what was looked at"))
    auditor = models.CharField(_("carried out by"), max_length=200)
    participants = models.TextField(_("community members and advocates taking part"), blank=True)
    started_on = models.DateField(_("started on"))
    reported_on = models.DateField(_("reported on"), null=True, blank=True)
    summary = models.TextField(_("summary of the report"), blank=True)
    is_public = models.BooleanField(_("public"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["contract", "-started_on", "-id"]
        verbose_name = _("audit")

    def __str__(self) -> str:
        return self.title


class FindingSeverity(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")
    CRITICAL = "critical", _("Critical")


class FindingStatus(models.TextChoices):
    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("Being addressed")
    CLOSED = "closed", _("Closed")


class Finding(TimeStampedModel):
    """Something an audit found, followed up until closed (``updates``)."""

    audit = models.ForeignKey(Audit, on_delete=models.PROTECT, related_name="findings")
    title = models.CharField(_("finding"), max_length=200)
    description = models.TextField(_("details"))
    severity = models.CharField(_("severity"), max_length=20, choices=FindingSeverity.choices)
    owner = models.CharField(_("owner"), max_length=200)
    due_on = models.DateField(_("due on"))
    status = models.CharField(
        _("status"), max_length=20, choices=FindingStatus.choices, default=FindingStatus.OPEN
    )
    closed_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["audit", "due_on", "id"]
        verbose_name = _("audit finding")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="closed", closed_on__isnull=False)
                | (~models.Q(status="closed") & models.Q(closed_on__isnull=True)),
                name="finding_closed_on_iff_closed",
            )
        ]

    def __str__(self) -> str:
        return self.title


class FindingUpdate(models.Model):
    """One step of a finding's follow-up, and the status it left the finding in."""

    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="updates")
    note = models.TextField(_("what was done"))
    status = models.CharField(max_length=20, choices=FindingStatus.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["finding", "created_at", "id"]
        verbose_name = _("finding update")

    def __str__(self) -> str:
        return f"{self.finding}: {self.get_status_display()}"
